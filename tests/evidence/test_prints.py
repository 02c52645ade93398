"""Fingerprints (module E): a suspect's prints taken in a case, searched against the register by
the system, a person known under another name found, a latent print lifted in a case traced to
its finger — every step an act on the case's stream, every refusal writing nothing, every read
logged, and the images kept only in storage under their SHA-256."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from icjis.core import clock
from icjis.core.models import AccessRecord, Alert, Event
from icjis.documents import files
from icjis.documents.models import StoredFile
from icjis.evidence import prints
from icjis.evidence import synthetic_prints as sp
from icjis.evidence.models import PrintCard, PrintSearch

REPORT = {"channel": "in_person", "summary": "Кража из квартиры", "place": {"region": "KG-GB"}}
REPORT_OSH = {**REPORT, "place": {"region": "KG-O"}}
PERSON = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}
ALIAS = {"surname": "Осмонов", "given_name": "Эркин", "birth_date": "1988-02-01", "sex": "M"}
OTHER = {"surname": "Токтогулов", "given_name": "Азамат", "birth_date": "1979-11-30", "sex": "M"}
ONE, TWO = 7001, 7002  # two synthetic persons: the seeds of their fingers


def b64(image: bytes) -> str:
    return base64.b64encode(image).decode()


def card(person_seed: int, take: int, positions=(2, 7)) -> dict[str, str]:
    """Images of fingers of a synthetic person, as the act takes them."""
    return {
        prints.FINGERS[p - 1]: b64(sp.impression(sp.finger_seed(person_seed, p), take))
        for p in positions
    }


def open_case(as_user, report=REPORT, suffix=""):
    n = as_user(f"registrar{suffix}").act("registry.report.register", report).json()
    number = n["result"]["case"]
    as_user(f"unit_head{suffix}").act(
        "registry.case.assign", {"officer": f"investigator{suffix}"}, case=number
    )
    r = as_user(f"investigator{suffix}").act(
        "registry.case.open", {"article": "205", "part": 1}, case=number
    )
    assert r.status_code == 201, r.content
    return number


def add(as_user, case, person, role="suspect", suffix=""):
    r = as_user(f"investigator{suffix}").act(
        "registry.participant.add", {"role": role, "person": person}, case=case
    )
    assert r.status_code == 201, r.content
    return r.json()["result"]["person"]


@pytest.fixture
def case(as_user):
    return open_case(as_user)


def take(api, case, person, images):
    return api.act("evidence.prints.take", {"person": person, **images}, case=case)


def ok(response):
    assert response.status_code == 201, response.content
    return response.json()["result"]


def seize(api, case, description):
    """An item with traces, seized at the scene an hour ago: its id."""
    body = {
        "description": description,
        "category": "trace",
        "obtained": "scene_inspection",
        "place": "Место происшествия",
        "seized_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "seal": "ОП-7",
        "location": "Сейф следователя",
    }
    return ok(api.act("evidence.item.seize", body, case=case))["item"]


def events(case):
    return Event.objects.filter(stream=f"case/{case}").count()


def test_the_prints_are_taken_kept_in_storage_and_searched_by_the_system(as_user, case):
    suspect = add(as_user, case, PERSON)
    images = card(ONE, 0)
    result = ok(take(as_user("investigator"), case, suspect, images))
    assert result == {"card": f"FP-{case}-{events(case)}", "search": f"FS-{case}-{events(case)}"}

    event = Event.objects.get(stream=f"case/{case}", kind="evidence.prints.take")
    body = json.loads(event.data)
    # The event names each image and its template by their SHA-256; both are kept in storage,
    # the image byte for byte as given.
    assert [f["position"] for f in body["fingers"]] == [2, 7]
    for f, name in zip(body["fingers"], ["right_index", "left_index"], strict=True):
        given = base64.b64decode(images[name])
        assert f["image"] == hashlib.sha256(given).hexdigest()
        assert files.read(f["image"]) == given
        assert files.read(f["template"]).startswith(b"FMR\x00 20\x00")
        assert f["minutiae"] >= 12
    assert len(event.data) < 1_000  # no image, no template in the ledger
    # Nor in what the case's readers and other agencies' systems are served.
    timeline = as_user("prosecutor").get(f"/cases/{case}/timeline")
    assert timeline.status_code == 200
    served = [e for e in timeline.json() if e["kind"] == "evidence.prints.take"]
    assert served and all(
        set(f) == {"position", "image", "template", "minutiae"} and len(f["template"]) == 64
        for f in served[0]["data"]["fingers"]
    )

    c = PrintCard.objects.get(pk=result["card"])
    assert c.person_id == suspect and c.taken_by == "investigator"
    assert sorted(c.fingers.values_list("position", flat=True)) == [2, 7]
    search = PrintSearch.objects.get(pk=result["search"])
    assert (search.kind, search.status, search.card_id) == ("identity", "queued", c.id)

    assert prints.do_searches() == 1
    search.refresh_from_db()
    assert search.status == "done" and search.candidates == []
    assert search.compared == 0  # the register held no other card
    found = Event.objects.get(stream=f"case/{case}", kind="evidence.prints.found")
    assert found.actor == "system"
    assert prints.do_searches() == 0  # nothing waits any more
    assert not Alert.objects.filter(kind__startswith="evidence.prints").exists()
    call_command("rebuild_projections", "--check")


def test_a_person_known_under_another_name_is_found_and_the_investigator_alerted(as_user, case):
    # Taken first in Osh, under one name ...
    osh = open_case(as_user, REPORT_OSH, "_osh")
    first = add(as_user, osh, ALIAS, suffix="_osh")
    ok(take(as_user("investigator_osh"), osh, first, card(ONE, 0, (1, 2, 7))))
    # ... and of somebody else in Bishkek.
    other = add(as_user, case, OTHER)
    ok(take(as_user("investigator"), case, other, card(TWO, 0, (1, 2))))
    assert prints.do_searches() == 2
    assert not Alert.objects.filter(kind="evidence.prints.identity").exists()

    # The same fingers, now in Bishkek under another name.
    suspect = add(as_user, case, PERSON)
    result = ok(take(as_user("investigator"), case, suspect, card(ONE, 1, (2, 7))))
    assert prints.do_searches() == 1
    search = PrintSearch.objects.get(pk=result["search"])
    assert len(search.candidates) == 1
    found = search.candidates[0]
    assert (found["person"], found["fingers"]) == (first, [2, 7])
    assert found["score"] >= 40
    assert osh not in json.dumps(search.candidates)  # not the case the prints were taken in
    # Right index against right indexes (two cards hold one), left index against one.
    assert search.compared == 3

    alert = Alert.objects.get(kind="evidence.prints.identity")
    assert alert.case_id == case and alert.subject == suspect
    assert alert.unit_id == as_user("investigator").user.unit_id
    assert alert.roles == ",investigator,unit_head,"
    assert first in alert.message and suspect in alert.message
    call_command("rebuild_projections", "--check")


def test_a_latent_print_lifted_from_an_item_is_traced_to_its_finger(as_user, case):
    investigator = as_user("investigator")
    for seed, person in ((ONE, PERSON), (TWO, OTHER)):
        ok(take(investigator, case, add(as_user, case, person), card(seed, 0, (2, 3, 7))))
    item = seize(investigator, case, "Стакан стеклянный со следами рук")
    latent = b64(sp.latent(sp.finger_seed(TWO, 3), 4))
    body = {"image": latent, "item": item, "note": "След на стенке стакана"}
    result = ok(investigator.act("evidence.prints.latent", body, case=case))
    assert prints.do_searches() == 3  # the two identity searches, then the latent one
    search = PrintSearch.objects.get(pk=result["search"])
    assert search.kind == "latent" and search.item == item
    assert search.compared == 6  # every print of the register
    owner = PrintCard.objects.get(case_id=case, person__surname="Токтогулов").person_id
    assert [c["person"] for c in search.candidates][:1] == [owner]
    assert search.candidates[0]["fingers"] == [3]
    alert = Alert.objects.get(kind="evidence.prints.latent")
    assert alert.subject == search.id and alert.roles == ",investigator,"


def test_the_prints_of_a_case_are_read_with_what_the_searches_found_and_the_read_is_logged(
    as_user, case
):
    suspect = add(as_user, case, PERSON)
    ok(take(as_user("investigator"), case, suspect, card(ONE, 0)))
    prints.do_searches()
    r = as_user("prosecutor").get("/evidence/prints", case=case)
    assert r.status_code == 200
    body = r.json()
    assert [c["person"] for c in body["cards"]] == [suspect]
    assert [f["finger"] for f in body["cards"][0]["fingers"]] == ["right_index", "left_index"]
    assert body["searches"][0]["status"] == "done"
    text = r.content.decode()
    assert "template" not in text and "image" not in text  # never the biometric data
    read = AccessRecord.objects.filter(actor="prosecutor", subject_type="prints").get()
    assert read.subject == case and read.outcome == "shown"
    # Another region's investigator and the facility (which reads a part of files) see nothing.
    for who in ("investigator_osh", "ivs_officer"):
        assert as_user(who).get("/evidence/prints", case=case).json() == {
            "cards": [],
            "searches": [],
        }


def test_the_facility_takes_the_prints_of_a_person_it_holds_and_of_no_other(as_user, case):
    suspect, other = add(as_user, case, PERSON), add(as_user, case, OTHER)
    detained_at = (clock.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    r = as_user("investigator").act(
        "detention.arrest",
        {
            "person": suspect,
            "detained_at": detained_at.isoformat(),
            "place": "Бишкек, ул. Киевская, 96",
            "grounds": "Застигнут при совершении преступления (УПК 96(2)(1))",
        },
        case=case,
    )
    assert r.status_code == 201, r.content
    ivs = as_user("ivs_officer")
    admit = {"person": suspect, "facility": "GB-IVS", "cell": "1"}
    ok(ivs.act("detention.admit", admit, case=case))
    ok(take(ivs, case, suspect, card(ONE, 0, (1,))))
    before = events(case)
    assert take(ivs, case, other, card(TWO, 0, (1,))).status_code == 403
    assert take(as_user("ivs_officer_osh"), case, suspect, card(ONE, 1, (1,))).status_code in (
        403,
        404,
    )
    assert events(case) == before


def _blank() -> str:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (320, 380), 255).save(out, format="PNG")
    return b64(out.getvalue())


@pytest.mark.parametrize(
    ("who", "change", "status", "field"),
    [
        ("investigator", {"left_index": _blank()}, 400, "left_index"),
        ("investigator", {"left_thumb": "%%% not base64 %%%"}, 400, "left_thumb"),
        ("investigator", {"right_index": None, "left_index": None}, 400, "right_thumb"),
        ("investigator", {"person": "witness"}, 409, None),
        ("registrar", {}, 403, None),
        ("investigator_osh", {}, 404, None),
    ],
    ids=["blank", "not-base64", "no-finger", "a-witness", "a-registrar", "another-region"],
)
def test_a_refused_taking_writes_nothing(as_user, case, who, change, status, field):
    suspect = add(as_user, case, PERSON)
    witness = add(as_user, case, OTHER, role="witness")
    body = {"person": suspect, **card(ONE, 0), **change}
    if body["person"] == "witness":
        body["person"] = witness
    body = {k: v for k, v in body.items() if v is not None}
    before, stored = events(case), StoredFile.objects.count()
    r = as_user(who).act("evidence.prints.take", body, case=case)
    assert r.status_code == status, r.content
    if field:
        assert field in r.json()["fields"]
    assert events(case) == before and StoredFile.objects.count() == stored
    assert not PrintCard.objects.exists() and not PrintSearch.objects.exists()


def test_a_latent_search_names_an_item_of_its_own_case_only(as_user, case):
    other_case = open_case(as_user)
    item = seize(as_user("investigator"), other_case, "Бутылка")
    before = events(case)
    body = {"image": b64(sp.latent(sp.finger_seed(ONE, 2), 1)), "item": item}
    r = as_user("investigator").act("evidence.prints.latent", body, case=case)
    assert r.status_code == 400 and "item" in r.json()["fields"]
    assert events(case) == before


def test_only_the_system_records_what_a_search_found_and_only_once(as_user, case):
    suspect = add(as_user, case, PERSON)
    search = ok(take(as_user("investigator"), case, suspect, card(ONE, 0, (2,))))["search"]
    body = {"search": search, "compared": 0, "candidates": []}
    assert as_user("investigator").act("evidence.prints.found", body, case=case).status_code == 403
    assert prints.do_searches() == 1
    from icjis.core import acts
    from icjis.core.access import SYSTEM_USER
    from icjis.core.refusals import Conflict

    with pytest.raises(Conflict):
        acts.perform(SYSTEM_USER, "evidence.prints.found", body, case=case)


def test_a_search_that_fails_waits_out_its_claim_and_the_others_are_done(
    as_user, case, monkeypatch
):
    first = add(as_user, case, PERSON)
    second = add(as_user, case, OTHER)
    failing = ok(take(as_user("investigator"), case, first, card(ONE, 0, (2,))))["search"]
    other = ok(take(as_user("investigator"), case, second, card(TWO, 0, (2,))))["search"]
    real = prints.run_search

    def broken(search):
        if search.id == failing:
            raise RuntimeError("the matcher failed")
        return real(search)

    monkeypatch.setattr(prints, "run_search", broken)
    assert prints.do_searches() == 1
    statuses = dict(PrintSearch.objects.values_list("id", "status"))
    assert statuses == {failing: "queued", other: "done"}
    monkeypatch.setattr(prints, "run_search", real)
    assert prints.do_searches() == 0  # its claim still holds
    clock.advance(prints.LEASE + timedelta(minutes=1))
    assert prints.do_searches() == 1
    assert PrintSearch.objects.get(pk=failing).status == "done"


def test_a_search_is_claimed_by_one_worker_at_a_time(world):
    now = clock.now()
    assert prints.claim("FS-X-1", now)
    assert not prints.claim("FS-X-1", now + timedelta(minutes=5))
    assert prints.claim("FS-X-2", now)  # another search
    assert prints.claim("FS-X-1", now + prints.LEASE + timedelta(seconds=1))  # run out


def test_the_field_node_offers_no_act_that_takes_files(world):
    from icjis.field.journal import kinds_for

    offered = {k.name for k in kinds_for(world["investigator"])}
    assert "evidence.item.seize" in offered  # the acts of the same module that take no file
    assert "evidence.prints.take" not in offered and "evidence.prints.latent" not in offered


def test_an_unidentified_body_is_searched_by_its_prints_and_found(as_user, case):
    known = add(as_user, case, PERSON)
    ok(take(as_user("investigator"), case, known, card(ONE, 0, (1, 2))))
    body_case = open_case(as_user)
    # Another impression of the same right thumb, taken of the body (CPC 174(3)).
    image = b64(sp.impression(sp.finger_seed(ONE, 1), 5))
    request = {"image": image, "source": "unidentified_body", "note": "Труп у канала"}
    result = ok(as_user("investigator").act("evidence.prints.latent", request, case=body_case))
    assert prints.do_searches() == 2
    search = PrintSearch.objects.get(pk=result["search"])
    assert search.kind == "body"
    assert [(c["person"], c["fingers"]) for c in search.candidates] == [(known, [1])]
    alert = Alert.objects.get(kind="evidence.prints.latent", case_id=body_case)
    assert "unidentified body" in alert.message


def test_prints_are_taken_only_while_the_case_is_investigated_and_the_refusal_says_so(as_user):
    # A report registered and not yet given to an investigator: no pre-investigation runs.
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    before = events(number)
    r = take(as_user("investigator"), number, "P000000000000", card(ONE, 0, (2,)))
    assert r.status_code == 409, r.content
    assert "Taking fingerprints needs a case" in r.json()["message"]
    assert events(number) == before and not StoredFile.objects.exists()
