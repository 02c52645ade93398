"""Material evidence (module E): an item seized in a case, recognised as evidence, passed from
hand to hand with its seal checked at every receipt, and disposed of — every step an act on the
case's stream, every refusal writing nothing, every read logged."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from icjis.core import clock
from icjis.core.models import AccessRecord, Alert, Case, Event

REPORT = {
    "channel": "phone",
    "summary": "Нападение с ножом во дворе дома",
    "place": {"region": "KG-GB"},
}


@pytest.fixture
def case(as_user):
    """A case under investigation by the Bishkek police's investigator."""
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    r = as_user("investigator").act(
        "registry.case.open", {"article": "130", "part": 1}, case=number
    )
    assert r.status_code == 201, r.content
    return number


def ok(response):
    assert response.status_code == 201, response.content
    return response.json()["result"]


def seize(api, number, **changes):
    data = {
        "description": "Нож кухонный с деревянной рукоятью, длина клинка 18 см",
        "category": "weapon",
        "obtained": "scene_inspection",
        "place": "Двор дома № 12",
        "seized_at": (clock.now() - timedelta(hours=2)).isoformat(),
        "seal": "ОП-001",
        "location": "Сейф следователя, каб. 214",
        **changes,
    }
    return api.act("evidence.item.seize", data, case=number)


def hand_over(api, number, item, to, seal="ОП-001", purpose="storage"):
    data = {"item": item, "to": to, "purpose": purpose, "seal": seal}
    return api.act("evidence.item.hand_over", data, case=number)


def receive(api, number, item, seal="ОП-001", intact=True, location="Камера хранения, полка 3"):
    data = {"item": item, "seal": seal, "intact": intact, "location": location}
    return api.act("evidence.item.receive", data, case=number)


def events(number):
    return Event.objects.filter(stream=f"case/{number}").count()


def test_an_item_goes_from_the_investigator_to_the_evidence_room_and_its_chain_says_so(
    as_user, case
):
    investigator, custodian = as_user("investigator"), as_user("evidence_custodian")
    result = ok(seize(investigator, case))
    item = result["item"]
    assert result["number"] == 1 and item.startswith(f"EV-{case}-")
    seized = Event.objects.get(stream=f"case/{case}", kind="evidence.item.seize")
    assert seized.claimed_at < seized.recorded_at  # the protocol's hour beside the server's

    ok(
        as_user("investigator").act(
            "evidence.item.recognise", {"item": item, "keeping": "storage"}, case=case
        )
    )
    ok(hand_over(investigator, case, item, "evidence_custodian"))
    shown = investigator.get(f"/evidence/{item}").json()
    assert shown["status"] == "in_transit" and shown["transit"]["to"] == "evidence_custodian"
    ok(receive(custodian, case, item))

    shown = custodian.get(f"/evidence/{item}").json()
    assert shown["status"] == "held" and shown["holder"] == "evidence_custodian"
    assert shown["location"] == "Камера хранения, полка 3" and shown["tampered"] is False
    assert shown["keeping"] == "storage" and shown["recognised_at"] is not None
    chain = shown["chain"]
    assert [c["kind"] for c in chain] == ["seized", "recognised", "handed_over", "received"]
    assert [c["by"] for c in chain] == ["investigator"] * 3 + ["evidence_custodian"]
    assert chain[2]["to"] == "evidence_custodian" and chain[2]["purpose"] == "storage"
    assert chain[3]["seal"] == "ОП-001" and chain[3]["seal_intact"] is True
    # Each link is the event that made it, in the case's own stream.
    kinds = dict(
        Event.objects.filter(stream=f"case/{case}", seq__in=[c["seq"] for c in chain]).values_list(
            "seq", "kind"
        )
    )
    assert [kinds[c["seq"]] for c in chain] == [
        "evidence.item.seize",
        "evidence.item.recognise",
        "evidence.item.hand_over",
        "evidence.item.receive",
    ]
    second = ok(seize(investigator, case, category="document", seal=""))
    assert second["number"] == 2
    listed = custodian.get("/evidence", mine="held").json()["items"]
    assert [i["item"] for i in listed] == [item]
    call_command("rebuild_projections", "--check")


def test_a_seal_broken_or_changed_on_the_way_is_recorded_as_found_and_flagged(as_user, case):
    investigator, custodian = as_user("investigator"), as_user("evidence_custodian")
    item = ok(seize(investigator, case))["item"]
    ok(hand_over(investigator, case, item, "evidence_custodian", seal="ОП-001"))
    assert Alert.objects.filter(kind="evidence.seal").count() == 0
    result = ok(receive(custodian, case, item, seal="ОП-007"))  # not the seal it left under
    assert result["tampered"] is True
    shown = custodian.get(f"/evidence/{item}").json()
    assert shown["tampered"] is True and shown["holder"] == "evidence_custodian"
    assert shown["chain"][-1]["seal_intact"] is False and shown["chain"][-1]["seal"] == "ОП-007"
    alert = Alert.objects.get(kind="evidence.seal")
    assert alert.case_id == case and alert.subject == item
    assert alert.roles == ",prosecutor,unit_head,"

    # The same seal, but the receiver saw it broken: flagged as well.
    ok(hand_over(custodian, case, item, "investigator", seal="ОП-007", purpose="investigation"))
    ok(receive(investigator, case, item, seal="ОП-007", intact=False))
    assert Alert.objects.filter(kind="evidence.seal").count() == 2
    flagged = investigator.get("/evidence", case=case, tampered="true").json()["items"]
    assert [i["item"] for i in flagged] == [item]


def test_only_the_holder_hands_over_and_only_the_addressee_receives_and_refusals_write_nothing(
    as_user, case
):
    investigator, custodian = as_user("investigator"), as_user("evidence_custodian")
    item = ok(seize(investigator, case))["item"]
    before = events(case)
    refused = [
        (hand_over(custodian, case, item, "investigator"), 403),  # not the holder
        (hand_over(investigator, case, item, "evidence_custodian", seal=""), 400),  # a weapon
        (hand_over(investigator, case, item, "ivs_officer"), 400),  # holds no evidence
        (hand_over(investigator, case, item, "investigator_osh"), 409),  # not on this case
        (hand_over(investigator, case, item, "investigator"), 400),  # to oneself
        (hand_over(investigator, case, "EV-NOT-THERE-1", "evidence_custodian"), 400),
        (receive(custodian, case, item), 409),  # nothing was handed over
        (seize(investigator, case, seized_at=(clock.now() + timedelta(hours=1)).isoformat()), 400),
    ]
    assert [r.status_code for r, _ in refused] == [code for _, code in refused], [
        r.content for r, _ in refused
    ]
    assert events(case) == before
    ok(hand_over(investigator, case, item, "evidence_custodian"))
    before = events(case)
    assert receive(as_user("unit_head"), case, item).status_code == 403  # holds no evidence
    assert receive(investigator, case, item).status_code == 403  # on its way to the custodian
    assert hand_over(investigator, case, item, "evidence_custodian").status_code == 409
    assert events(case) == before


def test_disposal_carries_out_a_decision_and_ends_the_chain(as_user, case):
    investigator = as_user("investigator")
    item = ok(seize(investigator, case, category="object", seal=""))["item"]
    before = events(case)

    def dispose(outcome, basis):
        data = {"item": item, "outcome": outcome, "basis": basis, "reference": "№ 17 от 01.12"}
        return investigator.act("evidence.item.dispose", data, case=case)

    assert dispose("destroyed", "verdict").status_code == 409  # no verdict in force yet
    assert dispose("destroyed", "termination").status_code == 409  # nor a termination
    assert dispose("destroyed", "investigator_decision").status_code == 400  # needs a court
    assert events(case) == before
    ok(dispose("returned_to_owner", "investigator_decision"))
    shown = investigator.get(f"/evidence/{item}").json()
    assert shown["status"] == "disposed"
    assert shown["disposal"]["outcome"] == "returned_to_owner"
    assert shown["disposal"]["reference"] == "№ 17 от 01.12"
    assert hand_over(investigator, case, item, "evidence_custodian", seal="X-1").status_code == 409
    assert dispose("returned_to_owner", "investigator_decision").status_code == 409


def test_reads_are_scoped_and_logged(as_user, case):
    item = ok(seize(as_user("investigator"), case))["item"]
    assert as_user("investigator").get(f"/evidence/{item}").status_code == 200
    assert as_user("investigator_osh").get(f"/evidence/{item}").status_code == 404
    assert as_user("investigator_osh").get("/evidence").json()["items"] == []
    assert as_user("prosecutor").get(f"/evidence/{item}").status_code == 200
    reads = AccessRecord.objects.filter(subject_type="evidence", subject=item)
    assert set(reads.values_list("actor", "outcome")) == {
        ("investigator", "shown"),
        ("investigator_osh", "denied"),
        ("prosecutor", "shown"),
    }


def test_a_reader_of_part_of_the_file_reads_no_evidence(as_user, world, case):
    """An IVS officer whose facility holds a detainee of the case reads the case's part about
    detention, not its evidence."""
    item = ok(seize(as_user("investigator"), case))["item"]
    ivs = world["ivs_officer"]
    Case.objects.get(number=case).units.create(unit_id=ivs.unit_id, capacity="detention")
    assert as_user("ivs_officer").get(f"/cases/{case}").status_code == 200
    assert as_user("ivs_officer").get(f"/evidence/{item}").status_code == 404
    assert as_user("ivs_officer").get("/evidence", case=case).json()["items"] == []


def test_the_label_and_the_pages(as_user, world, case):
    investigator = as_user("investigator")
    item = ok(seize(investigator, case))["item"]
    label = investigator.get(f"/evidence/{item}/label")
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(label.content)).pages[0].extract_text().split())
    for words in ("Заттай далил", "Вещественное доказательство", item, case, "ОП-001"):
        assert words in text, (words, text)  # both languages of proceedings, whoever prints

    browser = Client()
    browser.force_login(world["investigator"])
    page = browser.get(f"/cases/{case}/").content.decode()
    assert f"/evidence/{item}/" in page and "Нож кухонный" in page
    page = browser.get(f"/evidence/{item}/").content.decode()
    assert "ОП-001" in page and f"/cases/{case}/acts/evidence.item.hand_over/?item={item}" in page
    ok(hand_over(investigator, case, item, "evidence_custodian"))
    custodian = Client()
    custodian.force_login(world["evidence_custodian"])
    home = custodian.get("/").content.decode()
    assert 'id="queue-incoming"' in home and f"/evidence/{item}/" in home
    page = custodian.get(f"/evidence/{item}/").content.decode()
    assert f"/cases/{case}/acts/evidence.item.receive/?item={item}" in page
    form = custodian.get(f"/cases/{case}/acts/evidence.item.receive/?item={item}").content.decode()
    assert "Нож кухонный" in form  # the item named by what it is, not by its id alone
    other = Client()
    other.force_login(world["investigator_osh"])
    assert other.get(f"/evidence/{item}/").status_code == 404
