"""Steps the contour tests share: the API answer checked, the simulation clock moved by the
operator's command, reactions flattened, and the court president's leave for the other judges
(so that the draw can only give the demo user `judge`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.management import call_command

from icjis.legal.counting import LOCAL_TZ


def ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


def reactions(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every reaction an act caused, depth first, as (kind, result)."""
    out = []
    for r in body.get("reactions", []):
        out.append((r["event"]["kind"], r["result"]))
        out.extend(reactions(r))
    return out


def now(api: Any) -> datetime:
    return datetime.fromisoformat(ok(api.get("/clock"), 200)["now"].replace("Z", "+00:00"))


def advance(text: str) -> None:
    """The operator moves the simulation clock on (`icjis clock advance`)."""
    call_command("clock", "advance", text)


def leave_for_the_other_judges(as_user: Any) -> None:
    """The court president records leave for judge_2 and judge_3 from today for 90 days."""
    president = as_user("court_president")
    today = now(president).astimezone(LOCAL_TZ).date()
    for judge in ("judge_2", "judge_3"):
        leave = {
            "court": "GB-SUD",
            "judge": judge,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=90)).isoformat(),
            "reason": "Ежегодный оплачиваемый отпуск",
        }
        ok(president.act("courts.judge.leave", leave))
