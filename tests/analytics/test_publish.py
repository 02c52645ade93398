"""Publishing a month: once it has ended, once only, figures kept in the ledger and checked
against it; the public reads them with small cells withheld, in CSV, XLSX or Parquet."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from icjis.analytics.fold import compute, digest, month_start, next_month
from icjis.analytics.metrics import METHOD
from icjis.analytics.models import Figure, Release
from icjis.analytics.service import check
from icjis.core import clock
from icjis.core.models import Event


def after_the_month(period):
    clock.advance(month_start(next_month(period)) + timedelta(hours=2) - clock.now())


def test_a_month_not_yet_ended_is_refused_and_nothing_is_written(story, as_user):
    events = Event.objects.count()
    r = as_user("analyst").act("analytics.statistics.publish", {"period": story["period"]})
    assert r.status_code == 400, r.content
    assert r.json()["fields"] == {"period": "not yet ended"}
    assert Event.objects.count() == events and not Release.objects.exists()


def test_only_the_analyst_publishes(story, as_user):
    after_the_month(story["period"])
    for role in ("registrar", "prosecutor", "auditor"):
        r = as_user(role).act("analytics.statistics.publish", {"period": story["period"]})
        assert r.status_code == 403, (role, r.content)


def test_a_published_month_keeps_the_figures_of_its_cut_and_checks_against_the_ledger(
    story, as_user
):
    period = story["period"]
    after_the_month(period)
    cut = month_start(next_month(period))
    analyst = as_user("analyst")
    r = analyst.act("analytics.statistics.publish", {"period": period})
    assert r.status_code == 201, r.content
    release = Release.objects.get(period=period)
    expected = compute(cut).rows(period)
    assert r.json()["result"]["digest"] == release.digest == digest(expected)
    assert release.figures.count() == len(expected) > 0
    # Later acts, in the same case and elsewhere, change nothing published.
    report = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
    assert as_user("registrar").act("registry.report.register", report).status_code == 201
    charge = {"person": story["child"], "article": "205", "part": 1}
    assert (
        as_user("investigator").act("registry.charge", charge, case=story["case"]).status_code
        == 201
    )
    result = check(release)
    assert result["matches"] and result["differences"] == []
    answer = analyst.get(f"/statistics/releases/{period}/check").json()
    assert answer["matches"] is True and answer["recomputed_digest"] == release.digest
    # Once only.
    again = analyst.act("analytics.statistics.publish", {"period": period})
    assert again.status_code == 409
    # A replay of the ledger rebuilds the same release.
    call_command("rebuild_projections", check=True)


def test_a_figure_edited_in_the_table_is_caught_by_the_check(story, as_user):
    period = story["period"]
    after_the_month(period)
    assert (
        as_user("analyst").act("analytics.statistics.publish", {"period": period}).status_code
        == 201
    )
    release = Release.objects.get(period=period)
    Figure.objects.filter(release=release, metric="reports.registered").update(value=7)
    result = check(release)
    assert not result["matches"]
    assert result["recomputed_digest"] == result["recorded_digest"] != result["stored_digest"]
    assert any(row[0] == "reports.registered" for row in result["differences"])
    with pytest.raises(CommandError, match=f"ST-{period}"):
        call_command("statistics", check=True)


def test_the_public_reads_a_release_with_small_cells_withheld(story, as_user):
    period = story["period"]
    after_the_month(period)
    assert (
        as_user("analyst").act("analytics.statistics.publish", {"period": period}).status_code
        == 201
    )
    public = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = public.get("/public/statistics/", {"metric": "persons.charged", "by": "sex"})
    text = page.content.decode()
    assert page.status_code == 200 and f"ST-{period}" in text
    assert "fewer than 5 persons: withheld" in text  # one woman charged
    kyrgyz = Client(HTTP_ACCEPT_LANGUAGE="ky")
    page = kyrgyz.get("/public/statistics/", {"metric": "persons.charged", "by": "sex"})
    assert "5 адамдан аз: жарыяланбайт" in page.content.decode()
    rows = list(
        csv.DictReader(
            io.StringIO(public.get(f"/public/statistics/{period}.csv").content.decode("utf-8-sig"))
        )
    )
    charged = [r for r in rows if r["metric"] == "persons.charged"]
    assert charged and all(r["withheld"] == "True" and r["value"] == "" for r in charged)
    reports = [
        r
        for r in rows
        if r["metric"] == "reports.registered" and r["region"] == "_T" and r["kind"] == "_T"
    ]
    assert [r["value"] for r in reports] == ["2"]  # reports count no persons: never withheld
    book = load_workbook(io.BytesIO(public.get(f"/public/statistics/{period}.xlsx").content))
    sheet = book.active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][-3:] == [
        "measure",
        "value",
        "withheld",
    ]
    assert sheet.max_row == len(rows) + 1
    table = pq.read_table(io.BytesIO(public.get(f"/public/statistics/{period}.parquet").content))
    assert table.num_rows == len(rows)
    assert public.get("/public/statistics/1999-01.csv").status_code == 404


def test_staff_read_provisional_figures_and_exports_by_role(story, as_user):
    analyst = as_user("analyst")
    r = analyst.get("/statistics", metric="detention.ended", by="sex")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["provisional"] is True and body["period"] == story["period"]
    women = next(row for row in body["rows"] if row["sex"] == "F")
    assert women["within_limit_share"] == 1.0 and women["mean_hours"] == 30.0
    assert analyst.get("/statistics", metric="detention.ended", by="article").status_code == 400
    assert as_user("registrar").get("/statistics").status_code == 403
    export = analyst.get("/statistics/export", format="parquet")
    assert export.status_code == 200
    table = pq.read_table(io.BytesIO(export.content)).to_pylist()
    charged = [r for r in table if r["metric"] == "persons.charged"]
    assert [(r["sex"], r["age"], r["article"], r["value"]) for r in charged] == [
        ("F", "30-49", "kg-cc-2021/205", 1)
    ]
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(analyst.user)
    page = browser.get("/statistics/", {"metric": "reports.registered", "by": "region"})
    assert page.status_code == 200 and "provisional" in page.content.decode().lower()
    assert "/api/v1/statistics/export?period=" in page.content.decode()
    browser.force_login(as_user("prosecutor").user)
    page = browser.get("/statistics/", {"metric": "detention.ended", "by": "sex"}).content.decode()
    assert "fewer than 5 persons: withheld" in page
    assert "/api/v1/statistics/export" not in page
    browser.force_login(as_user("registrar").user)
    assert browser.get("/statistics/").status_code == 404


def test_the_analysts_landing_page_lists_the_months_to_publish(story, as_user):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(as_user("analyst").user)
    link = f"/acts/analytics.statistics.publish/?period={story['period']}"
    assert link not in browser.get("/").content.decode()  # the month has not ended
    after_the_month(story["period"])
    assert link in browser.get("/").content.decode()
    form = browser.get(link).content.decode()
    assert f'value="{story["period"]}"' in form
    done = as_user("analyst").act("analytics.statistics.publish", {"period": story["period"]})
    assert done.status_code == 201
    assert link not in browser.get("/").content.decode()


def test_prosecutors_and_the_ombudsperson_read_small_cells_withheld_one_breakdown_at_a_time(
    story, as_user
):
    prosecutor, ombudsperson = as_user("prosecutor"), as_user("ombudsperson")
    rows = prosecutor.get("/statistics", metric="detention.ended", by="sex").json()["rows"]
    assert rows and all(r["withheld"] and r["count"] is None for r in rows)  # one and one
    assert {r["sex"] for r in rows} == {"F", "M"}
    full = as_user("analyst").get("/statistics", metric="detention.ended", by="sex").json()
    assert [r["count"] for r in full["rows"]] == [1, 1]
    crossed = prosecutor.get("/statistics", metric="persons.charged", by="sex,age")
    assert crossed.status_code == 400
    assert prosecutor.get("/statistics/export").status_code == 403
    assert ombudsperson.get("/statistics", metric="detention.held").status_code == 200
    assert ombudsperson.get("/statistics", metric="persons.charged").status_code == 403
    reports = prosecutor.get("/statistics", metric="reports.registered", by="region").json()
    assert [r["count"] for r in reports["rows"]] == [1, 1]  # counts no persons: shown


def test_a_release_of_older_definitions_is_checked_against_its_digest_only(
    story, as_user, monkeypatch, capsys
):
    period = story["period"]
    after_the_month(period)
    done = as_user("analyst").act("analytics.statistics.publish", {"period": period})
    assert done.status_code == 201
    release = Release.objects.get(period=period)
    assert release.method == METHOD
    newer = str(int(METHOD) + 1)
    monkeypatch.setattr("icjis.analytics.service.METHOD", newer)  # the definitions changed since
    result = check(release)
    assert result["comparable"] is False and result["recomputed_digest"] is None
    assert result["stored_digest"] == release.digest and not result["matches"]
    call_command("statistics", check=True)  # passes: the rows still match their digest
    assert "NOT RECOMPUTED" in capsys.readouterr().out
    Figure.objects.filter(release=release).update(value=99)
    with pytest.raises(CommandError, match=f"ST-{period}"):
        call_command("statistics", check=True)
