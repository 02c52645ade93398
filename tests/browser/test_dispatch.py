"""The dispatch centre in a real browser, in Russian: the dispatcher takes a call through the
generated form, sends the recommended crew and records it on the scene with one click each,
registers the crime report from the incident with one click and gets its receipt, and the board
lists the incident — no English string shown, nothing refused by the Content-Security-Policy."""

from __future__ import annotations

from tests.browser.test_flow import Flow, title, translated

from icjis.core import acts
from icjis.dispatch.models import Incident


def test_a_call_becomes_an_incident_a_crew_on_the_scene_and_a_crime_report(
    chromium, live_server, committing_db, world, artifacts
):
    for n, (lat, lon) in enumerate(((42.875, 74.570), (42.90, 74.62)), start=1):
        crew = {"call_sign": f"B-{n}", "kind": "patrol", "lat": lat, "lon": lon}
        acts.perform(world["dispatcher"], "dispatch.crew.on_duty", crew)
    flow = Flow(chromium, live_server.url, "ru", artifacts)
    try:
        flow.login("dispatcher")
        flow.page.get_by_role("link", name=translated("Dispatch", "ru"), exact=True).first.click()
        flow.page.wait_for_load_state()
        flow.check("board")
        flow.act(
            title("dispatch.call.receive", "ru"),
            {
                "place.region": "KG-GB",
                "place.address": "ул. Токтогула, д. 88",
                "place.lat": "42.876",
                "place.lon": "74.571",
                "summary": "Из машины украли сумку",
            },
            selects={"type": "theft"},
        )
        [incident] = Incident.objects.all()
        assert flow.page.url.endswith(f"/dispatch/incidents/{incident.number}/")
        flow.check("incident")
        send = flow.page.get_by_role("button", name=translated("Send (recommended)", "ru"))
        assert send.count() == 1
        send.click()
        flow.page.wait_for_load_state()
        arrived = translated("%(crew)s is on the scene", "ru") % {"crew": "B-1"}
        flow.page.get_by_role("button", name=arrived).click()
        flow.page.wait_for_load_state()
        flow.check("on-scene")
        flow.page.get_by_role("button", name=title("registry.report.register", "ru")).click()
        flow.page.wait_for_load_state()
        assert "/public/reports/" in flow.page.url, flow.page.url
        flow.check("receipt")
        incident.refresh_from_db()
        assert incident.state == "on_scene" and incident.case_id is not None
        assert incident.crews.get().crew_id == "B-1"

        flow.page.goto(f"{live_server.url}/dispatch/")
        flow.check("board-after")
        assert incident.number in flow.page.content()
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
