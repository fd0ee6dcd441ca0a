#!/usr/bin/python3
"""`pochta serve --metrics-listen` scraped by a real Prometheus (Debian's
prometheus package):

    /usr/bin/python3 tests/e2e/test_metrics.py --pochta build/release/pochta

It starts a server on a fresh store, forecasting three days ahead, and a Prometheus that scrapes it every
second with the alerting rules of docs/prometheus/pochta-alerts.yml, drives
calls through Python grpcio, and asks Prometheus's HTTP API for the series
the README documents, with the values the calls must have produced.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api  # noqa: E402  the API test's stubs and helpers
from test_api import REPO, s10  # noqa: E402

RULES = os.path.join(REPO, "docs", "prometheus", "pochta-alerts.yml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, probe, timeout=30):
    """Calls probe() until it returns something true; returns that."""
    deadline = time.time() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.25)


class MetricsTest(unittest.TestCase):
    # The API test's helpers, over this class's server.
    md = staticmethod(test_api.PochtaApiTest.md)
    item = test_api.PochtaApiTest.item
    submit = test_api.PochtaApiTest.submit
    event = test_api.PochtaApiTest.event
    report = test_api.PochtaApiTest.report

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pochta_metrics_")
        cls.server = cls.prometheus = None
        test_api.compile_protos()
        from pochta.v1 import intake_pb2_grpc, tracking_pb2_grpc
        cls.server = subprocess.Popen(
            [ARGS.pochta, "serve", "--db", os.path.join(cls.tmp, "db"), "--listen", "127.0.0.1:0",
             "--keys", os.path.join(REPO, "data", "example-keys.txt"), "--metrics-listen", "127.0.0.1:0",
             "--forecast-scenario", "h1-2025", "--forecast-days", "3", "--forecast-replications", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        listening = cls.server.stdout.readline()
        metrics = cls.server.stdout.readline()
        if "listening on" not in listening or "metrics on http://" not in metrics:
            raise RuntimeError("server did not start: " + listening + metrics + cls.server.stderr.read())
        cls.address = listening.split("listening on ")[1].split()[0]
        cls.metrics_target = metrics.split("http://")[1].split("/")[0]
        cls.channel = grpc.insecure_channel(cls.address)
        grpc.channel_ready_future(cls.channel).result(timeout=10)
        cls.intake = intake_pb2_grpc.IntakeServiceStub(cls.channel)
        cls.tracking = tracking_pb2_grpc.TrackingServiceStub(cls.channel)

        config = os.path.join(cls.tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    f"rule_files:\n  - {RULES}\n"
                    "scrape_configs:\n  - job_name: pochta\n    static_configs:\n"
                    f"      - targets: ['{cls.metrics_target}']\n")
        cls.prometheus_url = "http://127.0.0.1:%d" % free_port()
        cls.prometheus = subprocess.Popen(
            ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(cls.tmp, "tsdb"),
             "--web.listen-address=" + cls.prometheus_url[len("http://"):], "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("Prometheus to be ready", lambda: cls.http_ok(cls.prometheus_url + "/-/ready"))

    @classmethod
    def tearDownClass(cls):
        for process in (cls.prometheus, cls.server):
            if process and process.poll() is None:
                process.kill()
                process.wait()
        if cls.server:
            cls.server.stdout.close()
            cls.server.stderr.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @staticmethod
    def http_ok(url):
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def api(self, path, **params):
        url = self.prometheus_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=5) as r:
            body = json.load(r)
        self.assertEqual(body["status"], "success", body)
        return body["data"]

    def query(self, promql):
        """The instant vector of `promql`, as {frozenset of labels: value}."""
        data = self.api("/api/v1/query", query=promql)
        return {frozenset((k, v) for k, v in s["metric"].items() if k not in ("instance", "job")): float(s["value"][1])
                for s in data["result"]}

    def scalar_once(self, promql, expected):
        """Waits until Prometheus has scraped a value of `promql` equal to `expected`."""
        def probe():
            values = list(self.query(promql).values())
            return values == [expected]
        try:
            wait_for(f"{promql} == {expected}", probe)
        except AssertionError:
            self.fail(f"{promql}: {self.query(promql)}, expected {expected}")

    def test_prometheus_scrapes_what_the_calls_did(self):
        from pochta.v1 import tracking_pb2
        self.scalar_once('up{job="pochta"}', 1)
        # The forecast at the start found an empty store.
        self.scalar_once('pochta_forecasts_total{outcome="ok"}', 1)
        self.scalar_once('pochta_forecast_items{kind="read"}', 0)

        # Pre-advice and events from China Post: 20 items, 20 accepted
        # events, 5 duplicates, 3 rejected (an office China Post does not run).
        items = [self.item(s10(7000 + i)) for i in range(20)]
        self.assertEqual(self.submit("CN", items).accepted, 20)
        accepted = [self.event(s10(7000 + i), "EMA", 1, "CN518000") for i in range(20)]
        rejected = [self.event(s10(7100 + i), "EMC", 2, "LVRIXA") for i in range(3)]
        responses = self.report("CN", [accepted, accepted[:5] + rejected])
        self.assertEqual(sum(r.outcome == 1 for r in responses[0].results), 20)
        # Reads: 7 found, 2 unknown, 1 malformed.
        for i in range(7):
            self.tracking.GetItem(tracking_pb2.GetItemRequest(item_id=s10(7000 + i)), metadata=self.md("reader"))
        for item_id in (s10(7900), s10(7901), "LP12"):
            with self.assertRaises(grpc.RpcError):
                self.tracking.GetItem(tracking_pb2.GetItemRequest(item_id=item_id), metadata=self.md("reader"))
        # A watch held open.
        watch = self.tracking.WatchItem(tracking_pb2.WatchItemRequest(item_id=s10(7000)), metadata=self.md("staff"))
        next(watch)

        self.scalar_once('pochta_events_total{operator="CN",outcome="accepted"}', 20)
        self.scalar_once('pochta_events_total{operator="CN",outcome="duplicate"}', 5)
        self.scalar_once('pochta_events_total{operator="CN",outcome="rejected"}', 3)
        self.scalar_once('pochta_preadvice_total{operator="CN",outcome="accepted"}', 20)
        self.scalar_once('grpc_server_handled_total{grpc_method="GetItem",grpc_code="OK"}', 7)
        self.scalar_once('grpc_server_handled_total{grpc_method="GetItem",grpc_code="NotFound"}', 2)
        self.scalar_once('grpc_server_handled_total{grpc_method="GetItem",grpc_code="InvalidArgument"}', 1)
        self.scalar_once('grpc_server_started_total{grpc_method="ReportEvents",grpc_type="bidi_stream"}', 1)
        self.scalar_once('grpc_server_open_streams{grpc_method="WatchItem"}', 1)
        self.scalar_once('pochta_watches', 1)
        self.scalar_once('pochta_items{status="in-transit"}', 20)
        # The postings reached the server days after they happened: late events.
        self.scalar_once('pochta_alerts{kind="late-event",operator="CN"}', 20)
        self.scalar_once('pochta_alerts_evaluated_cursor', 20)
        # Group commit: every write batch was made durable by exactly one fsync.
        self.scalar_once('pochta_store_write_batches_total', 2)  # the pre-advice, the first events
        self.scalar_once('pochta_store_sync_batches_sum', 2)
        # Latency histograms answer quantile queries.
        p99 = self.query('histogram_quantile(0.99, sum by (le) (grpc_server_handling_seconds_bucket'
                         '{grpc_method="GetItem"}))')
        self.assertEqual(len(p99), 1)
        self.assertTrue(0 < list(p99.values())[0] < 1, p99)
        for name in ("pochta_store_write_stall_seconds_total", "pochta_store_pending_compaction_bytes",
                     "pochta_store_level0_files", "pochta_store_block_cache_hits_total",
                     "pochta_store_block_cache_misses_total", "pochta_store_memtable_bytes",
                     "pochta_store_block_cache_bytes", "pochta_store_sync_seconds_count",
                     "pochta_report_batch_seconds_count"):
            self.assertEqual(len(self.query(name)), 1, name)

        # The forecast a SIGHUP asks for reads the 20 items in flow.
        self.server.send_signal(signal.SIGHUP)
        self.scalar_once('pochta_forecasts_total{outcome="ok"}', 2)
        self.scalar_once('pochta_forecast_items{kind="read"}', 20)
        self.scalar_once('pochta_forecast_seconds_count', 2)
        dated = self.query('pochta_forecast_items{kind="dated"}')
        self.assertTrue(0 <= list(dated.values())[0] <= 20, dated)
        start = list(self.query('pochta_forecast_start_timestamp_seconds').values())[0]
        self.assertLess(abs(start - time.time()), 60)

        watch.cancel()
        self.scalar_once('grpc_server_open_streams{grpc_method="WatchItem"}', 0)
        self.scalar_once('pochta_watches', 0)
        self.scalar_once('sum(grpc_server_handled_total{grpc_method="WatchItem"})', 1)

    def test_the_documented_alerting_rules_load_and_evaluate(self):
        checked = subprocess.run(["promtool", "check", "rules", RULES], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        def evaluated():
            groups = self.api("/api/v1/rules")["groups"]
            rules = [r for g in groups for r in g["rules"]]
            return rules if rules and all(r.get("lastEvaluation", "").startswith("20") for r in rules) else None
        rules = wait_for("every rule to be evaluated", evaluated)
        self.assertGreaterEqual(len(rules), 8)
        for rule in rules:
            self.assertEqual(rule["health"], "ok", rule)
        self.assertEqual({r["name"]: r["state"] for r in rules}["PochtaDown"], "inactive")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pochta", required=True)
    ARGS, rest = parser.parse_known_args()
    test_api.ARGS = ARGS
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
