"""The pages of the executing bodies: the prison officer's expected admissions, and the part of
the case file an executing body reads (the same `core.visibility` the API uses)."""

from __future__ import annotations

from tests.prisons.conftest import Convict, fixed_clock  # noqa: F401 - fixture


def section(html: str, key: str) -> str:
    part = html[html.index(f'id="queue-{key}"') :]
    return part[: part.index("</section>")]


def test_the_prison_officer_expects_the_convict(browser, as_user, fixed_clock):  # noqa: F811
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    html = browser("prison_officer").get("/").content.decode()
    expected = section(html, "expected")
    assert f'href="/cases/{con.number}/"' in expected
    assert "No release is due." in section(html, "releases")
    assert f"/cases/{con.number}/" not in browser("prison_officer_osh").get("/").content.decode()


def test_the_prison_officer_reads_the_verdict_part_not_the_investigation(
    browser,
    as_user,
    fixed_clock,  # noqa: F811
):
    con = Convict(as_user)
    con.convict()
    con.enter_into_force()
    officer = browser("prison_officer").get(f"/cases/{con.number}/").content.decode()
    whole = browser("investigator").get(f"/cases/{con.number}/").content.decode()
    assert "You see the part of this case file that your work needs." in officer
    # The timeline is the API's: the verdict is there, the opening of the case is not.
    timeline = as_user("prison_officer").get(f"/cases/{con.number}/timeline").json()
    kinds = {e["kind"] for e in timeline}
    assert "Deliver the verdict" in officer and "courts.verdict.deliver" in kinds
    assert "Open a criminal case" in whole and "Open a criminal case" not in officer
    assert "registry.case.open" not in kinds


def test_the_probation_officer_sees_meetings_today_and_then_missed(browser, as_user):
    from datetime import timedelta

    from tests.courts.test_verdicts import created
    from tests.probation.test_probation import PROBATION, in_force

    from icjis.core import clock
    from icjis.core.canonical import iso
    from icjis.legal.counting import local_date

    trial = in_force(as_user, PROBATION)
    officer = as_user("probation_officer")
    created(officer.act("probation.appear", {"person": trial.person}, trial.number))
    if local_date(clock.now() + timedelta(minutes=5)) != local_date(clock.now()):
        clock.advance(timedelta(minutes=10))  # a meeting "today" must not fall after midnight
    soon = {"person": trial.person, "at": iso(clock.now() + timedelta(minutes=5))}
    created(officer.act("probation.meeting.schedule", soon, trial.number))
    html = browser("probation_officer").get("/").content.decode()
    assert f'href="/cases/{trial.number}/"' in section(html, "meetings-today")
    assert "No meeting was missed." in section(html, "meetings-missed")
    clock.advance(timedelta(days=3))
    html = browser("probation_officer").get("/").content.decode()
    missed = section(html, "meetings-missed")
    assert f'href="/cases/{trial.number}/"' in missed and 'class="missed"' in missed


def test_the_clerk_and_the_judge_see_the_hearings_of_today(browser, as_user, fixed_clock):  # noqa: F811
    from datetime import timedelta

    from tests.courts.test_verdicts import created

    from icjis.core import clock
    from icjis.core.canonical import iso

    con = Convict(as_user)  # Bishkek, indicted and drawn to a judge of GB-SUD
    # Set 6 days ahead (the parties are told 5 days before), at 11:00 on the fixed clock's day.
    starts = clock.now() + timedelta(days=6, hours=2)
    created(
        as_user(con.judge).act(
            "courts.hearing.schedule", {"starts_at": iso(starts), "room": "3"}, con.number
        )
    )
    clock.advance(timedelta(days=6))
    for user in ("court_clerk", con.judge):
        hearings = section(browser(user).get("/").content.decode(), "hearings")
        assert f'href="/cases/{con.number}/"' in hearings, user
    osh = browser("court_clerk_osh").get("/").content.decode()
    assert con.number not in osh
