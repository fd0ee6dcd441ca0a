#!/usr/bin/python3
"""The planners' HTML reports, opened the way a planner opens them: in a
real browser, Debian's headless Chromium driven through chromedriver
(python3-selenium).

    /usr/bin/python3 tests/e2e/test_report.py --pochta build/release/pochta \
        --artifacts build/release/test-artifacts

It runs `pochta simulate` into a report of one run and of a sweep with
replications, `pochta compare` into a report of two scenarios, and `pochta
forecast` from a store stopped mid-run (with a closure) into a forecast
report; opens each from disk with networking of no use (everything must be
inlined), and checks through the page's DOM: no console errors,
nothing fetched, every chart drawn with data points, the tables agreeing
with the run's JSON, and the time range zooming every time chart. A
screenshot of each report is kept in the artifacts directory.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from browser import Browser

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARGS = None

# Six weeks of h1-2025's postings and two to drain: every chart has data,
# and the run is short even under the sanitizers.
SHORT = """base = h1-2025
name = h1-short
description = Six weeks of H1 2025, for the report test

[run]
days = 42
drain_days = 14
"""


def pochta(*args):
    done = subprocess.run([ARGS.pochta, *args], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"pochta {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


class ReportBrowser(Browser):
    def open(self, path):
        self.driver.get("file://" + path)
        deadline = time.time() + 60
        while not self.js("return document.body.dataset.chartsDrawn"):
            if time.time() > deadline:
                raise AssertionError(f"{path}: the charts were never drawn; console: {self.console()}")
            time.sleep(0.1)


# What every chart holds, read from Chart.js's own objects and the canvas.
CHARTS = """
return [...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
  const chart = Chart.getChart(canvas);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) painted += pixels[i] > 0;
  return {
    title: canvas.getAttribute('aria-label'),
    painted,
    datasets: chart ? chart.data.datasets.map((d) => ({
      label: d.label,
      band: !!d.band,
      points: d.data.filter((p) => (typeof p === 'number' ? Number.isFinite(p) : Number.isFinite(p.y))).length,
      values: d.data.map((p) => (typeof p === 'number' ? p : p.y)),
    })) : null,
  };
});
"""


def table(browser, heading):
    """The rows of the first table after the <h2> `heading`, as lists of cell texts."""
    return browser.js("""
      const h = [...document.querySelectorAll('h2')].find((e) => e.textContent === arguments[0]);
      let e = h && h.nextElementSibling;
      while (e && e.tagName !== 'TABLE') e = e.nextElementSibling;
      return e ? [...e.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)) : null;
    """, heading)


def number(text):
    return float(text.replace(",", "").rstrip("%"))


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pochta_report_")
        scenarios = os.path.join(REPO, "data", "scenarios")
        shutil.copy(os.path.join(scenarios, "h1-2025.scenario"), cls.dir)
        cls.scenario = os.path.join(cls.dir, "h1-short.scenario")
        with open(cls.scenario, "w") as f:
            f.write(SHORT)
        cls.run_html = os.path.join(cls.dir, "run.html")
        cls.run_json = os.path.join(cls.dir, "run.json")
        pochta("simulate", cls.scenario, "--no-store", "--report", cls.run_html, "--json", cls.run_json)
        cls.sweep_html = os.path.join(cls.dir, "sweep.html")
        cls.sweep_json = os.path.join(cls.dir, "sweep.json")
        pochta("simulate", cls.scenario, "--sweep", "customs.officers=1,2,6", "--replications", "3",
               "--report", cls.sweep_html, "--json", cls.sweep_json)
        # The same six weeks with one customs officer, compared with them.
        with open(os.path.join(cls.dir, "h1-short-slow.scenario"), "w") as f:
            f.write("base = h1-short\nname = h1-short-slow\n[customs]\nofficers = 1\n")
        runs = []
        for name in ("h1-short", "h1-short-slow"):
            runs.append(os.path.join(cls.dir, name + ".json"))
            pochta("simulate", os.path.join(cls.dir, name + ".scenario"), "--replications", "3", "--json", runs[-1])
        cls.compare_html = os.path.join(cls.dir, "compare.html")
        pochta("compare", *runs, "--report", cls.compare_html)
        # Four weeks in, a forecast of a week with the trunk to Samarkand closed.
        db = os.path.join(cls.dir, "store.db")
        pochta("simulate", cls.scenario, "--until", "28", "--db", db)
        cls.forecast_html = os.path.join(cls.dir, "forecast.html")
        cls.forecast_json = os.path.join(cls.dir, "forecast.json")
        pochta("forecast", "--db", db, "--scenario", cls.scenario, "--at", "latest", "--days", "7",
               "--replications", "3", "--close-link", "UZTASA:SC-SKD", "--report", cls.forecast_html,
               "--json", cls.forecast_json)
        cls.browser = ReportBrowser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def assert_clean_page(self, name):
        """No console messages of any error, nothing fetched, no outside address."""
        errors = [entry for entry in self.browser.console() if entry["level"] in ("SEVERE", "WARNING")]
        self.assertEqual(errors, [], name)
        fetched = self.browser.js("return performance.getEntriesByType('resource').map((r) => r.name)")
        self.assertEqual(fetched, [], name)
        outside = self.browser.js(
            "return [...document.querySelectorAll('[src],[href]')].map((e) => e.src || e.href)")
        self.assertEqual(outside, [], name)

    def open_report(self, path, name, screenshot):
        """Opens a report, checks it is clean and every chart has data; its charts."""
        self.browser.open(path)
        self.assert_clean_page(name)
        charts = self.browser.js(CHARTS)
        self.assert_every_chart_has_data(name, charts)
        self.browser.screenshot(ARGS.artifacts, screenshot)
        return charts

    def assert_every_chart_has_data(self, name, charts):
        self.assertTrue(charts, name)
        for chart in charts:
            self.assertIsNotNone(chart["datasets"], f"{name}: {chart['title']} is not a chart")
            lines = [d for d in chart["datasets"] if not d["band"]]
            self.assertTrue(lines, chart["title"])
            for d in lines:
                self.assertGreaterEqual(d["points"], 2, f"{name}: {chart['title']}: {d['label']} has no data")
            self.assertGreater(chart["painted"], 5000, f"{name}: {chart['title']} is blank")

    def test_the_run_report_draws_every_chart_from_the_run(self):
        charts = self.open_report(self.run_html, "run report", "report-run.png")
        titles = [c["title"] for c in charts]
        for title in ("Items in the network", "Backlog at the Tashkent stages", "Items in customs",
                      "Throughput of the Tashkent stages", "Utilisation of the Tashkent stages",
                      "Backlog at line-haul departures", "Transit time by flow", "Transit time by region",
                      "Transit days by region", "Goods delivered per week, and the share on time"):
            self.assertIn(title, titles)

        with open(self.run_json) as f:
            run = json.load(f)
        # The tables say what the run computed.
        flows = {row[0]: row for row in table(self.browser, "Flows")}
        self.assertEqual(set(flows), set(run["operators"]))
        self.assertEqual(number(flows["all"][1]), run["operators"]["all"]["posted"])
        self.assertAlmostEqual(number(flows["all"][8]), 100 * run["operators"]["all"]["on_time_share"], delta=0.05)
        peaks = {row[0]: number(row[1]) for row in table(self.browser, "Peak backlog")}
        for f in run["facilities"]:
            self.assertEqual(peaks[f["name"]], f["peak_backlog"])
        # So do the charts: the weekly bars add up to the goods delivered,
        # and the CDF by flow ends at 100% at the slowest item.
        weekly = next(c for c in charts if c["title"].startswith("Goods delivered per week"))
        delivered = next(d for d in weekly["datasets"] if d["label"] == "delivered")
        self.assertEqual(sum(delivered["values"]), run["operators"]["all"]["delivered"])
        by_flow = next(c for c in charts if c["title"] == "Transit time by flow")
        all_cdf = next(d for d in by_flow["datasets"] if d["label"] == "all")
        self.assertEqual(all_cdf["points"], 101)
        self.assertEqual(all_cdf["values"][-1], 100)
        standard = next(d for d in by_flow["datasets"] if d["label"].startswith("service standard"))
        self.assertEqual(standard["points"], 2)
        # The scenario's files, its base first.
        sources = self.browser.js(
            "return [...document.querySelectorAll('figure.source figcaption')].map((e) => e.textContent)")
        self.assertEqual(sources, ["h1-2025.scenario", "h1-short.scenario"])

    def test_the_time_range_zooms_every_time_chart(self):
        self.browser.open(self.run_html)
        first_week = self.browser.js("""
          const to = document.getElementById('zoom-to');
          to.value = 7 * 24;
          to.dispatchEvent(new Event('input'));
          return [...document.querySelectorAll('canvas[data-chart]')].map((c) => Chart.getChart(c))
              .filter((c) => c.options.scales.x.afterBuildTicks)
              .map((c) => [c.scales.x.min, c.scales.x.max, c.getDatasetMeta(0).data.length]);
        """)
        self.assertGreaterEqual(len(first_week), 6)
        start = first_week[0][0]
        for low, high, _ in first_week:
            self.assertEqual((low, high), (start, start + 7 * 86400))
        label = self.browser.js("return document.getElementById('zoom-to-text').textContent")
        self.assertIn("8 Jan 2025", label)  # a week after the run's first midnight, Tashkent time
        self.browser.js("document.getElementById('zoom-reset').click()")
        whole = self.browser.js("""
          return [...document.querySelectorAll('canvas[data-chart]')].map((c) => Chart.getChart(c))
              .filter((c) => c.options.scales.x.afterBuildTicks).map((c) => c.scales.x.max - c.scales.x.min);
        """)
        self.assertTrue(all(span >= 55 * 86400 for span in whole), whole)
        self.assert_clean_page("run report, zoomed")

    def test_the_sweep_report_shows_each_figure_against_the_swept_value_with_its_band(self):
        charts = self.open_report(self.sweep_html, "sweep report", "report-sweep.png")
        with open(self.sweep_json) as f:
            sweep = json.load(f)
        points = sweep["sweep"]["points"]
        self.assertEqual(len(charts), len(points[0]["key_figures"]))
        for chart in charts:
            figure = chart["title"]
            mean = next(d for d in chart["datasets"] if d["label"] == "mean")["values"]
            lower = next(d for d in chart["datasets"] if d["label"].endswith("lower)"))["values"]
            upper = next(d for d in chart["datasets"] if d["label"].endswith("upper)"))["values"]
            self.assertEqual(len(mean), 3, figure)
            for k, p in enumerate(points):
                f = p["key_figures"][figure]
                self.assertAlmostEqual(mean[k], f["mean"], delta=0.001, msg=figure)
                self.assertAlmostEqual(upper[k] - lower[k], 2 * f["ci95_half_width"], delta=0.002, msg=figure)
        # One officer cannot keep up: the inspection queue is longest there.
        peak = next(c for c in charts if c["title"] == "peak backlog, UZTASA customs inspection")
        mean = next(d for d in peak["datasets"] if d["label"] == "mean")["values"]
        self.assertGreater(mean[0], mean[2])
        tables = self.browser.js("return document.querySelectorAll('table').length")
        self.assertEqual(tables, 3)

    def test_the_compare_report_marks_what_one_officer_changes(self):
        charts = self.open_report(self.compare_html, "compare report", "report-compare.png")
        rows = {row[0]: row for row in table(self.browser, "Key figures")}
        # The same seeds, so the same items: nothing to test in what was posted.
        self.assertEqual(rows["items posted"][3], "0.00")
        self.assertEqual(rows["items posted"][5], "no")
        self.assertEqual(rows["on-time share, %"][5], "yes")
        self.assertTrue(rows["on-time share, %"][3].startswith("-"), rows["on-time share, %"])
        self.assertEqual(rows["peak backlog, UZTASA customs inspection"][5], "yes")
        method = self.browser.js("return document.querySelectorAll('main p')[1].textContent")
        self.assertIn("Paired over 3 replications", method)

    def test_the_forecast_report_shows_the_items_in_flow_and_the_backlog_ahead(self):
        charts = self.open_report(self.forecast_html, "forecast report", "report-forecast.png")
        with open(self.forecast_json) as f:
            forecast = json.load(f)
        titles = [c["title"] for c in charts]
        self.assertEqual(titles, ["Items in the network", "Backlog at the Tashkent stages", "Items in customs",
                                  "Backlog at line-haul departures", "The items in flow delivered"])
        # The table counts every item of the JSON by where it is.
        where = {}
        for item in forecast["items"]:
            where[item["where"]] = where.get(item["where"], 0) + 1
        rows = {row[0]: row for row in table(self.browser, "Items in flow")}
        self.assertEqual({k: number(r[1]) for k, r in rows.items()}, where)
        self.assertIn("in customs", rows)
        # The backlog ahead is the forecast's, its band the 95% interval.
        hours = len(forecast["backlog"]["hours"])
        stages = next(c for c in charts if c["title"] == "Backlog at the Tashkent stages")
        names = [f["name"] for f in forecast["backlog"]["facilities"]]
        for d in stages["datasets"]:
            if d["band"]:
                continue
            facility = forecast["backlog"]["facilities"][names.index(d["label"])]
            self.assertEqual(d["points"], hours, d["label"])
            for got, mean in zip(d["values"], facility["mean"]):
                self.assertAlmostEqual(got, mean, delta=0.051, msg=d["label"])
        bands = [d for d in stages["datasets"] if d["band"]]
        self.assertEqual(len(bands), 2 * len([d for d in stages["datasets"] if not d["band"]]))
        # The deliveries ahead rise to the items delivered by their p50, the
        # early line above the median, the median above the late.
        delivered = next(c for c in charts if c["title"] == "The items in flow delivered")
        lines = {d["label"]: d["values"] for d in delivered["datasets"]}
        end = forecast["backlog"]["hours"][-1]
        self.assertEqual(lines["by their p50"][-1],
                         sum(1 for i in forecast["items"] if i["p50"] is not None and i["p50"] <= end))
        for early, median, late in zip(lines["by their p10 (early)"], lines["by their p50"],
                                       lines["by their p90 (late)"]):
            self.assertGreaterEqual(early, median)
            self.assertGreaterEqual(median, late)
        self.assertGreater(lines["by their p50"][-1], lines["by their p50"][0])
        # Days are ticked at Tashkent midnights (UTC+5), though the forecast
        # starts at 23:59.
        ticks = self.browser.js("""
          return [...document.querySelectorAll('canvas[data-chart]')].map((c) => Chart.getChart(c))
              .map((c) => c.scales.x.ticks.map((t) => t.value));
        """)
        for values in ticks:
            self.assertTrue(values)
            self.assertEqual([t for t in values if (t + 5 * 3600) % 86400], [], values)
        # The closure is stated, and the late items are the forecast's.
        text = self.browser.js("return document.querySelector('main').textContent")
        self.assertIn("Closed: the links between UZTASA and SC-SKD", text)
        late = {row[0]: row[1] for row in table(self.browser, "Deliveries ahead")}
        self.assertEqual(set(late), set(forecast["late"]))
        self.assertAlmostEqual(number(late["all"].split(" ± ")[0]), forecast["late"]["all"]["mean"], delta=0.5)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pochta", required=True, help="path of the pochta executable")
    parser.add_argument("--artifacts", required=True, help="directory for the screenshots")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
