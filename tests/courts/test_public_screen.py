"""The public court pages: each court's screen and today's hearings, without login and without
anything personal about the parties; and the judge draws, re-run for anyone (CPC 29(1), 291)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from tests.courts.test_hearings import at
from tests.courts.test_intake import ACCUSED, ADDRESS, case_in_court, created

from icjis.core import clock
from icjis.courts.models import JudgeDraw


def hearing_today(as_user: Any) -> tuple[str, Any, str]:
    """A case in the Bishkek court with a hearing at 10:00 in room 7, lived up to that morning."""
    number, court_case = case_in_court(as_user)
    body = created(
        as_user("court_clerk").act(
            "courts.hearing.schedule", {"starts_at": at(6), "room": "7"}, number
        )
    )
    clock.advance(datetime.fromisoformat(at(6)) - timedelta(hours=2) - clock.now())
    return number, court_case, body["result"]["hearing"]


PERSONAL = [
    ACCUSED["pin"],
    ACCUSED["birth_date"],
    "01.09.1995",
    ACCUSED["surname"],
    ACCUSED["given_name"],
    ADDRESS,
    "Киевская",
]


def test_the_court_screen_lists_todays_hearings_without_login_and_nothing_personal(as_user):
    number, court_case, _ = hearing_today(as_user)
    response = Client().get("/public/courts/GB-SUD/screen")
    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(r"<tr><td>10:00</td><td>7</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
    assert row is not None, page
    assert row.group(1) == court_case.pk and row.group(2) == f"Demo {court_case.judge}"
    for secret in [*PERSONAL, number]:
        assert secret not in page
    assert '<meta http-equiv="refresh" content="60">' in page
    assert "<script" not in page and "style=" not in page and "<form" not in page
    assert len(response.content) < 4000
    assert response["Cache-Control"] in ("public, max-age=30", "max-age=30, public")
    assert "Set-Cookie" not in response and not response.cookies


def test_the_screen_of_another_court_shows_none_of_them_and_an_unknown_court_is_not_found(
    as_user,
):
    hearing_today(as_user)
    page = Client().get("/public/courts/OSH-SUD/screen").content.decode()
    assert "GB-SUD-" not in page
    assert Client().get("/public/courts/NOPE/screen").status_code == 404
    assert Client().get("/public/courts/GB-PROK/screen").status_code == 404
    # Asked for as JSON (a court's display board), the same answer as JSON: once a 500, as
    # JsonResponse took the status for its encoder.
    for path in ("/public/courts/NOPE/screen", "/public/courts/draws/NOPE"):
        response = Client().get(path, {"format": "json"})
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found" and response.json()["message"], path


def test_todays_hearings_in_every_court_as_a_page_and_as_json(as_user):
    number, court_case, _ = hearing_today(as_user)
    page = Client().get("/public/hearings")
    assert page.status_code == 200
    text = page.content.decode()
    assert court_case.pk in text and 'href="/public/courts/GB-SUD/screen"' in text
    for secret in [*PERSONAL, number]:
        assert secret not in text
    body = Client().get("/public/hearings", {"format": "json"}).json()
    assert [(h["court_case"], h["time"], h["room"], h["court"]) for h in body["hearings"]] == [
        (court_case.pk, "10:00", "7", "GB-SUD")
    ]
    assert set(body["hearings"][0]) == {
        "time",
        "room",
        "court_case",
        "judge",
        "court",
        "court_name",
        "state",
    }


def test_a_postponed_hearing_leaves_todays_screen(as_user):
    number, court_case, hearing = hearing_today(as_user)
    postpone = {"hearing": hearing, "starts_at": at(8), "reason": "Witness summoned again."}
    created(as_user("court_clerk").act("courts.hearing.postpone", postpone, number))
    page = Client().get("/public/courts/GB-SUD/screen").content.decode()
    assert court_case.pk not in page and "Witness" not in page


def test_anyone_can_see_a_draw_re_run_and_fetch_the_algorithm(as_user):
    _, court_case = case_in_court(as_user)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/public/courts/draws/{court_case.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    draw = JudgeDraw.objects.get(court_case=court_case)
    assert draw.seed in page and draw.commitment in page
    assert '<p class="ok"><strong>Verified:' in page and 'class="bad"' not in page
    assert "<script" not in page
    body = Client().get(f"/public/courts/draws/{court_case.pk}", {"format": "json"}).json()
    assert body["draws"][0]["verified"] is True
    assert body["draws"][0]["record"]["chosen"] == [court_case.judge]
    source = Client().get("/public/courts/draw-algorithm.py")
    assert source.status_code == 200 and b"def choose(" in source.content
    assert b"import django" not in source.content and b"from django" not in source.content
    assert Client().get("/public/courts/draws/GB-SUD-00-000000-0").status_code == 404


def test_the_court_pages_speak_the_visitors_language(as_user):
    """The screens and draws are translated: a Russian or Kyrgyz visitor reads no English."""
    _, court_case = case_in_court(as_user)
    expected = {"ru": ("Проверено", "Судебные заседания сегодня"), "ky": ("Текшерилди", "Бүгүнкү")}
    for language, (verified, hearings) in expected.items():
        visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
        draw = visitor.get(f"/public/courts/draws/{court_case.pk}").content.decode()
        assert f'lang="{language}"' in draw and verified in draw and "Verified" not in draw
        page = visitor.get("/public/hearings").content.decode()
        assert hearings in page and "Court hearings today" not in page
