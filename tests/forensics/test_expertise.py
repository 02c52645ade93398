"""Forensic expertise (module D): the investigator orders an expertise of evidence items; the
experts are assigned by specialisation and load, recorded so anyone can re-check; the items go
to the expert by hand-over; the expert answers every question and the term is met; a commission
signs, a dissenter with a separate opinion; an expert returns an order unexecuted. Refusals
write nothing; reads are scoped and logged; the expert reads the expertise, not the file."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader
from tests.forensics.conftest import QUESTIONS, ok, order

from icjis.core import clock
from icjis.core.models import AccessRecord, CaseParticipant, Event
from icjis.forensics.models import Assignment, Expertise
from icjis.legal.models import Deadline


def events(number):
    return Event.objects.filter(stream=f"case/{number}").count()


def test_an_expertise_goes_from_the_order_to_the_opinion_and_the_term_is_met(as_user, case):
    number, item = case
    investigator, expert = as_user("investigator"), as_user("expert")
    result = ok(order(investigator, number, items=[item]))
    expertise = result["expertise"]
    assert result["experts"] == ["expert"]  # the only biologist of the Bishkek laboratory
    ordered = Event.objects.get(stream=f"case/{number}", kind="forensics.expertise.order")
    candidates = {c["expert"] for c in ordered.payload["candidates"]}
    assert {"expert", "expert_2", "expert_3"} <= candidates  # recorded for re-checking
    term = Deadline.objects.get(case_id=number, rule="forensics.opinion", subject=expertise)
    assert term.due_at > clock.now() + timedelta(days=9)

    # The item goes to the expert, who receives it under its seal.
    handed = {"item": item, "to": "expert", "purpose": "examination", "seal": "ОП-77"}
    ok(investigator.act("evidence.item.hand_over", handed, case=number))
    received = {"item": item, "seal": "ОП-77", "intact": True, "location": "Лаборатория"}
    ok(expert.act("evidence.item.receive", received, case=number))

    # The expert reads the expertise and the item, not the investigation file.
    shown = expert.get(f"/forensics/expertises/{expertise}").json()
    assert shown["questions"][0]["text"] == QUESTIONS[0] and shown["items"] == [item]
    assert expert.get(f"/evidence/{item}").status_code == 200
    assert expert.get(f"/cases/{number}/timeline").json() == []  # not the file's events

    answers = ["Да", "Группа A(II)"]
    research = "Исследование проведено методом иммуноферментного анализа."
    opinion = {"expertise": expertise, "research": research, "answers": answers}
    assert ok(expert.act("forensics.opinion.submit", opinion, case=number))["complete"] is True
    done = investigator.get(f"/forensics/expertises/{expertise}").json()
    assert done["state"] == "done" and done["term"]["state"] == "met"
    assert done["opinion"]["conclusions"] == [
        {"question": 1, "answer": "Да"},
        {"question": 2, "answer": "Группа A(II)"},
    ]
    call_command("rebuild_projections", "--check")


def test_the_least_loaded_expert_of_the_kind_is_assigned(as_user, case):
    number, item = case
    investigator = as_user("investigator")
    # expert, expert_2 and expert_3 are all psychiatrists: the first order goes to the first by
    # name, the next to the least loaded.
    suspect = CaseParticipant.objects.filter(case_id=number).values_list("person_id", flat=True)[0]
    first = ok(order(investigator, number, kind="psychiatric", person=suspect))
    second = ok(order(investigator, number, kind="psychiatric", person=suspect))
    third = ok(order(investigator, number, kind="psychiatric", person=suspect))
    assert [first["experts"], second["experts"], third["experts"]] == [
        ["expert"],
        ["expert_2"],
        ["expert_3"],
    ]
    loads = Assignment.objects.filter(expertise_id=third["expertise"]).values_list(
        "load", flat=True
    )
    assert list(loads) == [0]
    # Three experts of one case: each reads their own expertise, not another's, and no event of
    # the file (where the others' questions and persons stand).
    other = as_user("expert_2")
    assert other.get(f"/forensics/expertises/{second['expertise']}").status_code == 200
    assert other.get(f"/forensics/expertises/{first['expertise']}").status_code == 404
    listed = other.get("/forensics/expertises", case=number).json()["items"]
    assert [e["expertise"] for e in listed] == [second["expertise"]]
    assert other.get(f"/cases/{number}/timeline").json() == []
    assert other.get(f"/evidence/{item}").status_code == 404  # not handed to them


def test_a_commission_signs_and_a_dissenter_states_a_separate_opinion(as_user, world, case):
    number, item = case
    suspect = CaseParticipant.objects.filter(case_id=number).values_list("person_id", flat=True)[0]
    investigator = as_user("investigator")
    before = events(number)
    too_few = order(investigator, number, kind="psychiatric", form="commission", experts=2)
    assert too_few.status_code == 400  # a psychiatric commission needs three (CPC 187(2))
    assert events(number) == before
    result = ok(
        order(
            investigator,
            number,
            kind="psychiatric",
            form="commission",
            experts=3,
            person=suspect,
            questions=["Страдал ли подозреваемый психическим расстройством?"],
        )
    )
    expertise = result["expertise"]
    assert sorted(result["experts"]) == ["expert", "expert_2", "expert_3"]
    opinion = {
        "expertise": expertise,
        "research": "Проведено клиническое психиатрическое обследование.",
        "answers": ["Нет"],
    }
    assert (
        ok(as_user("expert").act("forensics.opinion.submit", opinion, case=number))["complete"]
        is False
    )
    submitted = Event.objects.get(stream=f"case/{number}", kind="forensics.opinion.submit").seq
    early = {"stream": f"case/{number}", "seq": submitted, "document": "forensics.opinion"}
    issue = as_user("expert").act("documents.document.issue", {**early, "language": "ru"})
    assert issue.status_code == 409  # not a document until every member has signed
    browser = Client()
    browser.force_login(world["expert"])
    page = browser.get(f"/forensics/{expertise}/").content.decode()
    assert "documents.document.issue" not in page  # nor offered for signing meanwhile
    before = events(number)
    assert (
        as_user("expert_2")
        .act("forensics.opinion.sign", {"expertise": expertise, "agree": False}, case=number)
        .status_code
        == 400
    )  # disagreeing without saying why
    assert (
        as_user("expert")
        .act("forensics.opinion.sign", {"expertise": expertise, "agree": True}, case=number)
        .status_code
        == 409
    )  # the writer has signed by submitting
    assert events(number) == before
    ok(
        as_user("expert_2").act(
            "forensics.opinion.sign", {"expertise": expertise, "agree": True}, case=number
        )
    )
    assert Expertise.objects.get(pk=expertise).state == "signing"
    dissent = {
        "expertise": expertise,
        "agree": False,
        "separate": "Выявлены признаки расстройства.",
    }
    assert ok(as_user("expert_3").act("forensics.opinion.sign", dissent, case=number))["complete"]
    shown = investigator.get(f"/forensics/expertises/{expertise}").json()
    assert shown["state"] == "done" and shown["term"]["state"] == "met"
    assert shown["opinion"]["separate"] == {"expert_3": "Выявлены признаки расстройства."}
    signed = ok(as_user("expert").act("documents.document.issue", {**early, "language": "ru"}))
    pdf = as_user("expert").get(f"/documents/{signed['code']}/pdf").content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Выявлены признаки расстройства." in text and "Особое мнение эксперта" in text


def test_refusals_write_nothing(as_user, case):
    number, item = case
    investigator = as_user("investigator")
    before = events(number)
    refused = [
        (order(investigator, number, items=["EV-NOT-THERE-1"]), 400),  # not an item of the case
        (order(investigator, number, items=[], person=None), 400),  # nothing to examine
        (order(investigator, number, items=[item], lab="GB-UVD"), 400),  # not a laboratory
        (order(investigator, number, items=[item], kind="trace", form="complex"), 400),  # 1 kind
        # A ballistic commission of two: the laboratory has one ballistics expert.
        (
            order(
                investigator, number, items=[item], kind="ballistic", form="commission", experts=2
            ),
            409,
        ),
        (order(as_user("evidence_custodian"), number, items=[item]), 403),  # orders none
    ]
    assert [r.status_code for r, _ in refused] == [c for _, c in refused], [
        r.content for r, _ in refused
    ]
    assert events(number) == before
    # Another region's laboratory may be named.
    elsewhere = ok(order(investigator, number, items=[item], kind="economic", lab="OSH-SSE"))
    assert elsewhere["experts"] == ["expert_3_osh"]
    # The prosecutor orders one too (CPC 179(1)).
    assert ok(order(as_user("prosecutor"), number, items=[item]))["experts"]


def test_an_expert_not_assigned_cannot_answer_and_an_expert_may_return_the_order(as_user, case):
    number, item = case
    expertise = ok(order(as_user("investigator"), number, items=[item]))["expertise"]
    before = events(number)
    opinion = {
        "expertise": expertise,
        "research": "Исследование не проводилось вовсе.",
        "answers": ["Да", "A"],
    }
    assert as_user("expert_2").act(
        "forensics.opinion.submit", opinion, case=number
    ).status_code in (
        403,
        404,
    )  # not an expert of it (nor of the case)
    one_answer = {**opinion, "answers": ["Да"]}
    assert (
        as_user("expert").act("forensics.opinion.submit", one_answer, case=number).status_code
        == 400
    )
    assert events(number) == before
    declined = {
        "expertise": expertise,
        "reason": "materials_unfit",
        "explanation": "Следы на ноже непригодны для исследования.",
    }
    ok(as_user("expert").act("forensics.expertise.decline", declined, case=number))
    assert Deadline.objects.get(subject=expertise).state == "cancelled"
    assert (
        as_user("expert").act("forensics.opinion.submit", opinion, case=number).status_code == 409
    )


def test_reads_are_scoped_and_logged(as_user, world, case):
    number, item = case
    expertise = ok(order(as_user("investigator"), number, items=[item]))["expertise"]
    assert as_user("prosecutor").get(f"/forensics/expertises/{expertise}").status_code == 200
    assert as_user("expert").get(f"/forensics/expertises/{expertise}").status_code == 200
    assert as_user("expert_2").get(f"/forensics/expertises/{expertise}").status_code == 404
    assert as_user("investigator_osh").get(f"/forensics/expertises/{expertise}").status_code == 404
    mine = as_user("expert").get("/forensics/expertises", mine="true").json()["items"]
    assert [e["expertise"] for e in mine] == [expertise] and mine[0]["term"]["state"] == "running"
    reads = AccessRecord.objects.filter(subject_type="expertise", subject=expertise)
    assert set(reads.values_list("actor", "outcome")) == {
        ("prosecutor", "shown"),
        ("expert", "shown"),
        ("expert_2", "denied"),
        ("investigator_osh", "denied"),
    }
    browser = Client()
    browser.force_login(world["expert"])
    page = browser.get(f"/forensics/{expertise}/").content.decode()
    assert QUESTIONS[0] in page and "forensics.opinion.submit" in page
    # The person record of a participant who is no defendant (here the applicant) is closed to a
    # reader of part of the file, as the case page's list of participants is.
    applicant = CaseParticipant.objects.get(case_id=number, role="applicant").person_id
    assert as_user("investigator").get(f"/persons/{applicant}").status_code == 200
    assert as_user("expert").get(f"/persons/{applicant}").status_code == 404
    home = browser.get("/").content.decode()
    assert 'id="queue-expertises"' in home and f"/forensics/{expertise}/" in home
    case_page = browser.get(f"/cases/{number}/").content.decode()
    assert f"/forensics/{expertise}/" in case_page
    assert "Нанесение ножевого ранения" not in case_page  # the report is not the expert's part
