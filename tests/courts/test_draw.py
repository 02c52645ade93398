"""The automatic assignment of judges: a fair weighted draw, recorded with its committed seed so
that anyone can re-run it; leave, recusal and reassignment; settings that wait for the next
working day; panels of three on appeal (CPC 29, 62-67)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from tests.courts.test_hearings import at
from tests.courts.test_intake import (
    COURT_JUDGES,
    case_at_prosecutor,
    case_in_court,
    created,
    draw_record,
)

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.auth import issue_token
from icjis.core.models import CaseOfficer, User
from icjis.courts.draw import ALGORITHM, choose, verify_draw, weight_of
from icjis.courts.models import CourtCase, Hearing, Recusal
from icjis.legal.calendar import default_calendar
from icjis.legal.counting import LOCAL_TZ, local_date
from icjis.legal.models import Deadline


class Staff:
    """A JSON client for demo users the core world does not list (the court's president)."""

    def __init__(self, username: str) -> None:
        token, _ = issue_token(User.objects.get(username=username))
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def act(self, kind: str, data: dict[str, Any], case: str | None = None) -> Any:
        body = {"kind": kind, "case": case, "data": data}
        return self.client.post("/api/v1/acts", body, content_type="application/json")


@pytest.fixture
def president(world: Any) -> Staff:
    return Staff("court_president")


def seed_for(i: int) -> str:
    return hashlib.sha256(f"fairness-{i}".encode()).hexdigest()


# --- the pure algorithm -------------------------------------------------------------------------


def test_over_3000_draws_the_caseloads_of_equally_specialised_judges_stay_within_5_percent():
    loads = {"judge": 0, "judge_2": 0, "judge_3": 0}
    followed_lowest = 0
    for i in range(3000):
        candidates = [{"judge": j, "weight": weight_of(n, 1, 100)} for j, n in loads.items()]
        chosen = choose(candidates, seed_for(i), f"SIM-{i}")[0]
        followed_lowest += loads[chosen] == min(loads.values())
        loads[chosen] += 1
    mean = sum(loads.values()) / len(loads)
    assert max(loads.values()) - min(loads.values()) <= 0.05 * mean, loads
    assert followed_lowest < 3000  # a draw, not a round robin anyone could predict


def test_a_judge_with_twice_the_weight_is_drawn_about_twice_as_often():
    candidates = [
        {"judge": "a", "weight": 2_000},
        {"judge": "b", "weight": 1_000},
        {"judge": "c", "weight": 1_000},
    ]
    counts = Counter(choose(candidates, seed_for(i), "SIM")[0] for i in range(3000))
    assert 0.46 <= counts["a"] / 3000 <= 0.54
    assert 0.21 <= counts["b"] / 3000 <= 0.29


def test_the_draw_is_the_same_whatever_order_the_candidates_come_in():
    candidates = [{"judge": j, "weight": w} for j, w in [("c", 5), ("a", 7), ("b", 9)]]
    for i in range(50):
        assert choose(candidates, seed_for(i), "X", 2) == choose(
            list(reversed(candidates)), seed_for(i), "X", 2
        )


def test_a_judge_with_no_weight_is_never_drawn():
    candidates = [{"judge": "a", "weight": 0}, {"judge": "b", "weight": 10}]
    assert {choose(candidates, seed_for(i), "X")[0] for i in range(200)} == {"b"}


def record_for(chosen_seed: str = "") -> dict[str, Any]:
    seed = chosen_seed or seed_for(1)
    candidates = [
        {"judge": j, "load": n, "factor": 1, "share": 100, "weight": weight_of(n, 1, 100)}
        for j, n in [("judge", 3), ("judge_2", 1), ("judge_3", 2)]
    ]
    return {
        "algorithm": ALGORITHM,
        "court_case": "GB-SUD-26-000001-0",
        "seed": seed,
        "commitment": hashlib.sha256(seed.encode()).hexdigest(),
        "candidates": candidates,
        "chosen": choose(candidates, seed, "GB-SUD-26-000001-0"),
    }


def test_verification_names_what_was_changed_in_a_record():
    assert verify_draw(record_for())[0]
    changes = {
        "weight of judge_2": lambda r: r["candidates"][1].update(weight=1),
        "does not match the commitment": lambda r: r.update(seed=seed_for(2)),
        "re-running the draw gives": lambda r: r.update(
            chosen=[next(c["judge"] for c in r["candidates"] if c["judge"] != r["chosen"][0])]
        ),
        "unknown algorithm": lambda r: r.update(algorithm="pick-v0"),
        "username order": lambda r: r["candidates"].reverse(),
        "out of range": lambda r: r["candidates"][0].update(load=-1),
        "the record lacks": lambda r: r.pop("seed"),
    }
    for expected, change in changes.items():
        record = record_for()
        change(record)
        ok, message = verify_draw(record)
        assert not ok and expected in message, (expected, message)


# --- leave, recusal, reassignment, settings ------------------------------------------------------


def test_a_judge_on_leave_is_never_drawn(as_user, president):
    today = local_date(clock.now())
    for judge in ("judge", "judge_2"):
        leave = {
            "court": "GB-SUD",
            "judge": judge,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
            "reason": "Annual leave",
        }
        created(president.act("courts.judge.leave", leave))
    for _ in range(2):
        _, court_case = case_in_court(as_user)
        assert court_case.judge == "judge_3"
        record = draw_record(court_case)
        assert [c["judge"] for c in record["candidates"]] == ["judge_3"]
        assert {(e["judge"], e["why"]) for e in record["excluded"]} == {
            ("judge", "leave"),
            ("judge_2", "leave"),
        }
        assert verify_draw(record)[0]


def test_leave_cannot_be_recorded_for_past_days_nor_by_another_court(as_user, world):
    yesterday = local_date(clock.now()) - timedelta(days=1)
    leave = {
        "court": "GB-SUD",
        "judge": "judge",
        "starts_on": yesterday.isoformat(),
        "ends_on": yesterday.isoformat(),
        "reason": "Sick",
    }
    assert Staff("court_president").act("courts.judge.leave", leave).status_code == 400
    today = {**leave, "starts_on": (yesterday + timedelta(days=1)).isoformat()}
    today["ends_on"] = today["starts_on"]
    assert Staff("court_president_osh").act("courts.judge.leave", today).status_code == 403
    assert as_user("judge").act("courts.judge.leave", today).status_code == 403


def test_a_recusal_records_its_reasons_and_draws_another_judge(as_user):
    number, court_case = case_in_court(as_user)
    first = court_case.judge
    other = sorted(COURT_JUDGES - {first})[0]
    recusal = {"ground": "62(1)(3)", "reason": "The judge is the accused's cousin."}
    assert as_user(other).act("courts.judge.recuse", recusal, number).status_code == 403
    hearing = {"starts_at": at(7), "room": "2"}
    created(as_user("court_clerk").act("courts.hearing.schedule", hearing, number))

    body = created(as_user(first).act("courts.judge.recuse", recusal, number))
    assert body["result"] == {"court_case": court_case.pk, "recused": first}
    court_case.refresh_from_db()
    assert court_case.judge in COURT_JUDGES - {first}
    assert Recusal.objects.get(court_case=court_case).reason == (
        "CPC 62(1)(3): The judge is the accused's cousin."
    )
    record = draw_record(court_case)
    assert record["reason"] == "recusal" and record["draw"] == f"{court_case.pk}#2"
    assert {"judge": first, "why": "recused"} in record["excluded"]
    assert verify_draw(record)[0]
    officers = set(
        CaseOfficer.objects.filter(case_id=number, role="judge").values_list("username", flat=True)
    )
    assert officers == {court_case.judge}
    assert Hearing.objects.get(court_case=court_case).judge == court_case.judge
    shown = as_user("court_clerk").get(f"/courts/cases/{court_case.pk}").json()
    assert [d["verified"] for d in shown["draws"]] == [True, True]
    assert shown["recusals"][0]["judge"] == first
    call_command("rebuild_projections", check=True)


def test_the_court_president_reassigns_a_case_only_by_a_new_draw(as_user, president):
    number, court_case = case_in_court(as_user)
    first = court_case.judge
    created(president.act("courts.judge.reassign", {"reason": "The judge's term ended."}, number))
    court_case.refresh_from_db()
    assert court_case.judge != first
    record = draw_record(court_case)
    assert record["reason"] == "reassignment"
    assert {"judge": first, "why": "reassigned"} in record["excluded"]
    osh = Staff("court_president_osh")
    assert osh.act(
        "courts.judge.reassign", {"reason": "No reason at all."}, number
    ).status_code == (404)


def test_assignment_settings_set_today_take_effect_on_the_next_working_day(as_user, president):
    today = local_date(clock.now())
    settings = {
        "court": "GB-SUD",
        "judges": {
            "judge": {"share": 0},
            "judge_3": {"specialisations": ["minor_gravity"], "share": 100},
        },
        "specialist_factor": 3,
    }
    body = created(president.act("courts.assignment.settings", settings))
    effective = default_calendar().add_working_days(today, 1)
    assert body["result"]["effective_from"] == effective.isoformat()
    assert effective > today

    _, court_case = case_in_court(as_user)
    record = draw_record(court_case)
    assert record["settings_from"] is None
    assert {(c["judge"], c["factor"], c["share"]) for c in record["candidates"]} == {
        (j, 1, 100) for j in COURT_JUDGES
    }

    morning = datetime.combine(effective, time(9), LOCAL_TZ)
    clock.advance(morning - clock.now())
    _, court_case = case_in_court(as_user)
    record = draw_record(court_case)
    assert record["settings_from"] == effective.isoformat()
    assert {"judge": "judge", "why": "no_share"} in record["excluded"]
    factors = {c["judge"]: c["factor"] for c in record["candidates"]}
    assert factors == {"judge_2": 1, "judge_3": 3}
    assert verify_draw(record)[0]


def test_settings_name_only_judges_of_the_court(president):
    settings = {"court": "GB-SUD", "judges": {"judge_osh": {"share": 50}}}
    response = president.act("courts.assignment.settings", settings)
    assert response.status_code == 400 and "judge_osh" in response.json()["message"]


def test_an_appeal_court_seats_a_panel_of_three_by_draw(as_user):
    number, _ = case_in_court(as_user)
    outcome = acts.perform(SYSTEM_USER, "courts.appeal.register", {"court": "GB-APP"}, case=number)
    appeal = CourtCase.objects.get(pk=outcome.result["court_case"])
    assert appeal.instance == "appeal"
    assert sorted(appeal.panel) == ["appeal_judge", "appeal_judge_2", "appeal_judge_3"]
    assert appeal.judge == appeal.panel[0]
    record = draw_record(appeal)
    assert record["seats"] == 3 and record["chosen"] == appeal.panel
    assert verify_draw(record)[0]
    # The first-instance terms are not started again by the appeal court's registration.
    assert Deadline.objects.filter(case_id=number, rule="court.intake_decision").count() == 1
    with pytest.raises(acts.Invalid):
        acts.perform(SYSTEM_USER, "courts.appeal.register", {"court": "GB-SUD"}, case=number)


def test_a_case_already_in_court_is_not_registered_twice(as_user):
    number, _ = case_in_court(as_user)
    with pytest.raises(acts.Conflict):
        acts.perform(SYSTEM_USER, "courts.case.register", {"court": "GB-SUD"}, case=number)


# --- icjis courts verify-draw -------------------------------------------------------------------


def test_verify_draw_passes_on_a_good_record_and_names_a_changed_weight(as_user, tmp_path):
    _, court_case = case_in_court(as_user)
    out = StringIO()
    call_command("courts", "verify-draw", court_case.pk, stdout=out)
    assert out.getvalue().startswith(f"OK {court_case.pk}#1:")

    record = copy.deepcopy(draw_record(court_case))
    record["candidates"][0]["weight"] = 1
    copied = tmp_path / "draw.json"
    copied.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CommandError, match=f"weight of {record['candidates'][0]['judge']}"):
        call_command("courts", "verify-draw", "--record", str(copied), stderr=StringIO())
    with pytest.raises(CommandError, match="no court case"):
        call_command("courts", "verify-draw", "GB-SUD-00-000000-0")


def test_the_verify_draw_command_exits_non_zero_when_a_record_was_changed(tmp_path):
    good, bad = record_for(), record_for()
    bad["candidates"][2]["weight"] += 1
    env = {**os.environ, "ICJIS_ENV": "test"}
    runs = {}
    for name, record in (("good", good), ("bad", bad)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        runs[name] = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "icjis", "courts", "verify-draw", "--record", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert runs["good"].returncode == 0, runs["good"].stderr
    assert runs["bad"].returncode != 0
    assert "weight of judge_3" in runs["bad"].stderr


def test_a_case_at_the_prosecutor_has_no_court_case_yet(as_user):
    number = case_at_prosecutor(as_user)
    assert not CourtCase.objects.filter(case_id=number).exists()
