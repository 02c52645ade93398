"""A statement of torture or cruel treatment (CPC 179(11)): recorded in the case, it alerts the
investigator and the prosecutor and gives 12 hours to order a forensic medical expertise of the
person, which only such an order meets."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from tests.analytics.replay import assert_terms_replayed
from tests.forensics.conftest import order
from tests.forensics.test_documents import issue, text_of
from tests.legalaid.conftest import make_case
from tests.registry.test_filings import counsel, open_alerts, term
from tests.registry.test_procedure import ok

from icjis.core import clock
from icjis.core.models import Event
from icjis.documents.models import StoredFile
from icjis.forensics.models import Assignment, Expertise

pytestmark = pytest.mark.usefixtures("ordinary_day")

SAID = "Во время допроса 3 февраля сотрудник бил меня по рукам."
ITEM = {
    "description": "Медицинская карта задержанного",
    "category": "document",
    "obtained": "seizure",
    "place": "ИВС",
    "seal": "ОП-12",
    "location": "Сейф",
}


def seized(now):
    return {**ITEM, "seized_at": (now - timedelta(hours=1)).isoformat()}


def test_counsel_records_the_statement_and_a_medical_expertise_of_the_person_meets_it(as_user):
    number, person = counsel(as_user)
    body = {"person": person, "text": SAID}
    assert as_user("lawyer_osh").act("registry.torture.report", body, number).status_code in (
        403,
        404,
    )
    filed = ok(as_user("lawyer").act("registry.torture.report", body, number))
    due = term(number, "forensics.torture_examination", person)
    recorded_at = Event.objects.get(stream=f"case/{number}", seq=filed["event"]["seq"]).recorded_at
    assert due.state == "running"
    assert abs(due.due_at - recorded_at - timedelta(hours=12)) < timedelta(minutes=1)
    [told] = open_alerts("registry.torture.reported", person)
    assert {"investigator", "prosecutor"} <= set(told.roles.strip(",").split(","))
    assert "179(11)" in told.message and SAID not in told.message  # the statement stays in the file

    # Neither an expertise of another kind of the person nor a medical one of things alone
    # meets it; a complex one with a medical part does.
    investigator = as_user("investigator")
    ok(order(investigator, number, kind="biological", person=person))
    item = ok(investigator.act("evidence.item.seize", seized(clock.now()), number))["result"][
        "item"
    ]
    ok(order(investigator, number, kind="medical", items=[item]))
    assert term(number, "forensics.torture_examination", person).state == "running"
    assert open_alerts("registry.torture.reported", person) != []
    both = {"kind": "trace", "form": "complex", "also": ["medical"], "person": person}
    ok(order(investigator, number, items=[item], **both))
    assert term(number, "forensics.torture_examination", person).state == "met"
    assert open_alerts("registry.torture.reported", person) == []
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_an_expertise_not_ordered_in_12_hours_is_a_missed_term_and_a_closed_case_refuses(as_user):
    number, person = make_case(as_user)
    ok(
        as_user("prosecutor").act(
            "registry.torture.report", {"person": person, "text": SAID}, number
        )
    )
    clock.advance(timedelta(hours=13))
    overdue = as_user("prosecutor").get("/deadlines", state="missed").json()
    assert (number, "forensics.torture_examination", person) in {
        (d["case"], d["rule"], d["subject"]) for d in overdue
    }
    missing = {"person": "P-NOT-HERE", "text": SAID}
    assert as_user("prosecutor").act("registry.torture.report", missing, number).status_code == 400
    ok(as_user("investigator").act("registry.case.terminate", {"grounds": "Нет состава"}, number))
    closed = {"person": person, "text": SAID}
    assert as_user("prosecutor").act("registry.torture.report", closed, number).status_code == 409


def test_a_statement_is_taken_where_the_expertise_can_be_ordered():
    from icjis.forensics.acts import ORDER_STAGES
    from icjis.registry.torture import STAGES

    assert STAGES == ORDER_STAGES  # else a term nobody could keep


def png(shade: int) -> bytes:
    """A small real PNG (a photograph's stand-in), different for each shade."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (shade, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_the_examination_on_a_statement_is_photographed_or_filmed(as_user, world):
    number, person = counsel(as_user)
    ok(as_user("lawyer").act("registry.torture.report", {"person": person, "text": SAID}, number))
    investigator = as_user("investigator")
    ordered = ok(order(investigator, number, kind="medical", person=person))["result"]["expertise"]
    [assigned] = Assignment.objects.filter(expertise_id=ordered).values_list("expert", flat=True)
    expert = as_user(assigned)
    opinion = {
        "expertise": ordered,
        "research": "Осмотр проведён 4 февраля, выявлены кровоподтёки предплечий.",
        "answers": ["Кровоподтёки обоих предплечий", "3-5 суток назад"],
    }
    refusal = expert.act("forensics.opinion.submit", opinion, number)
    assert refusal.status_code == 400 and "179(11)" in refusal.json()["message"]
    not_a_photo = {**opinion, "photos": [base64.b64encode(b"%PDF-1.7 not an image").decode()]}
    refusal = expert.act("forensics.opinion.submit", not_a_photo, number)
    assert refusal.status_code == 400 and "photos.0" in refusal.json()["fields"]
    assert not Event.objects.filter(stream=f"case/{number}", kind="forensics.opinion.submit")

    photos = [png(200), png(90)]
    given = {**opinion, "photos": [base64.b64encode(p).decode() for p in photos]}
    submitted = ok(expert.act("forensics.opinion.submit", given, number))
    row = Expertise.objects.get(pk=ordered)
    assert row.photos == [hashlib.sha256(p).hexdigest() for p in photos] and row.video is None
    event = Event.objects.get(stream=f"case/{number}", seq=submitted["event"]["seq"])
    assert event.payload["photos"] == row.photos  # the ledger names them, not their bytes

    # The expertise's readers see them (the read logged); another expert does not.
    browser = Client()
    browser.force_login(world[assigned])
    page = browser.get(f"/forensics/{ordered}/").content.decode()
    assert f"/forensics/{ordered}/photos/2" in page
    reads = Event.objects.filter(stream=f"access/{assigned}").count()
    served = browser.get(f"/forensics/{ordered}/photos/2")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content == photos[1]
    [read] = Event.objects.filter(stream=f"access/{assigned}").order_by("-seq")[:1]
    assert Event.objects.filter(stream=f"access/{assigned}").count() == reads + 1
    assert read.payload["subject"] == ordered
    assert browser.get(f"/forensics/{ordered}/photos/3").status_code == 404
    other = Client()
    other.force_login(world["expert_2"])
    assert other.get(f"/forensics/{ordered}/photos/1").status_code == 404
    detail = expert.get(f"/forensics/expertises/{ordered}").json()
    assert detail["opinion"]["photos"] == row.photos
    by_api = expert.get(f"/forensics/expertises/{ordered}/photos/1")
    assert by_api.status_code == 200 and by_api.content == photos[0]
    assert "no-store" in by_api["Cache-Control"]  # never kept by a browser or a proxy
    for outsider in ("expert_2", "lawyer_osh", "investigator_osh"):
        answer = as_user(outsider).get(f"/forensics/expertises/{ordered}/photos/1")
        assert answer.status_code == 404, outsider
    for missing in ("0", "3", "x"):  # no such photograph: 404, as a missing expertise
        assert expert.get(f"/forensics/expertises/{ordered}/photos/{missing}").status_code == 404
    # Stored bytes that are not those the ledger names are refused, never served.
    StoredFile.objects.filter(pk=row.photos[0]).update(content=png(201))
    assert expert.get(f"/forensics/expertises/{ordered}/photos/1").status_code == 409
    altered = browser.get(f"/forensics/{ordered}/photos/1")
    assert altered.status_code == 409  # said in the reader's language (Russian by default)
    assert "не совпадает с записанным" in altered.content.decode()

    # The signed opinion lists each photograph by its hash, binding them to it.
    signed = ok(issue(expert, number, submitted["event"]["seq"], "forensics.opinion"))["result"]
    text = text_of(expert.get(f"/documents/{signed['code']}/pdf").content)
    assert "ч. 11 ст. 179 УПК" in text
    assert all(digest in text.replace(" ", "") for digest in row.photos)

    # A video is recorded by its hash and carrier instead.
    again = ok(order(investigator, number, kind="medical", person=person))["result"]["expertise"]
    [second] = Assignment.objects.filter(expertise_id=again).values_list("expert", flat=True)
    video = {"sha256": hashlib.sha256(b"video").hexdigest(), "carrier": "DVD-R № 17"}
    filmed = {**opinion, "expertise": again, "video": video}
    ok(as_user(second).act("forensics.opinion.submit", filmed, number))
    assert Expertise.objects.get(pk=again).video == video
    call_command("rebuild_projections", check=True)


def test_an_examination_is_photographed_once_a_statement_is_recorded_whenever_ordered(as_user):
    number, person = counsel(as_user)
    investigator = as_user("investigator")

    def opinion_on(expertise: str) -> dict:
        return {
            "expertise": expertise,
            "research": "Осмотр проведён, телесных повреждений не выявлено.",
            "answers": ["Нет", "Нет"],
        }

    def expert_of(expertise: str) -> Any:
        [assigned] = Assignment.objects.filter(expertise_id=expertise).values_list(
            "expert", flat=True
        )
        return as_user(assigned)

    # With no statement, an examination of the person needs neither photographs nor video.
    first = ok(order(investigator, number, kind="medical", person=person))["result"]["expertise"]
    ok(expert_of(first).act("forensics.opinion.submit", opinion_on(first), number))
    # Ordered before a statement and given after it, the examination is photographed too.
    second = ok(order(investigator, number, kind="medical", person=person))["result"]["expertise"]
    ok(as_user("lawyer").act("registry.torture.report", {"person": person, "text": SAID}, number))
    refusal = expert_of(second).act("forensics.opinion.submit", opinion_on(second), number)
    assert refusal.status_code == 400 and "179(11)" in refusal.json()["message"]
    photographed = {**opinion_on(second), "photos": [base64.b64encode(png(30)).decode()]}
    ok(expert_of(second).act("forensics.opinion.submit", photographed, number))
