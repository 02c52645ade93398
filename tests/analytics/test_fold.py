"""The figures are what the ledger's acts say, month by month, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client
from tests.analytics.conftest import ok
from tests.analytics.replay import assert_terms_replayed

from icjis.analytics.fold import compute, month_of, month_start, next_month
from icjis.analytics.metrics import BY_NAME
from icjis.analytics.tables import summed
from icjis.core import clock
from icjis.core.models import Case, Person
from icjis.legal.models import Deadline


def arrest(person, detained):
    return {
        "person": person,
        "detained_at": detained.isoformat(),
        "place": "Бишкек",
        "grounds": "Застигнут при совершении преступления (УПК 96(2)(1))",
    }


def by(rows, metric, *breakdowns):
    return {
        tuple(r[b] for b in breakdowns): {m: r[m] for m in BY_NAME[metric].measures}
        for r in summed(rows, BY_NAME[metric], breakdowns)
    }


def test_a_month_of_acts_is_counted_by_region_article_sex_and_age(story):
    rows = compute(clock.now()).rows(story["period"])
    assert by(rows, "reports.registered", "region", "kind") == {
        ("KG-GB", "phone"): {"count": 1},
        ("KG-O", "online"): {"count": 1},
    }
    assert by(rows, "cases.opened", "region", "article", "category") == {
        ("KG-GB", "kg-cc-2021/205", "minor_gravity"): {"count": 1}
    }
    assert by(rows, "cases.decided", "kind") == {("opened",): {"count": 1}}
    assert by(rows, "persons.charged", "sex", "age") == {("F", "30-49"): {"count": 1}}
    # The adult held 30 hours and a half, within 48; the child as long, past the 24 of a child.
    detentions = by(rows, "detention.ended", "sex", "age")
    assert detentions == {
        ("F", "30-49"): {"count": 1, "with_limit": 1, "within_limit": 1, "hours": 30},
        ("M", "0-17"): {"count": 1, "with_limit": 1, "within_limit": 0, "hours": 30},
    }


def test_acts_recorded_after_the_cut_do_not_count(story, as_user):
    cut = clock.now()
    before = compute(cut).rows()
    clock.advance(timedelta(minutes=5))
    report = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
    assert as_user("registrar").act("registry.report.register", report).status_code == 201
    assert compute(cut).rows() == before
    after = compute(clock.now()).rows(story["period"])
    assert by(after, "reports.registered", "region")[("KG-GB",)] == {"count": 2}


def test_editing_the_tables_changes_no_figure(story):
    """Computed from the ledger only: a case's category and a person's sex changed in the
    projections (as someone with database access might) leave every figure as it was."""
    before = compute(clock.now()).rows()
    Case.objects.filter(pk=story["case"]).update(category="especially_grave")
    Person.objects.filter(pk=story["adult"]).update(sex="M")
    assert compute(clock.now()).rows() == before


def test_months_are_those_of_bishkek():
    # 30 November 18:30 UTC is 1 December 00:30 in Bishkek (UTC+6).
    assert month_of(datetime(2026, 11, 30, 18, 30, tzinfo=UTC)) == "2026-12"
    assert month_of(datetime(2026, 11, 30, 17, 59, tzinfo=UTC)) == "2026-11"
    assert month_start("2026-12") == datetime(2026, 11, 30, 18, tzinfo=UTC)
    assert next_month("2026-12") == "2027-01" and next_month("2027-01") == "2027-02"


def test_a_population_is_counted_at_each_months_end_until_it_changes(world):
    """A stock: the changes of each month summed up to it, carried through months without
    any change, and no row once it falls back to nothing."""
    from icjis.analytics.fold import Figures, _Fold, _Held

    march = datetime(2027, 3, 10, tzinfo=UTC)
    figures = Figures(cut=datetime(2027, 7, 1, tzinfo=UTC))
    fold = _Fold(figures, figures.cut)
    held = _Held("GB-COL", "M", "30-49")
    fold._move("prisons.population", march, held, +1)  # March
    fold._move("prisons.population", march + timedelta(days=31), held, +1)  # April
    # May: no change.
    fold._move("prisons.population", march + timedelta(days=92), held, -1)  # June
    fold._move("prisons.population", march + timedelta(days=112), held, -1)  # 30 June, Bishkek
    fold.stocks()
    counts = {r[1]: r[-1] for r in figures.rows() if r[0] == "prisons.population"}
    assert counts == {"2027-03": 1, "2027-04": 2, "2027-05": 2}


def test_a_person_counts_once_per_case_and_keeps_their_facts_when_named_by_reference(
    story, as_user
):
    investigator = as_user("investigator")
    number = story["case"]
    # The adult charged under a second article, and the child named again by reference only.
    extra = {"person": story["adult"], "article": "206", "part": 1}
    ok(investigator.act("registry.charge", extra, case=number))
    ok(
        investigator.act(
            "registry.participant.add",
            {"role": "witness", "person": {"id": story["child"]}},
            case=number,
        )
    )
    ok(
        investigator.act(
            "registry.charge", {"person": story["child"], "article": "205", "part": 1}, case=number
        )
    )
    rows = compute(clock.now()).rows(story["period"])
    assert by(rows, "persons.charged", "sex", "age", "article") == {
        ("F", "30-49", "kg-cc-2021/205"): {"count": 1},
        ("M", "0-17", "kg-cc-2021/205"): {"count": 1},
    }


def test_a_detention_not_ended_counts_as_held_and_past_its_limit_at_the_months_end(story, as_user):
    investigator = as_user("investigator")
    number = story["case"]
    detained = (clock.now() - timedelta(minutes=10)).replace(second=0, microsecond=0)
    ok(investigator.act("detention.arrest", arrest(story["adult"], detained), case=number))
    period = story["period"]
    assert by(compute(clock.now()).rows(period), "detention.held") == {
        (): {"count": 1, "past_limit": 0}
    }
    clock.advance(timedelta(hours=50))  # past the 48 hours, still in February
    now = clock.now()
    assert month_of(now) == period
    assert by(compute(now).rows(period), "detention.held") == {(): {"count": 1, "past_limit": 1}}
    # Carried into the next month while held; gone once released.
    later = next_month(period)
    clock.advance(month_start(later) + timedelta(days=1) - clock.now())
    assert by(compute(clock.now()).rows(later), "detention.held") == {
        (): {"count": 1, "past_limit": 1}
    }
    ivs = as_user("ivs_officer")
    ok(
        ivs.act(
            "detention.admit",
            {"person": story["adult"], "facility": "GB-IVS", "cell": "2"},
            case=number,
        )
    )
    ok(
        ivs.act(
            "detention.release",
            {"person": story["adult"], "grounds": "custody_not_needed"},
            case=number,
        )
    )
    rows = compute(clock.now()).rows(later)
    assert by(rows, "detention.held") == {}
    ended = by(rows, "detention.ended")[()]
    assert ended["count"] == ended["with_limit"] == 1 and ended["within_limit"] == 0
    assert ended["hours"] == int((clock.now() - detained).total_seconds() // 3600)


def test_a_detention_recorded_late_counts_past_its_limit_only_from_its_recording(story, as_user):
    """The hour of detention three days back, recorded now: held past the 48 hours, but in no
    month before the record entered the ledger."""
    detained = (clock.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    body = arrest(story["adult"], detained)
    ok(as_user("investigator").act("detention.arrest", body, case=story["case"]))
    figures = compute(clock.now())
    before = month_of(detained)
    assert before != story["period"]  # 2 February minus three days and more
    assert by(figures.rows(before), "detention.held") == {}
    assert by(figures.rows(story["period"]), "detention.held") == {
        (): {"count": 1, "past_limit": 1}
    }


def test_a_term_overdue_counts_at_each_months_end_at_the_unit_holding_it_until_met_late(
    ordinary_day, as_user
):
    """The ten days of a pre-investigation check (CPC 153(3)) run out in February; the case
    moves to Osh with the term overdue; it is opened there in March. February ends with the
    term overdue at Osh (not in Bishkek, which no longer holds it); March counts it kept, late
    by the hours from its due time to the opening, and overdue no more."""
    report = {"channel": "phone", "summary": "Кража", "place": {"region": "KG-GB"}}
    number = ok(as_user("registrar").act("registry.report.register", report))["case"]
    bishkek = Case.objects.get(pk=number).unit_id
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number))
    february = month_of(clock.now())
    clock.advance(timedelta(days=15))
    transfer = {"unit": "OSH-UVD", "grounds": "По месту преступления"}
    ok(as_user("prosecutor").act("registry.case.transfer", transfer, case=number))
    figures = compute(clock.now())
    overdue = by(figures.rows(february), "deadlines.overdue", "place", "kind")
    assert overdue == {("OSH-UVD", "report.decision"): {"count": 1}}
    clock.advance(timedelta(days=14))
    march = month_of(clock.now())
    assert march == next_month(february)
    assigned = {"officer": "investigator_osh"}
    ok(as_user("unit_head_osh").act("registry.case.assign", assigned, case=number))
    opened = {"article": "205", "part": 1}
    ok(as_user("investigator_osh").act("registry.case.open", opened, case=number))

    figures = compute(clock.now())
    february_rows = figures.rows(february)
    assert by(february_rows, "deadlines.overdue", "place", "region") == {
        ("OSH-UVD", "KG-GB"): {"count": 1}
    }
    assert "deadlines.kept" not in {r[0] for r in february_rows}
    march_rows = figures.rows(march)
    assert "deadlines.overdue" not in {r[0] for r in march_rows}
    term = Deadline.objects.get(case_id=number, rule="report.decision")
    hours = int((term.closed_at - term.due_at).total_seconds() // 3600)
    assert term.state == "missed" and hours > 15 * 24
    kept = by(march_rows, "deadlines.kept", "place", "kind")
    assert kept[("OSH-UVD", "report.decision")] == {"count": 1, "missed": 1, "hours_over": hours}
    assert bishkek != "OSH-UVD"
    assert all(place != bishkek for place, _ in kept)
    # The analyst reads it by term, in the words of the rule pack, with the share met late.
    analyst = as_user("analyst")
    body = analyst.get("/statistics", metric="deadlines.kept", by="kind", period=march).json()
    row = next(r for r in body["rows"] if r["kind"] == "report.decision")
    assert (row["count"], row["missed_share"], row["mean_hours_over"]) == (1, 1.0, float(hours))
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(analyst.user)
    page = browser.get("/statistics/", {"metric": "deadlines.kept", "by": "kind", "period": march})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Решение о возбуждении уголовного дела или об отказе" in html
    assert "Доля соблюдённых с опозданием" in html


def test_a_child_first_named_in_a_protection_order_has_a_childs_terms_when_detained(
    ordinary_day, as_user
):
    """The birth date of a person the statistics first meet in a protection order is theirs
    when a case later names them by reference: detained, the child's 24 hours run (CPC 96),
    in the fold's replay as in the deadlines the pages show."""
    year = clock.now().year
    child = {
        "surname": "Юнусов",
        "given_name": "Тест",
        "sex": "M",
        "birth_date": f"{year - 16}-01-05",
    }
    order = {
        "restrained": child,
        "protected": {"surname": "Юнусова", "given_name": "Тест", "sex": "F"},
        "place": {"region": "KG-GB", "district": "KG-GB-LEN", "address": "ул. Тестовая, д. 1"},
        "reported_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "summary": "Сообщение о побоях в семье.",
    }
    restrained = ok(as_user("offences_officer").act("offences.order.request", order))["restrained"]
    report = {"channel": "phone", "summary": "Побои", "place": {"region": "KG-GB"}}
    number = ok(as_user("registrar").act("registry.report.register", report))["case"]
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number))
    investigator = as_user("investigator")
    ok(investigator.act("registry.case.open", {"article": "205", "part": 1}, case=number))
    suspect = {"role": "suspect", "person": {"id": restrained}}
    ok(investigator.act("registry.participant.add", suspect, case=number))
    detained = (clock.now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    ok(investigator.act("detention.arrest", arrest(restrained, detained), case=number))
    rules = set(Deadline.objects.filter(case_id=number).values_list("rule", flat=True))
    assert "detention.release.child" in rules
    assert assert_terms_replayed() == Deadline.objects.count()
