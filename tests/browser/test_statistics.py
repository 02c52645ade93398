"""Statistics in a real browser, in Kyrgyz: the analyst sees a month's provisional figures,
publishes the month from the statistics page, and the public reads it on the open statistics
page — a figure by a breakdown, bars drawn without a script, no English string shown and
nothing refused by the Content-Security-Policy."""

from __future__ import annotations

from datetime import timedelta

from tests.browser.test_flow import Flow, translated

from icjis.analytics.fold import month_of, month_start, next_month
from icjis.analytics.models import Release
from icjis.core import acts, clock


def test_the_analyst_publishes_a_month_and_the_public_reads_it(
    chromium, live_server, committing_db, world, artifacts
):
    for region, registrar in (("KG-GB", "registrar"), ("KG-O", "registrar_osh")):
        report = {"channel": "phone", "summary": "Уурдоо", "place": {"region": region}}
        acts.perform(world[registrar], "registry.report.register", report)
    period = month_of(clock.now())
    clock.advance(month_start(next_month(period)) + timedelta(hours=2) - clock.now())
    flow = Flow(chromium, live_server.url, "ky", artifacts)
    try:
        flow.login("analyst")
        flow.page.goto(f"{live_server.url}/statistics/?period={period}&by=region")
        flow.check("provisional")
        figures = flow.page.locator("table.figures").first
        assert figures.locator("tbody tr").count() == 2  # Bishkek and Osh oblast
        assert figures.locator("svg rect").count() == 2
        flow.page.locator("#publish ~ ul a", has_text=period).click()
        flow.page.wait_for_load_state()
        assert flow.page.locator('[name="period"]').input_value() == period
        flow.check("publish-form")
        flow.page.locator("form.act button[type=submit]").click()
        flow.page.wait_for_load_state()
        assert not flow.page.locator("#refusal").count()
        release = Release.objects.get(period=period)
        assert release.figures.filter(metric="reports.registered", measure="count").count() == 2

        flow.context.clear_cookies()
        flow.page.goto(f"{live_server.url}/public/")
        flow.page.get_by_role("link", name=translated("Open statistics", "ky")).click()
        flow.page.wait_for_load_state()
        flow.page.locator("select#by").select_option("region")
        flow.page.locator("form.choose button[type=submit]").click()
        flow.page.wait_for_load_state()
        flow.check("public")
        shown = flow.page.locator("table.figures").first.inner_text()
        assert "Бишкек" in shown and release.id in flow.page.content()
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
