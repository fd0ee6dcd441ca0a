#!/usr/bin/python3
"""End-to-end test of `pochta serve`, driven by an independent gRPC
implementation: Python grpcio, with stubs compiled from the repository's
.proto files when the test starts.

    /usr/bin/python3 tests/e2e/test_api.py --pochta build/release/pochta

It starts a server on a free loopback port with a fresh store and the
example keys, exercises every method and every error case the API
documents, stops the server with SIGTERM and verifies the store it left.
"""
import argparse
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc
from grpc_tools import protoc

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = {
    "CN": "example-cn-0123456789abcdef",
    "LV": "example-lv-0123456789abcdef",
    "VU": "example-vu-0123456789abcdef",
    "TR": "example-tr-0123456789abcdef",
    "staff": "example-uz-staff-0123456789",
    "reader": "example-reader-0123456789ab",
}
NOW = int(time.time())
POSTED = NOW - 10 * 86400  # ten days ago


_STUBS = None


def compile_protos():
    """Compiles the stubs once per run into a temporary directory on sys.path."""
    global _STUBS
    if _STUBS:
        return
    _STUBS = tempfile.mkdtemp(prefix="pochta_stubs_")
    out_dir = _STUBS
    proto_root = os.path.join(REPO, "proto")
    standard = os.path.join(REPO, "tests", "e2e", "standard")
    files = [os.path.join(proto_root, "pochta", "v1", name) for name in ("types.proto", "intake.proto", "tracking.proto")]
    files += [os.path.join(standard, name) for name in ("health.proto", "reflection.proto")]
    for f in files:
        root = standard if f.startswith(standard) else proto_root
        args = ["protoc", "-I" + root, "-I/usr/include", "--python_out=" + out_dir, "--grpc_python_out=" + out_dir, f]
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed on " + f)
    sys.path.insert(0, out_dir)


def check_digit(serial):
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    c = 11 - sum(int(d) * w for d, w in zip("%08d" % serial, weights)) % 11
    return {10: 0, 11: 5}.get(c, c)


def s10(serial, country="CN", indicator="LP"):
    return "%s%08d%d%s" % (indicator, serial, check_digit(serial), country)


def into_queue(call):
    """A queue that a thread fills with a streaming call's messages, then its error if it ends with one."""
    messages = queue.Queue()

    def read():
        try:
            for message in call:
                messages.put(message)
        except grpc.RpcError as e:
            messages.put(e)
    threading.Thread(target=read, daemon=True).start()
    return messages


class PochtaApiTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pochta_e2e_")
        compile_protos()
        global pb, intake, tracking, health, reflection
        from pochta.v1 import types_pb2 as pb  # noqa: F401
        from pochta.v1 import intake_pb2_grpc as intake
        from pochta.v1 import tracking_pb2_grpc as tracking
        import health_pb2_grpc as health
        import reflection_pb2_grpc as reflection
        cls.db = os.path.join(cls.tmp, "db")
        cls.server = subprocess.Popen(
            [ARGS.pochta, "serve", "--db", cls.db, "--keys", os.path.join(REPO, "data", "example-keys.txt"),
             "--listen", "127.0.0.1:0", "--durability", "group", "--alert-unscanned-hours", "0",
             "--alert-check-seconds", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.server.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line + cls.server.stderr.read())
        cls.address = line.split("listening on ")[1].split()[0]
        cls.channel = grpc.insecure_channel(cls.address)
        grpc.channel_ready_future(cls.channel).result(timeout=10)
        cls.intake = intake.IntakeServiceStub(cls.channel)
        cls.tracking = tracking.TrackingServiceStub(cls.channel)
        cls.health = health.HealthStub(cls.channel)
        cls.reflection = reflection.ServerReflectionStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            if cls.server.poll() is None:
                cls.server.kill()
                cls.server.wait()
            cls.server.stdout.close()
            cls.server.stderr.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers -------------------------------------------------------

    @staticmethod
    def md(who):
        return (("x-api-key", KEYS[who]),)

    def item(self, item_id, **changes):
        from pochta.v1 import types_pb2 as pb
        it = pb.Item(item_id=item_id, mail_class=pb.PARCELS, weight_grams=850, declared_value_minor=1999,
                     currency="USD",
                     contents=[pb.ContentLine(description="phone case", hs_code="392690", quantity=2,
                                              net_weight_grams=120, value_minor=999, origin_country="CN")],
                     sender=pb.Party(name="Shenzhen Trading Co", address="Bao'an, Shenzhen", postcode="518000",
                                     country="CN"),
                     recipient=pb.Party(name="Dilnoza Karimova", address="Registon 5, Samarqand", postcode="140105",
                                        country="UZ", phone="+998901234567"))
        it.posted_at.seconds = POSTED
        for key, value in changes.items():
            setattr(it, key, value)
        return it

    def submit(self, who, items, per_message=1000):
        from pochta.v1 import intake_pb2
        messages = [intake_pb2.SubmitItemsRequest(items=items[i:i + per_message])
                    for i in range(0, len(items), per_message)]
        return self.intake.SubmitItems(iter(messages), metadata=self.md(who), timeout=10)

    def event(self, item_id, code, hours_after_posting, office, measure=0, reason_code=0):
        from pochta.v1 import types_pb2 as pb
        e = pb.TrackingEvent(item_id=item_id, code=code, office=office, measure=measure, reason_code=reason_code)
        e.occurred_at.seconds = POSTED + int(hours_after_posting * 3600)
        return e

    def report(self, who, batches):
        """Sends batches of events on one stream; returns the responses."""
        from pochta.v1 import intake_pb2
        requests = [intake_pb2.ReportEventsRequest(batch_id=i, events=b) for i, b in enumerate(batches)]
        return list(self.intake.ReportEvents(iter(requests), metadata=self.md(who), timeout=10))

    def assert_code(self, code, call, *fragments):
        with self.assertRaises(grpc.RpcError) as caught:
            call()
        self.assertEqual(caught.exception.code(), code, caught.exception.details())
        for fragment in fragments:
            self.assertIn(fragment, caught.exception.details())
        return caught.exception.details()

    def outcomes(self, response):
        from pochta.v1 import intake_pb2
        return [intake_pb2.EventOutcome.Name(r.outcome) for r in response.results]

    def get(self, who, item_id):
        from pochta.v1 import tracking_pb2
        return self.tracking.GetItem(tracking_pb2.GetItemRequest(item_id=item_id), metadata=self.md(who), timeout=5)

    # ---- the server ----------------------------------------------------

    def test_health_and_reflection(self):
        import health_pb2
        import reflection_pb2
        self.assertEqual(self.health.Check(health_pb2.HealthCheckRequest(), timeout=5).status,
                         health_pb2.HealthCheckResponse.SERVING)
        responses = self.reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
        names = {s.name for r in responses for s in r.list_services_response.service}
        self.assertTrue({"pochta.v1.IntakeService", "pochta.v1.TrackingService", "grpc.health.v1.Health"} <= names,
                        names)

    def test_calls_without_a_valid_key_are_unauthenticated(self):
        from pochta.v1 import tracking_pb2
        request = tracking_pb2.GetItemRequest(item_id=s10(1))
        self.assert_code(grpc.StatusCode.UNAUTHENTICATED, lambda: self.tracking.GetItem(request, timeout=5),
                         "missing API key")
        self.assert_code(grpc.StatusCode.UNAUTHENTICATED,
                         lambda: self.tracking.GetItem(request, metadata=(("x-api-key", "nope" * 5),), timeout=5),
                         "unknown API key")
        self.assert_code(grpc.StatusCode.UNAUTHENTICATED, lambda: self.intake.SubmitItems(iter([]), timeout=5))

    # ---- intake ----------------------------------------------------------

    def test_submit_stores_good_items_and_rejects_bad_ones_alone(self):
        good = [self.item(s10(1000 + i)) for i in range(3)]
        bad = [self.item(s10(1010), weight_grams=-5), self.item("LP123", weight_grams=5),
               self.item(s10(1011), currency="dollars"), self.item(s10(1012))]
        bad[3].recipient.postcode = "990101"
        response = self.submit("CN", good + bad, per_message=2)
        self.assertEqual((response.accepted, response.rejected), (3, 4))
        reasons = {r.index: r.reason for r in response.rejections}
        self.assertIn('items[3].weight_grams -5: must be 1 to 50000', reasons[3])
        self.assertIn('items[4].item_id "LP123"', reasons[4])
        self.assertIn('items[5].currency "dollars"', reasons[5])
        self.assertIn('recipient.postcode "990101"', reasons[6])
        again = self.submit("CN", good)
        self.assertEqual((again.accepted, again.duplicates), (0, 3))
        changed = self.submit("CN", [self.item(s10(1000), weight_grams=900)])
        self.assertEqual(changed.updated, 1)
        self.assertEqual(self.get("staff", s10(1000)).pre_advice.weight_grams, 900)

    def test_submit_refuses_foreign_items_and_other_roles(self):
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.submit("CN", [self.item(s10(1100, "LV"))]),
                         'items[0].item_id "%s"' % s10(1100, "LV"), "issued in LV, not CN")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.submit("staff", [self.item(s10(1101))]),
                         "issued in CN, not UZ")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.submit("reader", [self.item(s10(1102))]),
                         "only designated operators (partners in the operators file) and Uzbekiston Pochtasi staff")
        self.assert_code(grpc.StatusCode.NOT_FOUND, lambda: self.get("staff", s10(1101)))

    def test_oversize_messages_are_refused(self):
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         lambda: self.submit("CN", [self.item(s10(1200 + i)) for i in range(1001)], per_message=1001),
                         "at most 1000")
        huge = self.item(s10(1300))
        huge.sender.address = "x" * (5 << 20)
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED, lambda: self.submit("CN", [huge]))
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED,
                         lambda: self.report("staff", [[self.event(s10(1301), "EMD", 1, "UZTASA")] * 1001]))

    def test_events_out_of_order_and_duplicated_give_one_history(self):
        item_id = s10(2000)
        self.submit("CN", [self.item(item_id)])
        origin = [self.event(item_id, "EMA", 1, "CN518000"), self.event(item_id, "EMB", 20, "CNSHAA"),
                  self.event(item_id, "EMC", 40, "CNSHAA")]
        destination = [self.event(item_id, code, h, office) for code, h, office in (
            ("EMD", 60, "UZTASA"), ("EDB", 61, "UZTASA"), ("EDC", 70, "UZTASA"), ("EMF", 72, "UZTASA"),
            ("EDD", 80, "SC-SKD"), ("EDE", 82, "SC-SKD"), ("EMG", 90, "140105"), ("EDG", 100, "140105"),
            ("EMI", 103, "140105"))]
        random.Random(5).shuffle(destination)
        # Destination events arrive first, in two batches, one duplicated within a batch.
        first = self.report("staff", [destination[:5] + [destination[0]], destination[5:]])
        self.assertEqual([r.batch_id for r in first], [0, 1])
        self.assertEqual(self.outcomes(first[0]), ["ACCEPTED"] * 5 + ["DUPLICATE"])
        self.assertEqual(self.outcomes(first[1]), ["ACCEPTED"] * 4)
        self.assertEqual(self.get("staff", item_id).status, pb.DELIVERED)
        # The origin side reports late and twice; a late arrival scan changes nothing.
        late = self.report("CN", [list(reversed(origin)), origin])
        self.assertEqual(self.outcomes(late[0]), ["ACCEPTED"] * 3)
        self.assertEqual(self.outcomes(late[1]), ["DUPLICATE"] * 3)
        self.assertEqual(self.outcomes(self.report("staff", [[destination[3]]])[0]), ["DUPLICATE"])
        view = self.get("staff", item_id)
        self.assertEqual(view.status, pb.DELIVERED)
        self.assertEqual(view.event_count, 12)
        self.assertEqual(view.last_event.code, "EMI")
        self.assertEqual(view.location, "140105")
        from pochta.v1 import tracking_pb2
        events = self.tracking.ListEvents(tracking_pb2.ListEventsRequest(item_id=item_id), metadata=self.md("CN"),
                                          timeout=5).events
        self.assertEqual([e.code for e in events],
                         ["EMA", "EMB", "EMC", "EMD", "EDB", "EDC", "EMF", "EDD", "EDE", "EMG", "EDG", "EMI"])
        self.assertEqual([e.occurred_at.seconds for e in events], sorted(e.occurred_at.seconds for e in events))

    def test_malformed_events_are_rejected_one_by_one(self):
        item_id = s10(2100)
        self.submit("CN", [self.item(item_id)])
        batch = [self.event(item_id, "EMD", 60, "UZTASA"),
                 self.event(item_id, "EZZ", 61, "UZTASA"),
                 self.event(item_id, "EDD", 62, "SC-XXX"),
                 self.event(item_id, "EMF", 24 * 400, "UZTASA"),
                 self.event(item_id, "EMF", -48, "UZTASA"),
                 self.event("LP00000000XCN", "EMF", 63, "UZTASA"),
                 self.event(item_id, "EMF", 64, "UZTASA", measure=pb.RETURN_TO_SENDER),
                 self.event(item_id, "EMF", 65, "UZTASA", reason_code=pb.REASON_UNCLAIMED),
                 self.event(item_id, "EMH", 66, "UZTASA", reason_code=42)]
        response = self.report("staff", [batch])[0]
        self.assertEqual(self.outcomes(response), ["ACCEPTED"] + ["REJECTED"] * 8)
        reasons = [r.reason for r in response.results]
        self.assertIn('events[1].code "EZZ"', reasons[1])
        self.assertIn('events[2].office "SC-XXX": is not a facility of the Uzbek network', reasons[2])
        self.assertIn("events[3].occurred_at", reasons[3])
        self.assertIn("in the future", reasons[3])
        self.assertIn("before the item was posted", reasons[4])
        self.assertIn('events[5].item_id "LP00000000XCN"', reasons[5])
        self.assertIn("only for EMH", reasons[6])
        self.assertIn('events[7].reason_code "REASON_UNCLAIMED": is not a reason for EMF events', reasons[7])
        self.assertIn("events[8].reason_code 42: is not a known reason", reasons[8])
        self.assertEqual(self.get("staff", item_id).event_count, 1)

    def test_retentions_and_failures_carry_coded_reasons(self):
        """Customs holds an item for inspection, the courier finds nobody home: each event says why, with a
        code, and the history and the item's last event give it back."""
        from pochta.v1 import tracking_pb2
        item_id = s10(2150)
        self.submit("CN", [self.item(item_id)])
        batch = [self.event(item_id, "EMD", 60, "UZTASA"), self.event(item_id, "EDB", 61, "UZTASA"),
                 self.event(item_id, "EME", 62, "UZTASA", reason_code=pb.REASON_INSPECTION),
                 self.event(item_id, "EDC", 70, "UZTASA"),
                 self.event(item_id, "EDG", 100, "140105"),
                 self.event(item_id, "EMH", 104, "140105", measure=pb.HOLD_FOR_COLLECTION,
                            reason_code=pb.REASON_ADDRESSEE_ABSENT)]
        self.assertEqual(self.outcomes(self.report("staff", [batch])[0]), ["ACCEPTED"] * 6)
        events = self.tracking.ListEvents(tracking_pb2.ListEventsRequest(item_id=item_id), metadata=self.md("staff"),
                                          timeout=5).events
        self.assertEqual([(e.code, pb.EventReason.Name(e.reason_code)) for e in events if e.reason_code],
                         [("EME", "REASON_INSPECTION"), ("EMH", "REASON_ADDRESSEE_ABSENT")])
        view = self.get("staff", item_id)
        self.assertEqual(view.status, pb.DELIVERY_FAILED)
        self.assertEqual((view.last_event.code, view.last_event.reason_code), ("EMH", pb.REASON_ADDRESSEE_ABSENT))

    def test_an_item_left_in_a_parcel_locker_is_listed_there_until_collected(self):
        """The delivery office leaves the item in one of its lockers (a pickup record of the network file):
        EDH, EMH and EMI may name the locker, nothing else may, and the locker's work list shows the item."""
        from pochta.v1 import tracking_pb2
        item_id = s10(2170)
        self.submit("CN", [self.item(item_id)])
        batch = [self.event(item_id, "EMD", 60, "UZTASA"),
                 self.event(item_id, "EMG", 90, "100174"),
                 self.event(item_id, "EDG", 95, "100174"),
                 self.event(item_id, "EDH", 97, "100174-L1"),
                 self.event(item_id, "EMG", 98, "100174-L1")]
        response = self.report("staff", [batch])[0]
        self.assertEqual(self.outcomes(response), ["ACCEPTED"] * 4 + ["REJECTED"])
        self.assertIn('events[4].office "100174-L1": is a pickup point, where only EDH, EMI and EMH happen, not EMG',
                      response.results[4].reason)
        view = self.get("staff", item_id)
        self.assertEqual((view.status, view.location), (pb.AWAITING_COLLECTION, "100174-L1"))
        at_locker = tracking_pb2.FacilitySelection(facility="100174-L1", status=pb.AWAITING_COLLECTION)
        listed = self.tracking.ListItems(tracking_pb2.ListItemsRequest(facility=at_locker), metadata=self.md("staff"),
                                         timeout=5).items
        self.assertEqual([v.item_id for v in listed], [item_id])
        self.assertEqual(self.outcomes(self.report("staff", [[self.event(item_id, "EMI", 120, "100174-L1")]])[0]),
                         ["ACCEPTED"])
        self.assertEqual(self.get("staff", item_id).status, pb.DELIVERED)

    def test_events_the_caller_may_not_report_end_the_stream_and_store_nothing(self):
        item_id = s10(2200)
        self.submit("CN", [self.item(item_id)])
        self.report("CN", [[self.event(item_id, "EMA", 1, "CN518000")]])
        cases = [
            ("CN", [self.event(item_id, "EMB", 20, "CNSHAA"), self.event(item_id, "EMF", 60, "UZTASA")],
             "EMF is a destination-side event"),
            ("LV", [self.event(item_id, "EMC", 40, "CNSHAA")], "issued in CN, not LV"),
            ("staff", [self.event(item_id, "EMA", 1, "CN518000")], "staff report destination-side events"),
            ("reader", [self.event(item_id, "EMD", 60, "UZTASA")], "reader role may not report"),
        ]
        for who, batch, reason in cases:
            self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.report(who, [batch]), reason)
        self.assertEqual(self.get("staff", item_id).event_count, 1)  # nothing of the refused batches

    def test_mail_uzbekistan_sends_is_reported_by_each_side(self):
        """A registered letter to China: staff send its pre-advice and origin events, China Post reports it
        received and delivered at its offices and may read it; another operator may not."""
        letter = s10(6000, "UZ", "RR")
        item = self.item(letter, mail_class=pb.LETTER_POST, weight_grams=30, declared_value_minor=0)
        del item.contents[:]
        item.sender.CopyFrom(pb.Party(name="Aziz Rakhimov", address="Amir Temur 1", postcode="100015", country="UZ"))
        item.recipient.CopyFrom(pb.Party(name="Li Wei", address="Chaoyang, Beijing", postcode="100020", country="CN"))
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.submit("CN", [item]), "issued in UZ, not CN")
        self.assertEqual(self.submit("staff", [item]).accepted, 1)
        home = pb.Item()
        home.CopyFrom(item)
        home.item_id = s10(6001, "UZ", "RR")
        home.recipient.country = "UZ"
        refused = self.submit("staff", [home])
        self.assertEqual(refused.rejected, 1)
        self.assertIn('items[0].recipient.country "UZ"', refused.rejections[0].reason)
        self.assertIn("the country it goes to is required", refused.rejections[0].reason)

        origin = [self.event(letter, "EMA", 1, "100015"), self.event(letter, "EMB", 20, "UZTASA"),
                  self.event(letter, "EMC", 30, "UZTASA")]
        self.assertEqual(self.outcomes(self.report("staff", [origin])[0]), ["ACCEPTED"] * 3)
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.report("staff", [[self.event(letter, "EMD", 40, "UZTASA")]]),
                         "reported by the operator it was sent to")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.report("CN", [[self.event(letter, "EMB", 20, "CNBJSA")]]),
                         "was sent by Uzbekiston Pochtasi")
        received = self.report("CN", [[self.event(letter, "EMD", 40, "CNBJSA"),
                                       self.event(letter, "EMI", 100, "CN100020"),
                                       self.event(letter, "EMI", 100, "UZTASA")]])[0]
        self.assertEqual(self.outcomes(received), ["ACCEPTED", "ACCEPTED", "REJECTED"])
        self.assertIn('events[2].office "UZTASA": CN reports EMI at its offices of exchange', received.results[2].reason)

        view = self.get("CN", letter)
        self.assertEqual(view.status, pb.DELIVERED)
        self.assertEqual(view.event_count, 5)
        self.assertEqual(view.location, "CN100020")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.get("LV", letter),
                         "sent to it by Uzbekiston Pochtasi")

    def test_transit_events_are_reported_by_the_operator_of_the_transit_office(self):
        """Latvian mail changes planes at Istanbul: PTT (TR, a transit operator of data/operators.txt) reports
        EMJ and EMK there, only there and nothing else; Latvijas Pasts may not report them."""
        parcel = s10(6100, "LV", "CP")
        item = self.item(parcel)
        item.sender.CopyFrom(pb.Party(name="Riga Parcels SIA", address="Brivibas 1, Riga", postcode="LV-1050",
                                      country="LV"))
        self.assertEqual(self.submit("LV", [item]).accepted, 1)
        origin = [self.event(parcel, "EMA", 1, "LV1050"), self.event(parcel, "EMC", 20, "LVRIXA")]
        self.assertEqual(self.outcomes(self.report("LV", [origin])[0]), ["ACCEPTED"] * 2)
        by_latvia = self.report("LV", [[self.event(parcel, "EMJ", 25, "TRISTA")]])[0]
        self.assertEqual(self.outcomes(by_latvia), ["REJECTED"])
        self.assertIn('events[0].office "TRISTA": EMJ at TRISTA is reported by TR, the operator that runs it',
                      by_latvia.results[0].reason)
        transit = self.report("TR", [[self.event(parcel, "EMJ", 25, "TRISTA"), self.event(parcel, "EMK", 40, "TRISTA"),
                                      self.event(parcel, "EMJ", 26, "AUSYDA")]])[0]
        self.assertEqual(self.outcomes(transit), ["ACCEPTED", "ACCEPTED", "REJECTED"])
        self.assertIn("EMJ at AUSYDA is reported by AU", transit.results[2].reason)
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.report("TR", [[self.event(parcel, "EMC", 20, "TRISTA")]]),
                         "TR runs transit offices only")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.submit("TR", [self.item(s10(6101, "TR"))]),
                         "only designated operators (partners in the operators file)")
        self.assertEqual(self.get("staff", parcel).event_count, 4)
        self.assertEqual(self.get("staff", parcel).location, "TRISTA")

    def test_a_returned_item_goes_back_reported_by_each_side(self):
        """Customs refuses a parcel and it goes back to China: staff report its return dispatch from Tashkent
        (EMB, EMC), China Post receives it back (EMD at its office of exchange); it stays returned, whatever
        the order the reports arrive in. Staff report no other origin-side event of it, and another operator
        may not receive it."""
        parcel = s10(6200)
        self.submit("CN", [self.item(parcel)])
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.report("staff", [[self.event(parcel, "EMA", 1, "UZTASA")]]),
                         "staff report destination-side events")
        # China Post's receipt may come before Tashkent's reports.
        home = self.report("CN", [[self.event(parcel, "EMD", 95, "CNURCA"), self.event(parcel, "EMD", 95, "UZTASA")]])
        self.assertEqual(self.outcomes(home[0]), ["ACCEPTED", "REJECTED"])
        refused = [self.event(parcel, "EMD", 60, "UZTASA"), self.event(parcel, "EDB", 61, "UZTASA"),
                   self.event(parcel, "EDX", 70, "UZTASA", reason_code=pb.REASON_PROHIBITED),
                   self.event(parcel, "EMH", 70.01, "UZTASA", measure=pb.RETURN_TO_SENDER,
                              reason_code=pb.REASON_PROHIBITED),
                   self.event(parcel, "EMB", 72, "UZTASA"), self.event(parcel, "EMC", 73, "CNURCA")]
        response = self.report("staff", [refused])[0]
        self.assertEqual(self.outcomes(response), ["ACCEPTED"] * 5 + ["REJECTED"])
        self.assertIn('events[5].office "CNURCA": EMC of mail Uzbekiston Pochtasi sends happens at UZTASA',
                      response.results[5].reason)
        self.assertEqual(self.get("staff", parcel).status, pb.RETURNED)
        self.assertEqual(self.outcomes(self.report("staff", [[self.event(parcel, "EMC", 90, "UZTASA")]])[0]),
                         ["ACCEPTED"])
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.report("LV", [[self.event(parcel, "EMD", 95, "LVRIXA")]]),
                         "issued in CN, not LV")
        view = self.get("CN", parcel)
        self.assertEqual((view.status, view.location, view.event_count), (pb.RETURNED, "CNURCA", 7))

    def test_declare_dispatch(self):
        from pochta.v1 import intake_pb2, tracking_pb2
        dispatch = "CNSHAAUZTASAAUN50042"
        items = [s10(2300 + i) for i in range(3)]
        self.submit("CN", [self.item(i) for i in items])
        request = intake_pb2.DeclareDispatchRequest(dispatch_id=dispatch, receptacles=[
            intake_pb2.Receptacle(receptacle_id=dispatch + "001000150", item_ids=items[:2]),
            intake_pb2.Receptacle(receptacle_id=dispatch + "002100090", item_ids=items[2:])])
        response = self.intake.DeclareDispatch(request, metadata=self.md("CN"), timeout=5)
        self.assertEqual((response.receptacles, response.items), (2, 3))
        listed = self.tracking.ListItems(tracking_pb2.ListItemsRequest(dispatch_id=dispatch), metadata=self.md("staff"),
                                         timeout=5)
        self.assertEqual([v.item_id for v in listed.items], items)
        # Receptacle 001 is opened in Tashkent; 002 is missing.
        self.report("staff", [[self.event(i, "EMD", 60, "UZTASA") for i in items[:2]]])
        missing = self.tracking.ListItems(tracking_pb2.ListItemsRequest(dispatch_id=dispatch, unscanned_only=True),
                                          metadata=self.md("staff"), timeout=5)
        self.assertEqual([v.item_id for v in missing.items], items[2:])
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListItems(
            tracking_pb2.ListItemsRequest(posted=tracking_pb2.CountryDaySelection(country="CN", year=2025, month=1,
                                                                                  day=1), unscanned_only=True),
            metadata=self.md("staff"), timeout=5), "unscanned_only")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         lambda: self.intake.DeclareDispatch(request, metadata=self.md("LV"), timeout=5),
                         'dispatch_id "%s"' % dispatch)
        bad = intake_pb2.DeclareDispatchRequest(dispatch_id="CNSHAAUZTASAXUN50042")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.intake.DeclareDispatch(bad, metadata=self.md("CN"), timeout=5), "mail category")

    # ---- tracking --------------------------------------------------------

    def test_get_item_errors(self):
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.get("staff", "RA123456784GB"),
                         'item_id "RA123456784GB": check digit')
        self.assert_code(grpc.StatusCode.NOT_FOUND, lambda: self.get("staff", s10(99999)))
        self.submit("CN", [self.item(s10(3000))])
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.get("LV", s10(3000)), "issued in LV")

    def test_view_has_route_and_readers_see_no_personal_data(self):
        item_id = s10(3100)
        self.submit("CN", [self.item(item_id)])
        self.report("staff", [[self.event(item_id, "EMD", 60, "UZTASA")]])
        staff = self.get("staff", item_id)
        self.assertEqual(staff.status, pb.IN_TRANSIT)
        self.assertEqual(staff.destination_office, "140105")
        self.assertEqual([(getattr(leg, "from"), leg.to) for leg in staff.route],
                         [("UZTASA", "SC-SKD"), ("SC-SKD", "140100"), ("140100", "140105")])
        self.assertEqual(staff.expected_delivery.seconds, POSTED + 60 * 3600 + 320 * 60)  # pochta route 140105
        self.assertEqual(staff.pre_advice.recipient.name, "Dilnoza Karimova")
        reader = self.get("reader", item_id)
        for party in (reader.pre_advice.recipient, reader.pre_advice.sender):
            self.assertEqual((party.name, party.address, party.phone, party.email), ("", "", "", ""))
        self.assertEqual(reader.pre_advice.recipient.postcode, "140105")

    def test_batch_get_items(self):
        from pochta.v1 import tracking_pb2
        self.submit("CN", [self.item(s10(3200))])
        ids = [s10(3200), s10(3201), "RA123456784GB"]
        results = self.tracking.BatchGetItems(tracking_pb2.BatchGetItemsRequest(item_ids=ids),
                                              metadata=self.md("staff"), timeout=5).results
        self.assertEqual([r.item_id for r in results], ids)
        self.assertEqual([r.found for r in results], [True, False, False])
        self.assertEqual(results[0].item.status, pb.INFO_RECEIVED)
        self.assertIn("item_ids[2]", results[2].error)
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED, lambda: self.tracking.BatchGetItems(
            tracking_pb2.BatchGetItemsRequest(item_ids=[s10(1)] * 1001), metadata=self.md("staff"), timeout=5))

    def test_list_items_pages_through_a_facility(self):
        from pochta.v1 import tracking_pb2
        ids = [s10(3300 + i) for i in range(7)]
        self.submit("CN", [self.item(i) for i in ids])
        self.report("staff", [[self.event(i, "EDD", 80 + k, "SC-NMA") for k, i in enumerate(ids)]])
        selection = tracking_pb2.FacilitySelection(facility="SC-NMA", status=pb.IN_TRANSIT)
        seen, token = [], ""
        while True:
            page = self.tracking.ListItems(tracking_pb2.ListItemsRequest(facility=selection, page_size=3,
                                                                         page_token=token),
                                           metadata=self.md("staff"), timeout=5)
            seen += [v.item_id for v in page.items]
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(seen, ids)  # oldest first
        old = tracking_pb2.FacilitySelection(facility="SC-NMA", status=pb.IN_TRANSIT)
        old.older_than.seconds = 11 * 86400  # none is that old
        self.assertEqual(len(self.tracking.ListItems(tracking_pb2.ListItemsRequest(facility=old),
                                                     metadata=self.md("staff"), timeout=5).items), 0)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListItems(
            tracking_pb2.ListItemsRequest(facility=selection, page_token="bogus"), metadata=self.md("staff"),
            timeout=5), "page_token")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListItems(
            tracking_pb2.ListItemsRequest(), metadata=self.md("staff"), timeout=5), "selection")
        day = time.gmtime(POSTED)
        posted = tracking_pb2.CountryDaySelection(country="CN", year=day.tm_year, month=day.tm_mon, day=day.tm_mday)
        by_day = self.tracking.ListItems(tracking_pb2.ListItemsRequest(posted=posted, page_size=1000),
                                         metadata=self.md("CN"), timeout=5)
        self.assertTrue(set(ids) <= {v.item_id for v in by_day.items})
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.tracking.ListItems(
            tracking_pb2.ListItemsRequest(posted=posted), metadata=self.md("LV"), timeout=5))

    def test_watch_item_streams_new_events(self):
        from pochta.v1 import tracking_pb2
        item_id = s10(3400)
        self.submit("CN", [self.item(item_id)])
        call = self.tracking.WatchItem(tracking_pb2.WatchItemRequest(item_id=item_id), metadata=self.md("reader"),
                                       timeout=20)
        updates = into_queue(call)
        first = updates.get(timeout=5)
        self.assertEqual(first.item.status, pb.INFO_RECEIVED)
        self.assertFalse(first.HasField("event"))
        self.assertEqual(first.item.pre_advice.recipient.name, "")  # a reader
        # An update shows the item as it is when the update is made: the next
        # event is reported once it has come.
        self.report("staff", [[self.event(item_id, "EMD", 60, "UZTASA")]])
        second = updates.get(timeout=5)
        self.assertEqual((second.event.code, second.item.status), ("EMD", pb.IN_TRANSIT))
        self.report("staff", [[self.event(item_id, "EDB", 61, "UZTASA")]])
        third = updates.get(timeout=5)
        self.assertEqual((third.event.code, third.item.status), ("EDB", pb.AT_CUSTOMS))
        call.cancel()
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: next(self.tracking.WatchItem(
            tracking_pb2.WatchItemRequest(item_id=item_id), metadata=self.md("LV"), timeout=5)))
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: next(self.tracking.WatchItem(
            tracking_pb2.WatchItemRequest(item_id="nope"), metadata=self.md("staff"), timeout=5)))

    def subscribe(self, who, **request):
        """Starts a SubscribeEvents call; its batches (or its error) arrive in the queue returned."""
        from pochta.v1 import tracking_pb2
        call = self.tracking.SubscribeEvents(tracking_pb2.SubscribeEventsRequest(**request), metadata=self.md(who),
                                             timeout=30)
        return call, into_queue(call)

    def feed_until(self, batches, items, count):
        """The feed's events of `items` until `count` have come: (cursor, item, code) in order."""
        got = []
        while len(got) < count:
            batch = batches.get(timeout=10)
            self.assertNotIsInstance(batch, grpc.RpcError)
            got += [(e.cursor, e.event.item_id, e.event.code) for e in batch.events if e.event.item_id in items]
        return got

    def test_subscribe_events_gives_each_operator_its_items_in_store_order(self):
        from pochta.v1 import tracking_pb2
        cn, lv = s10(3500), s10(3501, "LV")
        self.submit("CN", [self.item(cn)])
        self.submit("LV", [self.item(lv)])
        subscribers = {who: self.subscribe(who, after_cursor=0) for who in ("CN", "LV", "staff")}
        self.report("staff", [[self.event(cn, "EMD", 60, "UZTASA")],
                              [self.event(lv, "EDB", 61, "UZTASA"), self.event(lv, "EMD", 60, "UZTASA")],
                              [self.event(cn, "EDB", 61, "UZTASA"), self.event(cn, "EMD", 60, "UZTASA")]])
        staff = self.feed_until(subscribers["staff"][1], {cn, lv}, 4)
        self.assertEqual([(item, code) for _, item, code in staff],
                         [(cn, "EMD"), (lv, "EMD"), (lv, "EDB"), (cn, "EDB")])
        self.assertEqual([c for c, _, _ in staff], sorted(c for c, _, _ in staff))
        self.assertEqual(self.feed_until(subscribers["CN"][1], {cn, lv}, 2), [staff[0], staff[3]])
        self.assertEqual(self.feed_until(subscribers["LV"][1], {cn, lv}, 2), staff[1:3])
        for call, _ in subscribers.values():
            call.cancel()
        # From now: the first batch says where that is, and only what follows comes.
        _, later = self.subscribe("staff", from_now=True)
        start = later.get(timeout=5)
        self.assertEqual((list(start.events), start.cursor >= staff[3][0]), ([], True))
        self.report("staff", [[self.event(cn, "EDC", 62, "UZTASA")]])
        self.assertEqual([(i, c) for _, i, c in self.feed_until(later, {cn, lv}, 1)], [(cn, "EDC")])
        # Resumed from a cursor: what followed it, again.
        _, again = self.subscribe("CN", after_cursor=staff[0][0])
        self.assertEqual(self.feed_until(again, {cn, lv}, 1)[0], staff[3])
        self.assert_code(grpc.StatusCode.OUT_OF_RANGE, lambda: next(self.tracking.SubscribeEvents(
            tracking_pb2.SubscribeEventsRequest(after_cursor=10**12), metadata=self.md("staff"), timeout=5)),
            "after_cursor 1000000000000: cursor 1000000000000 is past the newest entry of the feed")
        self.assert_code(grpc.StatusCode.UNAUTHENTICATED, lambda: next(self.tracking.SubscribeEvents(
            tracking_pb2.SubscribeEventsRequest(), timeout=5)))

    def alerts_about(self, who, items, want, **request):
        """The (kind, item) alerts about `items` that `who` lists, once they are `want` (10 s at most)."""
        from pochta.v1 import tracking_pb2
        deadline = time.time() + 10
        while True:
            listed, token = [], ""
            while True:
                page = self.tracking.ListAlerts(tracking_pb2.ListAlertsRequest(page_token=token, **request),
                                                metadata=self.md(who), timeout=5)
                listed += [(tracking_pb2.AlertKind.Name(a.kind), a.item_id) for a in page.alerts
                           if a.item_id in items and a.kind != tracking_pb2.ALERT_KIND_LATE_EVENT]
                token = page.next_page_token
                if not token:
                    break
            if sorted(listed) == sorted(want) or time.time() > deadline:
                return sorted(listed)
            time.sleep(0.1)

    def test_alerts_name_items_without_pre_advice_and_items_missing_from_an_arrived_dispatch(self):
        from pochta.v1 import tracking_pb2
        dispatch = "CNSHAAUZTASAAUN50777"
        first, missing, bare = s10(3600), s10(3601), s10(3602)
        self.submit("CN", [self.item(first, dispatch_id=dispatch, receptacle_id=dispatch + "001000150"),
                           self.item(missing, dispatch_id=dispatch, receptacle_id=dispatch + "002000150")])
        # The dispatch arrives (the server waits 0 hours here); one item came without pre-advice.
        self.report("staff", [[self.event(first, "EMD", 60, "UZTASA"), self.event(bare, "EMD", 60, "UZTASA")]])
        items = {first, missing, bare}
        both = [("ALERT_KIND_NO_PRE_ADVICE", bare), ("ALERT_KIND_UNSCANNED_ON_ARRIVAL", missing)]
        self.assertEqual(self.alerts_about("staff", items, both), both)
        self.assertEqual(self.alerts_about("CN", items, both), both)
        self.assertEqual(self.alerts_about("CN", items, both[1:], kind=tracking_pb2.ALERT_KIND_UNSCANNED_ON_ARRIVAL),
                         both[1:])
        self.assertEqual(self.alerts_about("LV", items, []), [])
        page = self.tracking.ListAlerts(tracking_pb2.ListAlertsRequest(kind=tracking_pb2.ALERT_KIND_UNSCANNED_ON_ARRIVAL,
                                                                       operator="CN", page_size=1000),
                                        metadata=self.md("staff"), timeout=5)
        alert = next(a for a in page.alerts if a.item_id == missing)
        self.assertEqual((alert.operator, alert.dispatch_id), ("CN", dispatch))
        self.assertGreater(page.evaluated_cursor, 0)
        # The scan and the pre-advice resolve them.
        self.report("staff", [[self.event(missing, "EMD", 61, "UZTASA")]])
        self.submit("CN", [self.item(bare)])
        self.assertEqual(self.alerts_about("staff", items, []), [])
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.tracking.ListAlerts(
            tracking_pb2.ListAlertsRequest(operator="CN"), metadata=self.md("LV"), timeout=5), 'operator "CN"')
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, lambda: self.tracking.ListAlerts(
            tracking_pb2.ListAlertsRequest(), metadata=self.md("reader"), timeout=5), "reader")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListAlerts(
            tracking_pb2.ListAlertsRequest(operator="C1"), metadata=self.md("staff"), timeout=5), 'operator "C1"')
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListAlerts(
            tracking_pb2.ListAlertsRequest(kind=9), metadata=self.md("staff"), timeout=5), "kind 9")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.tracking.ListAlerts(
            tracking_pb2.ListAlertsRequest(page_token="00"), metadata=self.md("staff"), timeout=5), "page_token")

    def test_bad_input_sweep(self):
        """Every kind of malformed or forbidden request: its status code, its
        message, and that it wrote nothing."""
        from pochta.v1 import intake_pb2, tracking_pb2
        C = grpc.StatusCode
        known = s10(5000)  # an item with pre-advice and one event, which must stay so
        self.submit("CN", [self.item(known)])
        self.report("staff", [[self.event(known, "EMD", 60, "UZTASA")]])

        def events_of(item_id):
            try:
                return self.get("staff", item_id).event_count
            except grpc.RpcError as e:
                self.assertEqual(e.code(), C.NOT_FOUND)
                return None

        huge = self.item(s10(5001))
        huge.sender.address = "x" * (5 << 20)
        dispatch = "CNSHAAUZTASAAUN50077"
        cases = [
            # name, call, code, message fragment, (item, events it must still have)
            ("no key", lambda: self.intake.SubmitItems(iter([intake_pb2.SubmitItemsRequest(items=[self.item(s10(5002))])]),
                                                       timeout=5),
             C.UNAUTHENTICATED, "missing API key", (s10(5002), None)),
            ("unknown key", lambda: self.tracking.GetItem(tracking_pb2.GetItemRequest(item_id=known),
                                                          metadata=(("x-api-key", "z" * 20),), timeout=5),
             C.UNAUTHENTICATED, "unknown API key", (known, 1)),
            ("foreign item", lambda: self.submit("CN", [self.item(s10(5003, "LV"))]),
             C.PERMISSION_DENIED, "issued in LV, not CN", (s10(5003, "LV"), None)),
            ("staff submit a foreign item", lambda: self.submit("staff", [self.item(s10(5004))]),
             C.PERMISSION_DENIED, "issued in CN, not UZ", (s10(5004), None)),
            ("too many items", lambda: self.submit("CN", [self.item(s10(5005))] * 1001, per_message=1001),
             C.RESOURCE_EXHAUSTED, "at most 1000", (s10(5005), None)),
            ("oversize message", lambda: self.submit("CN", [huge]), C.RESOURCE_EXHAUSTED, "", (s10(5001), None)),
            ("operator reports destination event", lambda: self.report("CN", [[self.event(known, "EMF", 70, "UZTASA")]]),
             C.PERMISSION_DENIED, "destination-side event", (known, 1)),
            ("staff reports origin event", lambda: self.report("staff", [[self.event(known, "EMA", 1, "CN518000")]]),
             C.PERMISSION_DENIED, "staff report destination-side events", (known, 1)),
            ("reader reports", lambda: self.report("reader", [[self.event(known, "EMF", 70, "UZTASA")]]),
             C.PERMISSION_DENIED, "reader role", (known, 1)),
            ("too many events", lambda: self.report("staff", [[self.event(known, "EMF", 70, "UZTASA")] * 1001]),
             C.RESOURCE_EXHAUSTED, "at most 1000", (known, 1)),
            ("bad check digit", lambda: self.get("staff", "RR473124820CN"), C.INVALID_ARGUMENT,
             'item_id "RR473124820CN": check digit', None),
            ("another operator's item", lambda: self.get("LV", known), C.PERMISSION_DENIED, "issued in LV", None),
            ("bad dispatch id", lambda: self.intake.DeclareDispatch(
                intake_pb2.DeclareDispatchRequest(dispatch_id="CNSHAAUZTASAAUN5007"), metadata=self.md("CN"), timeout=5),
             C.INVALID_ARGUMENT, "dispatch_id", None),
            ("bad item in a receptacle", lambda: self.intake.DeclareDispatch(
                intake_pb2.DeclareDispatchRequest(dispatch_id=dispatch, receptacles=[intake_pb2.Receptacle(
                    receptacle_id=dispatch + "001000150", item_ids=["LP1"])]), metadata=self.md("CN"), timeout=5),
             C.INVALID_ARGUMENT, 'receptacles[0].item_ids[0].item_id "LP1"', None),
            ("another operator's dispatch", lambda: self.intake.DeclareDispatch(
                intake_pb2.DeclareDispatchRequest(dispatch_id=dispatch), metadata=self.md("VU"), timeout=5),
             C.PERMISSION_DENIED, 'dispatch_id "%s"' % dispatch, None),
            ("another operator's item in a dispatch", lambda: self.intake.DeclareDispatch(
                intake_pb2.DeclareDispatchRequest(dispatch_id=dispatch, receptacles=[intake_pb2.Receptacle(
                    receptacle_id=dispatch + "001000150", item_ids=[known, s10(5020, "LV")])]),
                metadata=self.md("CN"), timeout=5),
             C.PERMISSION_DENIED, 'receptacles[0].item_ids[1] "%s": item %s was issued in LV, not CN; nothing of the '
             'dispatch was stored' % (s10(5020, "LV"), s10(5020, "LV")), None),
            ("pre-advice in another operator's dispatch", lambda: self.submit(
                "CN", [self.item(s10(5021), dispatch_id="LVRIXAUZTASAAUN50001")]),
             C.PERMISSION_DENIED, "dispatch LVRIXAUZTASAAUN50001 leaves an office of exchange of LV, not CN",
             (s10(5021), None)),
            ("empty items message", lambda: self.intake.SubmitItems(
                iter([intake_pb2.SubmitItemsRequest()]), metadata=self.md("CN"), timeout=5),
             C.INVALID_ARGUMENT, "items is empty: a message carries 1 to 1000 items", None),
            ("empty events batch", lambda: self.report("staff", [[]]),
             C.INVALID_ARGUMENT, "batch 0: events is empty; a batch carries 1 to 1000 events", None),
            ("no selection", lambda: self.tracking.ListItems(tracking_pb2.ListItemsRequest(), metadata=self.md("staff"),
                                                             timeout=5), C.INVALID_ARGUMENT, "selection", None),
            ("negative page size", lambda: self.tracking.ListItems(
                tracking_pb2.ListItemsRequest(dispatch_id=dispatch, page_size=-1), metadata=self.md("staff"), timeout=5),
             C.INVALID_ARGUMENT, "page_size -1", None),
            ("foreign page token", lambda: self.tracking.ListItems(
                tracking_pb2.ListItemsRequest(dispatch_id=dispatch, page_token="AQ"), metadata=self.md("staff"), timeout=5),
             C.INVALID_ARGUMENT, "page_token", None),
            ("too many ids", lambda: self.tracking.BatchGetItems(
                tracking_pb2.BatchGetItemsRequest(item_ids=[known] * 1001), metadata=self.md("staff"), timeout=5),
             C.RESOURCE_EXHAUSTED, "at most 1000", None),
            ("watch a bad id", lambda: next(self.tracking.WatchItem(tracking_pb2.WatchItemRequest(item_id="nope"),
                                                                    metadata=self.md("staff"), timeout=5)),
             C.INVALID_ARGUMENT, 'item_id "nope"', None),
        ]
        for name, call, code, fragment, unchanged in cases:
            with self.subTest(name):
                self.assert_code(code, call, fragment)
                if unchanged:
                    self.assertEqual(events_of(unchanged[0]), unchanged[1], "%s wrote something" % name)
        listed = self.tracking.ListItems(tracking_pb2.ListItemsRequest(dispatch_id=dispatch), metadata=self.md("staff"),
                                         timeout=5)
        self.assertEqual(list(listed.items), [], "the refused dispatch was stored")
        # Records refused one by one are not written either.
        bad_items = [self.item(s10(5010), weight_grams=-1), self.item(s10(5011), currency="US"),
                     self.item(s10(5012), mail_class=0)]
        response = self.submit("CN", bad_items)
        self.assertEqual((response.accepted, response.rejected), (0, 3))
        for it in bad_items:
            self.assertIsNone(events_of(it.item_id))
        bad_events = [self.event(known, "EZZ", 61, "UZTASA"), self.event(known, "EDD", 62, "SC-XXX"),
                      self.event(known, "EMF", 24 * 400, "UZTASA"), self.event(known, "EMF", -48, "UZTASA")]
        self.assertEqual(self.outcomes(self.report("staff", [bad_events])[0]), ["REJECTED"] * 4)
        self.assertEqual(events_of(known), 1)
        # An operator reports at the offices its side may use (data/operators.txt).
        wrong_offices = [self.event(known, "EMB", 20, "UZTASA"), self.event(known, "EMJ", 30, "CNSHAA"),
                         self.event(known, "EMA", 1, "LV1050"), self.event(known, "EMC", 40, "LVRIXA")]
        results = self.report("CN", [wrong_offices])[0].results
        self.assertEqual([r.outcome for r in results], [intake_pb2.REJECTED] * 4)
        self.assertIn('events[0].office "UZTASA": CN reports EMB at its offices of exchange (CNSHAA, CNBJSA, CNCANA, '
                      'CNURCA)', results[0].reason)
        self.assertIn('events[1].office "CNSHAA": EMJ happens at a transit office of the operators file',
                      results[1].reason)
        self.assertIn('events[2].office "LV1050": CN reports EMA at its offices of exchange (CNSHAA, CNBJSA, CNCANA, '
                      'CNURCA) or a post office of CN like CN518000', results[2].reason)
        self.assertIn('events[3].office "LVRIXA"', results[3].reason)
        self.assertEqual(events_of(known), 1)
        # Empty streams are harmless.
        empty = self.intake.SubmitItems(iter([]), metadata=self.md("CN"), timeout=5)
        self.assertEqual((empty.accepted, empty.rejected), (0, 0))
        self.assertEqual(self.report("staff", []), [])

    def test_zz_sigterm_drains_and_leaves_a_consistent_store(self):
        from pochta.v1 import tracking_pb2
        watch = self.tracking.WatchItem(tracking_pb2.WatchItemRequest(item_id=s10(2000)), metadata=self.md("staff"),
                                        timeout=30)
        next(watch)
        _, feed = self.subscribe("staff", after_cursor=0)
        self.assertGreater(len(feed.get(timeout=5).events), 0)  # the other tests' events: the call is open
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=20), 0, self.server.stderr.read())
        self.assertIn("stopped", self.server.stdout.read())
        with self.assertRaises(StopIteration):
            next(watch)  # the watch ended with the server
        ended = feed.get(timeout=5)  # and the feed, telling where to resume
        while not isinstance(ended, grpc.RpcError):
            ended = feed.get(timeout=5)
        self.assertEqual(ended.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertIn("the server is shutting down; subscribe again after cursor", ended.details())
        verify = subprocess.run([ARGS.pochta, "store", "verify", self.db], capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertIn(" 0 problems", verify.stdout)


def stop(test, server):
    """Stops a server of a test with SIGTERM; it must exit 0."""
    server.send_signal(signal.SIGTERM)
    test.assertEqual(server.wait(timeout=20), 0)
    server.stdout.close()
    server.stderr.close()


class TlsTest(unittest.TestCase):
    """The server speaks TLS when given a certificate and key."""

    def test_tls_server_answers_a_tls_client(self):
        compile_protos()
        tmp = tempfile.mkdtemp(prefix="pochta_tls_")
        try:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                            "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            server = subprocess.Popen(
                [ARGS.pochta, "serve", "--db", os.path.join(tmp, "db"), "--keys",
                 os.path.join(REPO, "data", "example-keys.txt"), "--listen", "127.0.0.1:0", "--tls-cert", cert,
                 "--tls-key", key], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                line = server.stdout.readline()
                self.assertIn("TLS", line)
                port = line.split("listening on ")[1].split()[0].rsplit(":", 1)[1]
                with open(cert, "rb") as f:
                    credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
                channel = grpc.secure_channel("localhost:" + port, credentials)
                import health_pb2
                import health_pb2_grpc
                self.assertEqual(health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                                           timeout=10).status,
                                 health_pb2.HealthCheckResponse.SERVING)
                plain = grpc.insecure_channel("127.0.0.1:" + port)
                with self.assertRaises(grpc.RpcError):
                    health_pb2_grpc.HealthStub(plain).Check(health_pb2.HealthCheckRequest(), timeout=3)
            finally:
                stop(self, server)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class KeysAndLimitsTest(unittest.TestCase):
    """Keys made by `pochta keys add` are stored hashed and work; every key
    is held to its rate limit."""

    def test_a_hashed_key_authenticates_and_is_rate_limited(self):
        compile_protos()
        from pochta.v1 import tracking_pb2, tracking_pb2_grpc
        tmp = tempfile.mkdtemp(prefix="pochta_keys_")
        keys = os.path.join(tmp, "keys.txt")
        try:
            made = subprocess.run([ARGS.pochta, "keys", "add", "staff", "Tashkent", "OE", "--keys", keys],
                                  capture_output=True, text=True, check=True)
            key = made.stdout.strip()
            self.assertRegex(key, r"^pochta_[0-9a-f]{12}_[0-9a-f]{32}$")
            with open(keys) as f:
                stored = f.read()
            self.assertNotIn(key.split("_")[2], stored)  # the secret is nowhere in the file
            self.assertRegex(stored, r"^hash:[0-9a-f]{12}:[0-9a-f]{32}:[0-9a-f]{64} staff Tashkent OE\n$")
            refused = subprocess.run([ARGS.pochta, "keys", "add", "operator", "XX", "Nobody", "--keys", keys],
                                     capture_output=True, text=True)
            self.assertEqual(refused.returncode, 1)
            self.assertIn('operator country "XX"', refused.stderr)
            with open(keys) as f:
                self.assertEqual(f.read(), stored, "a refused key leaves the file as it was")

            server = subprocess.Popen(
                [ARGS.pochta, "serve", "--db", os.path.join(tmp, "db"), "--keys", keys, "--listen", "127.0.0.1:0",
                 "--rate-limit", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                line = server.stdout.readline()
                address = line.split("listening on ")[1].split()[0]
                stub = tracking_pb2_grpc.TrackingServiceStub(grpc.insecure_channel(address))

                def get(with_key):
                    return stub.GetItem(tracking_pb2.GetItemRequest(item_id=s10(1)),
                                        metadata=(("x-api-key", with_key),), timeout=5)

                def code_of(with_key):
                    try:
                        get(with_key)
                    except grpc.RpcError as e:
                        return e.code(), e.details()
                    return grpc.StatusCode.OK, ""

                self.assertEqual(code_of(key)[0], grpc.StatusCode.NOT_FOUND)  # known key, unknown item
                wrong = key[:-1] + ("0" if key[-1] != "0" else "1")
                self.assertEqual(code_of(wrong)[0], grpc.StatusCode.UNAUTHENTICATED)
                # Five a second, ten at once: of 30 calls in a burst, most are refused.
                results = [code_of(key) for _ in range(30)]
                refused = [details for code, details in results if code == grpc.StatusCode.RESOURCE_EXHAUSTED]
                self.assertGreaterEqual(len(refused), 15, results)
                self.assertRegex(refused[0], r"over its rate limit of 5 calls/s: retry in \d+ ms")
                time.sleep(1.0)
                self.assertEqual(code_of(key)[0], grpc.StatusCode.NOT_FOUND, "the bucket refills")
            finally:
                stop(self, server)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_sighup_reloads_the_keys_and_keeps_calls_open(self):
        compile_protos()
        from pochta.v1 import intake_pb2, intake_pb2_grpc, tracking_pb2, tracking_pb2_grpc
        tmp = tempfile.mkdtemp(prefix="pochta_reload_")
        keys = os.path.join(tmp, "keys.txt")
        old_staff, new_staff = "old-staff-0123456789", "new-staff-0123456789"

        def write_keys(*lines):
            with open(keys + ".new", "w") as f:
                f.write("".join(line + "\n" for line in lines))
            os.replace(keys + ".new", keys)

        write_keys(f"{KEYS['CN']} operator CN China Post", f"{old_staff} staff Tashkent OE")
        server = subprocess.Popen(
            [ARGS.pochta, "serve", "--db", os.path.join(tmp, "db"), "--keys", keys, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            address = server.stdout.readline().split("listening on ")[1].split()[0]
            channel = grpc.insecure_channel(address)
            stub = tracking_pb2_grpc.TrackingServiceStub(channel)
            intake = intake_pb2_grpc.IntakeServiceStub(channel)
            item_id = s10(4100)
            intake.SubmitItems(iter([intake_pb2.SubmitItemsRequest(items=[PochtaApiTest.item(self, item_id)])]),
                               metadata=(("x-api-key", KEYS["CN"]),), timeout=10)

            def code_of(key):
                try:
                    stub.GetItem(tracking_pb2.GetItemRequest(item_id=item_id), metadata=(("x-api-key", key),),
                                 timeout=5)
                except grpc.RpcError as e:
                    return e.code()
                return grpc.StatusCode.OK

            # A watch opened with the old key stays open across the reload.
            updates = into_queue(stub.WatchItem(tracking_pb2.WatchItemRequest(item_id=item_id),
                                                metadata=(("x-api-key", old_staff),), timeout=30))
            self.assertEqual(updates.get(timeout=5).item.item_id, item_id)
            self.assertEqual(code_of(new_staff), grpc.StatusCode.UNAUTHENTICATED)
            write_keys(f"{KEYS['CN']} operator CN China Post", f"{new_staff} staff Tashkent OE")
            server.send_signal(signal.SIGHUP)
            def logged(fragment):
                """The next line of the server's log that has `fragment`."""
                while True:
                    line = server.stderr.readline()
                    if not line or fragment in line:
                        return line

            reloaded = logged("SIGHUP")  # the log: a time, a level, the message
            self.assertRegex(reloaded, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info pochta serve: SIGHUP "
                                       r"received, 2 keys in force from ")
            self.assertEqual(code_of(new_staff), grpc.StatusCode.OK)
            self.assertEqual(code_of(old_staff), grpc.StatusCode.UNAUTHENTICATED)
            event = PochtaApiTest.event(self, item_id, "EMA", 1, "CN518000")
            intake.ReportEvents(iter([intake_pb2.ReportEventsRequest(batch_id=1, events=[event])]),
                                metadata=(("x-api-key", KEYS["CN"]),), timeout=10).next()
            self.assertEqual(updates.get(timeout=5).event.code, "EMA", "the watch was not dropped")

            # A bad file is refused, naming the line; the keys in force stay.
            write_keys(f"{KEYS['CN']} operator CN China Post", "short staff Nobody")
            server.send_signal(signal.SIGHUP)
            refused = logged("SIGHUP")
            self.assertIn(f" error pochta serve: SIGHUP received, keys not reloaded, those before stay in force: "
                          f"{keys}:2: a key is", refused)
            self.assertEqual(code_of(new_staff), grpc.StatusCode.OK)
        finally:
            stop(self, server)
            shutil.rmtree(tmp, ignore_errors=True)


class BackupTest(unittest.TestCase):
    """A backup made by the running server under a write load holds every
    event acknowledged before it was asked for, and restores into a store
    that verifies, after the server is killed. Shipped to a standby, it is
    served there: the second node's takeover of the README."""

    def test_a_standby_takes_over_from_a_backup_made_under_load(self):
        import json
        compile_protos()
        from pochta.v1 import intake_pb2, intake_pb2_grpc, tracking_pb2, tracking_pb2_grpc, types_pb2
        tmp = tempfile.mkdtemp(prefix="pochta_backup_")
        backups = os.path.join(tmp, "backups")
        server = subprocess.Popen(
            [ARGS.pochta, "serve", "--db", os.path.join(tmp, "db"), "--keys", os.path.join(REPO, "data",
             "example-keys.txt"), "--listen", "127.0.0.1:0", "--durability", "group", "--backup-dir", backups],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            address = server.stdout.readline().split("listening on ")[1].split()[0]
            intake = intake_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(address))
            md = (("x-api-key", KEYS["CN"]),)
            acknowledged = []  # (item, code) of every event acknowledged, in order
            stop_writing = threading.Event()

            def write():
                serial = 0
                while not stop_writing.is_set():
                    events = []
                    for _ in range(50):
                        serial += 1
                        events.append(PochtaApiTest.event(self, s10(500000 + serial), "EMA", 1, "CN518000"))
                    try:
                        response = next(intake.ReportEvents(
                            iter([intake_pb2.ReportEventsRequest(batch_id=serial, events=events)]), metadata=md,
                            timeout=10))
                    except grpc.RpcError:
                        return  # the server was killed
                    assert all(r.outcome == 1 for r in response.results), response
                    acknowledged.extend(e.item_id for e in events)

            writer = threading.Thread(target=write)
            writer.start()
            while len(acknowledged) < 2000:
                time.sleep(0.05)
            before = set(acknowledged)  # acknowledged before the backup was asked for
            server.send_signal(signal.SIGUSR1)
            while True:
                line = server.stderr.readline()
                self.assertTrue(line, "the server's log ended before the backup")
                if "backup" in line:
                    break
            self.assertIn("info pochta serve: backup 1 made in", line)
            time.sleep(0.5)  # more writes after it, then the server dies
            server.kill()
            server.wait()
            stop_writing.set()
            writer.join(timeout=20)

            # Shipped to the standby's disk, as rsync would; the primary's directory is gone with it.
            shipped = os.path.join(tmp, "standby-backups")
            shutil.copytree(backups, shipped)
            shutil.rmtree(backups)
            restored = os.path.join(tmp, "restored")
            done = subprocess.run([ARGS.pochta, "store", "restore", shipped, restored], capture_output=True,
                                  text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            verify = subprocess.run([ARGS.pochta, "store", "verify", restored], capture_output=True, text=True)
            self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
            self.assertIn(" 0 problems", verify.stdout)
            dump = subprocess.run([ARGS.pochta, "store", "dump", restored], capture_output=True, text=True,
                                  check=True).stdout
            stored = {r["item"] for r in map(json.loads, dump.splitlines()) if r["family"] == "events"}
            self.assertEqual(before - stored, set(), "events acknowledged before the backup, not in it")
            self.assertGreater(len(stored), len(before) - 1)

            # The standby serves the restored store: the items are there over the API, and it takes new events.
            standby = subprocess.Popen(
                [ARGS.pochta, "serve", "--db", restored, "--keys", os.path.join(REPO, "data", "example-keys.txt"),
                 "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                channel = grpc.insecure_channel(standby.stdout.readline().split("listening on ")[1].split()[0])
                tracking = tracking_pb2_grpc.TrackingServiceStub(channel)
                staff = (("x-api-key", KEYS["staff"]),)
                sample = sorted(before)[::100]
                got = tracking.BatchGetItems(tracking_pb2.BatchGetItemsRequest(item_ids=sample), metadata=staff,
                                             timeout=10)
                self.assertEqual([r.found for r in got.results], [True] * len(sample))
                self.assertEqual({r.item.status for r in got.results}, {types_pb2.IN_TRANSIT})
                newer = PochtaApiTest.event(self, sample[0], "EMB", 2, "CNSHAA")
                response = next(intake_pb2_grpc.IntakeServiceStub(channel).ReportEvents(
                    iter([intake_pb2.ReportEventsRequest(batch_id=1, events=[newer])]), metadata=md, timeout=10))
                self.assertEqual(response.results[0].outcome, 1)
                history = tracking.ListEvents(tracking_pb2.ListEventsRequest(item_id=sample[0]), metadata=staff,
                                              timeout=10)
                self.assertEqual([e.code for e in history.events], ["EMA", "EMB"])
            finally:
                standby.terminate()
                standby.wait()
                standby.stdout.close()
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
            server.stdout.close()
            server.stderr.close()
            shutil.rmtree(tmp, ignore_errors=True)


class ServiceTest(unittest.TestCase):
    """pochta serve as pochta.service runs it: options from the shipped
    /etc/pochta/pochta.conf, readiness and reloads told to systemd through
    NOTIFY_SOCKET (Type=notify), as systemd would hear them."""

    CONF = os.path.join(REPO, "packaging", "pochta.conf")

    def test_the_shipped_config_names_every_option(self):
        help_text = subprocess.run([ARGS.pochta, "serve", "--help"], capture_output=True, text=True).stdout
        options = set(re.findall(r"^\s+--([a-z][a-z0-9-]*)", help_text, re.M)) - {"help"}
        self.assertGreater(len(options), 20)
        with open(self.CONF) as f:
            named = set(re.findall(r"^#? ?([a-z][a-z0-9-]*) = ", f.read(), re.M))
        self.assertEqual(options - named, set(), "options the shipped pochta.conf does not show")
        self.assertEqual(named - options, set(), "names in pochta.conf that are no option")

    def test_it_runs_from_the_config_and_tells_systemd_when_ready_reloading_and_stopping(self):
        import socket
        compile_protos()
        tmp = tempfile.mkdtemp(prefix="pochta_service_")
        try:
            with open(self.CONF) as f:
                conf = f.read()
            for name, value in (("db", os.path.join(tmp, "db")),
                                ("keys", os.path.join(REPO, "data", "example-keys.txt")),
                                ("listen", "127.0.0.1:0"), ("metrics-listen", "127.0.0.1:0"),
                                ("backup-dir", os.path.join(tmp, "backups"))):
                conf, n = re.subn(rf"^{name} = .*$", f'{name} = "{value}"', conf, flags=re.M)
                self.assertEqual(n, 1, name)
            config = os.path.join(tmp, "pochta.conf")
            with open(config, "w") as f:
                f.write(conf)
            notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            notify.bind(os.path.join(tmp, "notify"))
            notify.settimeout(20)
            server = subprocess.Popen([ARGS.pochta, "serve", "--config", config],
                                      env={**os.environ, "NOTIFY_SOCKET": os.path.join(tmp, "notify")},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                listening = server.stdout.readline()
                self.assertIn(f"store {tmp}/db, durability group", listening)
                ready = notify.recv(4096).decode()
                port = listening.split("listening on ")[1].split()[0].rsplit(":", 1)[1]
                self.assertEqual(ready, f"READY=1\nSTATUS=listening on 127.0.0.1:{port}")
                import health_pb2
                import health_pb2_grpc
                channel = grpc.insecure_channel("127.0.0.1:" + port)
                self.assertEqual(health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                                           timeout=10).status,
                                 health_pb2.HealthCheckResponse.SERVING)
                server.send_signal(signal.SIGHUP)
                self.assertEqual(notify.recv(4096).decode(), "RELOADING=1")
                self.assertEqual(notify.recv(4096).decode(), "READY=1")
            finally:
                stop(self, server)
            self.assertEqual(notify.recv(4096).decode(), "STOPPING=1")
            notify.close()

            # A name no option has stops it before it starts, naming the name.
            with open(config, "a") as f:
                f.write("block-cache = 64\n")
            refused = subprocess.run([ARGS.pochta, "serve", "--config", config], capture_output=True, text=True,
                                     timeout=20)
            self.assertEqual(refused.returncode, 2)
            self.assertIn("serve.block-cache", refused.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pochta", required=True, help="path of the pochta executable")
    ARGS, rest = parser.parse_known_args()
    try:
        unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
    finally:
        if _STUBS:
            shutil.rmtree(_STUBS, ignore_errors=True)
