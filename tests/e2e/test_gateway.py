#!/usr/bin/python3
"""`pochta serve --http`: the JSON gateway from Python's own HTTP client, and
the tracking and work-list pages the way a clerk sees them, in Debian's
headless Chromium.

    /usr/bin/python3 tests/e2e/test_gateway.py --pochta build/release/pochta \
        --artifacts build/release/test-artifacts

It starts a server with a fresh store, stores a parcel from China with its
pre-advice and nine events, 25 items at the office of exchange and a
Latvian item through gRPC (Python grpcio), then checks every route and
error of the gateway against what gRPC answers, looks the parcel up on the
tracking page in three languages with a reader's and a staff key, and pages
through a work list. The server forecasts (--forecast-scenario h1-2025); a
SIGHUP after the seeding forecasts again, so the parcel gets the forecast's
dates. Screenshots of both pages go to the artifacts directory.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import test_api
from browser import Browser
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from test_api import KEYS, POSTED, REPO, s10, stop

ARGS = None
PARCEL = s10(7001)
LATVIAN = s10(7002, "LV")
AT_UZTASA = [s10(7100 + i) for i in range(25)]
ORIGIN = [("EMA", 1, "CN518000"), ("EMB", 20, "CNSHAA"), ("EMC", 40, "CNSHAA")]
DESTINATION = [("EMD", 60, "UZTASA"), ("EDB", 61, "UZTASA"), ("EME", 62, "UZTASA"), ("EDC", 70, "UZTASA"),
               ("EMF", 72, "UZTASA"), ("EDD", 80, "SC-SKD")]
ZONES = {"CN518000": "Asia/Shanghai", "CNSHAA": "Asia/Shanghai", "UZTASA": "Asia/Tashkent", "SC-SKD": "Asia/Tashkent"}


def start_server(db, *flags):
    server = subprocess.Popen(
        [ARGS.pochta, "serve", "--db", db, "--keys", os.path.join(REPO, "data", "example-keys.txt"),
         "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [server.stdout.readline() for _ in range(2 + ("--metrics-listen" in flags))]
    if "listening on" not in lines[0]:
        raise RuntimeError("server did not start: " + "".join(lines) + server.stderr.read())
    grpc_address = lines[0].split("listening on ")[1].split()[0]
    http = next(line for line in lines if "pages and JSON on" in line).split(" on ")[1].strip().rstrip("/")
    metrics = [line.split(" on ")[1].strip() for line in lines if "metrics on" in line]
    return server, grpc_address, http, metrics[0] if metrics else None


def seed(address):
    """The parcel, its Latvian neighbour and 25 items scanned in at UZTASA, through gRPC."""
    import grpc
    from pochta.v1 import intake_pb2, intake_pb2_grpc
    from pochta.v1 import types_pb2 as pb
    channel = grpc.insecure_channel(address)
    intake = intake_pb2_grpc.IntakeServiceStub(channel)

    def item(item_id, country):
        it = pb.Item(item_id=item_id, mail_class=pb.PARCELS, weight_grams=850, declared_value_minor=1999,
                     currency="USD",
                     contents=[pb.ContentLine(description="phone case", hs_code="392690", quantity=2,
                                              net_weight_grams=120, value_minor=999, origin_country=country)],
                     sender=pb.Party(name="Shenzhen Trading Co", address="Bao'an, Shenzhen", postcode="518000",
                                     country=country),
                     recipient=pb.Party(name="Dilnoza Karimova", address="Registon 5, Samarqand", postcode="140105",
                                        country="UZ", phone="+998901234567"))
        it.posted_at.seconds = POSTED
        return it

    def event(item_id, code, hours, office, reason_code=0):
        e = pb.TrackingEvent(item_id=item_id, code=code, office=office, reason_code=reason_code)
        e.occurred_at.seconds = POSTED + int(hours * 3600)
        return e

    def report(who, events):
        request = intake_pb2.ReportEventsRequest(batch_id=1, events=events)
        for response in intake.ReportEvents(iter([request]), metadata=(("x-api-key", KEYS[who]),), timeout=10):
            assert all(r.outcome == intake_pb2.ACCEPTED for r in response.results), response

    for who, it in (("CN", item(PARCEL, "CN")), ("LV", item(LATVIAN, "LV"))):
        intake.SubmitItems(iter([intake_pb2.SubmitItemsRequest(items=[it])]), metadata=(("x-api-key", KEYS[who]),),
                           timeout=10)
    report("CN", [event(PARCEL, code, h, office) for code, h, office in ORIGIN])
    report("staff", [event(PARCEL, code, h, office, pb.REASON_INSPECTION if code == "EME" else 0)
                     for code, h, office in DESTINATION])
    # Scanned in at UZTASA an hour apart, the newest first: the list must turn them round.
    report("staff", [event(i, "EMD", 100 - n, "UZTASA") for n, i in enumerate(AT_UZTASA)])
    channel.close()


def call(base, path, key=None, method="GET", body=None):
    """(HTTP status, headers, the body parsed as JSON)."""
    request = urllib.request.Request(base + path, method=method, data=body)
    if key:
        request.add_header("x-api-key", key)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def local(utc_iso, zone):
    at = datetime.strptime(utc_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


class GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pochta_gateway_")
        test_api.compile_protos()
        cls.server, grpc_address, cls.base, cls.metrics = start_server(
            os.path.join(cls.tmp, "db"), "--metrics-listen", "127.0.0.1:0", "--forecast-scenario", "h1-2025",
            "--forecast-days", "7", "--forecast-replications", "3")
        seed(grpc_address)
        cls.server.send_signal(signal.SIGHUP)  # forecast the items just stored
        deadline = time.monotonic() + 120
        while "forecastAt" not in call(cls.base, "/v1/items/" + PARCEL, KEYS["staff"])[2]:
            if time.monotonic() > deadline:
                raise RuntimeError("no forecast for " + PARCEL + " within 120 s")
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        if cls.server.poll() is None:
            cls.server.kill()
            cls.server.wait()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- the JSON API --------------------------------------------------

    def test_an_item_as_a_reader_and_as_staff(self):
        status, _, view = call(self.base, "/v1/items/" + PARCEL, KEYS["reader"])
        self.assertEqual(status, 200, view)
        self.assertEqual((view["itemId"], view["status"], view["location"]), (PARCEL, "IN_TRANSIT", "SC-SKD"))
        self.assertEqual(view["eventCount"], 9)
        self.assertEqual(view["destinationOffice"], "140105")
        self.assertEqual(view["route"][-1]["to"], "140105")
        # The forecast's dates: its p50, and its p90 no earlier.
        self.assertIn("forecastAt", view)
        self.assertGreaterEqual(view["expectedDeliveryP90"], view["expectedDelivery"])
        self.assertGreaterEqual(view["expectedDelivery"], view["forecastAt"])
        self.assertEqual(view["preAdvice"]["recipient"]["name"], "")  # no personal data for readers
        self.assertEqual(view["preAdvice"]["recipient"]["phone"], "")
        _, _, staff = call(self.base, "/v1/items/" + PARCEL, KEYS["staff"])
        self.assertEqual(staff["preAdvice"]["recipient"]["name"], "Dilnoza Karimova")

    def test_the_history_in_event_time_order(self):
        status, _, history = call(self.base, f"/v1/items/{PARCEL}/events", KEYS["CN"])
        self.assertEqual(status, 200, history)
        self.assertEqual([e["code"] for e in history["events"]], [c for c, _, _ in ORIGIN + DESTINATION])
        eme = next(e for e in history["events"] if e["code"] == "EME")
        self.assertEqual(eme["reasonCode"], "REASON_INSPECTION")

    def test_errors_map_to_http_statuses(self):
        cases = [
            ("/v1/items/" + PARCEL, None, 401, "UNAUTHENTICATED", "missing API key"),
            ("/v1/items/" + PARCEL, "wrong-key-0123456789", 401, "UNAUTHENTICATED", "unknown API key"),
            ("/v1/items/LP123", KEYS["reader"], 400, "INVALID_ARGUMENT", 'item_id "LP123"'),
            ("/v1/items/" + s10(7999), KEYS["reader"], 404, "NOT_FOUND", s10(7999)),
            ("/v1/items/" + PARCEL, KEYS["LV"], 403, "PERMISSION_DENIED", "LV"),
            ("/v1/items?facility=UZTASA&status=lost", KEYS["staff"], 400, "INVALID_ARGUMENT", 'status "lost"'),
            ("/v1/items?facility=UZTASA&colour=red", KEYS["staff"], 400, "INVALID_ARGUMENT", '"colour"'),
            ("/v1/items?page_size=5", KEYS["staff"], 400, "INVALID_ARGUMENT", "selection"),
            ("/v1/items?country=CN&posted=2025-02-30", KEYS["staff"], 400, "INVALID_ARGUMENT", "2025-02-30"),
            ("/v1/items?country=CN&posted=" + "%4", KEYS["staff"], 400, "INVALID_ARGUMENT", "hex digits"),
            ("/v2/anything", KEYS["staff"], 404, "NOT_FOUND", "/v2/anything"),
        ]
        for path, key, code, name, fragment in cases:
            with self.subTest(path=path, key=key):
                status, _, body = call(self.base, path, key)
                self.assertEqual(status, code, body)
                self.assertEqual(body["error"]["code"], code)
                self.assertEqual(body["error"]["status"], name)
                self.assertIn(fragment, body["error"]["message"])
        status, headers, body = call(self.base, "/v1/items/" + PARCEL, KEYS["staff"], method="DELETE")
        self.assertEqual((status, headers["Allow"]), (405, "GET"), body)

    def test_a_batch_in_request_order(self):
        ids = [PARCEL, "LP123", s10(7999), LATVIAN]
        status, _, body = call(self.base, "/v1/items:batchGet", KEYS["CN"], "POST",
                               json.dumps({"itemIds": ids}).encode())
        self.assertEqual(status, 200, body)
        results = body["results"]
        self.assertEqual([r["itemId"] for r in results], ids)
        self.assertEqual([r["found"] for r in results], [True, False, False, False])
        self.assertEqual(results[0]["item"]["status"], "IN_TRANSIT")
        self.assertIn("item_ids[1]", results[1]["error"])
        self.assertEqual(results[2]["error"], "")  # unknown: not found, no error
        self.assertIn("LV", results[3]["error"])   # another operator's item
        status, _, body = call(self.base, "/v1/items:batchGet", KEYS["CN"], "POST", b'{"itemIds": 5}')
        self.assertEqual(status, 400, body)
        status, _, body = call(self.base, "/v1/items:batchGet", KEYS["CN"], "POST",
                               json.dumps({"itemIds": [PARCEL] * 1001}).encode())
        self.assertEqual((status, body["error"]["status"]), (413, "RESOURCE_EXHAUSTED"), body)

    def test_the_event_feed_pulled_a_page_at_a_time(self):
        events, after = [], 0
        while True:
            status, _, page = call(self.base, f"/v1/events?after_cursor={after}&page_size=10", KEYS["CN"])
            self.assertEqual(status, 200, page)
            self.assertLessEqual(len(page["events"]), 10)
            if not page["events"]:
                self.assertEqual(int(page["cursor"]), after)
                break
            self.assertEqual(int(page["cursor"]), int(page["events"][-1]["cursor"]))
            events += page["events"]
            after = int(page["cursor"])
        # Gapless cursors in store order: the origin events, then the destination ones, then the 25 scans.
        self.assertEqual([int(e["cursor"]) for e in events], list(range(1, len(events) + 1)))
        self.assertEqual([e["event"]["code"] for e in events[:9]], [c for c, _, _ in ORIGIN + DESTINATION])
        self.assertEqual([e["reportedBy"] for e in events[:4]], ["CN", "CN", "CN", "UZ"])
        self.assertEqual(sorted(e["event"]["itemId"] for e in events[9:34]), sorted(AT_UZTASA))
        # Latvia's operator has none of these items: no events, and the cursor moves past them.
        status, _, page = call(self.base, "/v1/events", KEYS["LV"])
        self.assertEqual((status, page["events"], int(page["cursor"]) >= 34), (200, [], True), page)
        cases = [
            ("/v1/events?after_cursor=abc", KEYS["CN"], 400, 'after_cursor "abc" is not a cursor'),
            ("/v1/events?page_size=0", KEYS["CN"], 400, 'page_size "0" is not a number from 1 to 1000'),
            ("/v1/events?colour=red", KEYS["CN"], 400, '"colour" is not one of after_cursor, page_size'),
            ("/v1/events?after_cursor=999999", KEYS["CN"], 400, "is past the newest entry of the feed"),
            ("/v1/events", None, 401, "missing API key"),
        ]
        for path, key, code, fragment in cases:
            with self.subTest(path=path):
                status, _, body = call(self.base, path, key)
                self.assertEqual(status, code, body)
                self.assertIn(fragment, body["error"]["message"])
        status, headers, _ = call(self.base, "/v1/events", KEYS["CN"], method="POST", body=b"")
        self.assertEqual((status, headers["Allow"]), (405, "GET"))

    def test_the_alerts_a_page_at_a_time(self):
        def alerts(query, key):
            listed, token = [], ""
            while True:
                status, _, page = call(self.base, f"/v1/alerts?{query}&page_size=10&page_token={token}", key)
                self.assertEqual(status, 200, page)
                self.assertLessEqual(len(page.get("alerts", [])), 10)
                listed += page.get("alerts", [])
                token = page.get("nextPageToken", "")
                if not token:
                    return listed
        # The 25 items scanned in at UZTASA came without pre-advice.
        deadline = time.time() + 10
        while len(unadvised := alerts("kind=no-pre-advice", KEYS["staff"])) < 25 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(sorted(a["itemId"] for a in unadvised), sorted(AT_UZTASA))
        self.assertEqual({(a["kind"], a["operator"], a["event"]["code"]) for a in unadvised},
                         {("ALERT_KIND_NO_PRE_ADVICE", "CN", "EMD")})
        self.assertEqual(alerts("kind=ALERT_KIND_NO_PRE_ADVICE", KEYS["CN"]), unadvised)
        self.assertEqual(alerts("kind=no-pre-advice", KEYS["LV"]), [])
        # China Post's origin events came days after they happened.
        late = alerts("kind=late-event&operator=CN", KEYS["staff"])
        self.assertEqual(sorted(a["event"]["code"] for a in late if a["itemId"] == PARCEL), ["EMA", "EMB", "EMC"])
        with urllib.request.urlopen(self.metrics, timeout=10) as response:
            self.assertIn('pochta_alerts{kind="no-pre-advice",operator="CN"} 25\n', response.read().decode())
        cases = [
            ("/v1/alerts?kind=bogus", KEYS["staff"], 400, 'kind "bogus": is not an alert kind'),
            ("/v1/alerts?colour=red", KEYS["staff"], 400, 'colour "red": is not a parameter of the alerts'),
            ("/v1/alerts?page_token=zz", KEYS["staff"], 400, 'page_token "zz"'),
            ("/v1/alerts?operator=CN", KEYS["LV"], 403, 'operator "CN"'),
            ("/v1/alerts", KEYS["reader"], 403, "reader"),
            ("/v1/alerts", None, 401, "missing API key"),
        ]
        for path, key, code, fragment in cases:
            with self.subTest(path=path):
                status, _, body = call(self.base, path, key)
                self.assertEqual(status, code, body)
                self.assertIn(fragment, body["error"]["message"])

    def test_a_work_list_oldest_first_a_page_at_a_time(self):
        seen, token = [], ""
        while True:
            status, _, page = call(self.base, f"/v1/items?facility=UZTASA&status=in-transit&page_size=10"
                                              f"&page_token={urllib.parse.quote(token)}", KEYS["staff"])
            self.assertEqual(status, 200, page)
            seen += [i["itemId"] for i in page["items"]]
            token = page["nextPageToken"]
            if not token:
                break
        self.assertEqual(seen, list(reversed(AT_UZTASA)))
        # Item n was scanned 100 - n hours after posting, so it is age - 100 + n hours old (age: the
        # hours since posting); older than age - 89.5 hours are the items from n = 11 on.
        cutoff = (int(datetime.now(timezone.utc).timestamp()) - POSTED) / 3600 - 89.5
        _, _, older = call(self.base, f"/v1/items?facility=UZTASA&status=IN_TRANSIT&older_than_hours={cutoff:.3f}",
                           KEYS["staff"])
        self.assertEqual([i["itemId"] for i in older["items"]], list(reversed(AT_UZTASA[11:])))

    def test_health_and_the_gateways_metrics(self):
        status, _, body = call(self.base, "/healthz")
        self.assertEqual((status, body), (200, {"status": "SERVING"}))
        call(self.base, "/v1/items/" + s10(7998), KEYS["reader"])
        with urllib.request.urlopen(self.metrics, timeout=10) as response:
            text = response.read().decode()
        found = re.search(r'pochta_http_requests_total\{code="404",route="item"\} (\d+)', text)
        self.assertTrue(found and int(found.group(1)) >= 1, text[-3000:])

    # ---- the pages -------------------------------------------------------

    def browse(self, path):
        self.browser.driver.get(self.base + path)

    def fill(self, fields):
        for name, value in fields.items():
            element = self.browser.driver.find_element(By.ID, name)
            element.clear()
            element.send_keys(value)

    def submit(self, by, selector):
        """Clicks a submit button and waits for the page the form posts to: a new document
        (without the mark put on this one), loaded."""
        self.browser.js("window.pochtaPageBefore = true")
        self.browser.driver.find_element(by, selector).click()
        WebDriverWait(self.browser.driver, 30).until(lambda driver: driver.execute_script(
            "return window.pochtaPageBefore === undefined && document.readyState === 'complete'"))

    def click(self, element_id):
        self.submit(By.ID, element_id)

    def click_language(self, code):
        self.submit(By.CSS_SELECTOR, f'button[name="lang"][value="{code}"]')

    def timeline(self):
        return self.browser.js("""
          return [...document.querySelectorAll('#timeline tbody tr')].map((r) => ({
            code: r.dataset.code, office: r.dataset.office,
            utc: r.querySelector('time').getAttribute('datetime'), shown: r.querySelector('time').textContent,
            zone: r.querySelector('.zone').textContent, event: r.cells[1].textContent, reason: r.cells[3].textContent}));
        """)

    def assert_self_contained(self):
        errors = [e for e in self.browser.console() if e["level"] == "SEVERE"]
        self.assertEqual(errors, [])
        fetched = self.browser.js("return performance.getEntriesByType('resource').map((r) => r.name)")
        self.assertEqual(fetched, [])  # nothing but the page itself, from anywhere

    def test_tracking_page_shows_status_timeline_and_route_in_local_time(self):
        self.browser = Browser("en-US")
        try:
            self.browse("/")
            self.assertEqual(self.browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
            self.fill({"item": PARCEL.lower(), "key": KEYS["reader"]})
            self.click("track")
            self.assertEqual(self.browser.js("return document.getElementById('item-id').textContent"), PARCEL)
            status = self.browser.driver.find_element(By.ID, "status")
            self.assertEqual((status.get_attribute("data-status"), status.text), ("in-transit", "In transit"))
            self.assertIn("Samarkand regional sorting centre", self.browser.driver.find_element(By.ID, "location").text)
            route = self.browser.js("return [...document.querySelectorAll('#route li')].map((li) => li.dataset.to)")
            self.assertEqual(route[-1], "140105")
            _, _, view = call(self.base, "/v1/items/" + PARCEL, KEYS["reader"])
            expected = self.browser.driver.find_element(By.ID, "expected").text
            self.assertIn(local(view["expectedDelivery"], "Asia/Tashkent"), expected)
            p90 = self.browser.driver.find_element(By.ID, "expected-p90").text
            self.assertIn("in 9 cases in 10 by " + local(view["expectedDeliveryP90"], "Asia/Tashkent"), p90)
            rows = self.timeline()
            events = list(reversed(ORIGIN + DESTINATION))  # the latest first
            self.assertEqual([(r["code"], r["office"]) for r in rows], [(c, o) for c, _, o in events])
            for row in rows:
                zone = ZONES[row["office"]]
                self.assertEqual(row["shown"], local(row["utc"], zone), row)
                self.assertTrue(row["zone"].startswith(zone), row)
            self.assertEqual(rows[-1]["zone"], "Asia/Shanghai, UTC+08:00")
            self.assertEqual(rows[0]["zone"], "Asia/Tashkent, UTC+05:00")
            eme = next(r for r in rows if r["code"] == "EME")
            self.assertIn("Held by customs for inspection", eme["event"])
            self.assertEqual(eme["reason"], "Held for a physical inspection")
            # A reader never sees who sends or receives it.
            source = self.browser.driver.page_source
            for personal in ("Dilnoza", "Karimova", "+998901234567", "Registon", "Shenzhen Trading"):
                self.assertNotIn(personal, source)
            self.assertEqual(self.browser.driver.find_elements(By.ID, "addressee"), [])
            self.assert_self_contained()
            self.browser.screenshot(ARGS.artifacts, "tracking-page-en.png")

            # The same item in Uzbek and in Russian: the language buttons post the form again.
            self.click_language("uz")
            self.assertEqual(self.browser.driver.find_element(By.ID, "status").text, "Yo‘lda")
            emd = next(r for r in self.timeline() if r["code"] == "EMD")
            self.assertIn("O‘zbekistonga, xalqaro almashinuv joyiga keldi", emd["event"])
            self.browser.screenshot(ARGS.artifacts, "tracking-page-uz.png")
            self.click_language("ru")
            self.assertEqual(self.browser.driver.find_element(By.ID, "status").text, "В пути")
            self.assertIn("Выпущено таможней", next(r for r in self.timeline() if r["code"] == "EDC")["event"])

            # Staff see the addressee; an unknown item and a missing key are said so.
            self.fill({"key": KEYS["staff"]})
            self.click("track")
            self.assertIn("Dilnoza Karimova", self.browser.driver.find_element(By.ID, "addressee").text)
            self.fill({"item": s10(7999)})
            self.click("track")
            self.assertEqual(self.browser.driver.find_element(By.ID, "error").get_attribute("data-code"), "NOT_FOUND")
            self.fill({"item": PARCEL, "key": ""})
            self.click("track")
            self.assertEqual(self.browser.driver.find_element(By.ID, "error").get_attribute("data-code"),
                             "UNAUTHENTICATED")
        finally:
            self.browser.quit()

    def test_work_list_page_pages_through_the_items_oldest_first(self):
        self.browser = Browser("ru-RU")
        try:
            self.browse("/staff")
            self.assertEqual(self.browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), "ru")
            self.fill({"key": KEYS["staff"], "facility": "UZTASA", "page-size": "10"})
            self.browser.driver.find_element(By.CSS_SELECTOR, '#status-select option[value="in-transit"]').click()
            self.click("show")
            pages = []
            while True:
                rows = self.browser.js("""
                  return [...document.querySelectorAll('#worklist tbody tr')].map((r) => ({
                    item: r.dataset.item, n: r.cells[0].textContent, status: r.cells[2].dataset.status}));
                """)
                page = self.browser.js("return document.getElementById('result').dataset.page")
                pages.append((page, rows))
                if len(pages) == 2:
                    self.assert_self_contained()
                    self.browser.screenshot(ARGS.artifacts, "work-list-page-ru.png")
                if not self.browser.driver.find_elements(By.ID, "next"):
                    break
                self.click("next")
            self.assertEqual([p for p, _ in pages], ["1", "2", "3"])
            self.assertEqual([len(rows) for _, rows in pages], [10, 10, 5])
            everything = [r for _, rows in pages for r in rows]
            self.assertEqual([r["item"] for r in everything], list(reversed(AT_UZTASA)))
            self.assertEqual([r["n"] for r in everything], [str(n) for n in range(1, 26)])
            self.assertEqual({r["status"] for r in everything}, {"in-transit"})
            # Back to the first page.
            self.click("first")
            self.assertEqual(self.browser.js("return document.getElementById('result').dataset.page"), "1")
        finally:
            self.browser.quit()


class RateLimitTest(unittest.TestCase):
    def test_over_the_limit_is_429_with_retry_after(self):
        tmp = tempfile.mkdtemp(prefix="pochta_gateway_limit_")
        server, _, base, _ = start_server(os.path.join(tmp, "db"), "--rate-limit", "2")
        try:
            statuses = [call(base, "/v1/items/" + PARCEL, KEYS["reader"])[0] for _ in range(6)]
            self.assertEqual(statuses[:4], [404] * 4)  # a burst of twice the rate goes through
            status, headers, body = call(base, "/v1/items/" + PARCEL, KEYS["reader"])
            self.assertEqual((status, body["error"]["status"]), (429, "RESOURCE_EXHAUSTED"), body)
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
            self.assertIn("rate limit of 2 calls/s", body["error"]["message"])
            stop(self, server)
        finally:
            if server.poll() is None:
                server.kill()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pochta", required=True, help="path of the pochta executable")
    parser.add_argument("--artifacts", required=True, help="directory for the screenshots")
    ARGS, rest = parser.parse_known_args()
    test_api.ARGS = ARGS
    try:
        unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
    finally:
        if test_api._STUBS:
            shutil.rmtree(test_api._STUBS, ignore_errors=True)
