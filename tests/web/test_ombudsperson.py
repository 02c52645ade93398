"""The ombudsperson's landing page: every detention facility with its capacity, the places taken,
the detainees on their way in and those held past their term — counts, no names."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.test_workbench import SUSPECT, arrested  # noqa: F401

from icjis.core import clock
from icjis.core.models import AccessRecord, Unit
from icjis.detention.models import Detention


def facilities_queue(html: str) -> str:
    queue = html[html.index('id="queue-facilities"') :]
    return queue[: queue.index("</section>")]


def row_of(queue: str, name: str) -> list[str]:
    row = re.search(rf"<tr>\s*<td>{re.escape(name)}</td>(.*?)</tr>", queue, re.S)
    assert row is not None, queue
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


def test_the_ombudsperson_sees_every_facility_and_who_is_held_past_the_term(browser, arrested):  # noqa: F811
    detention = Detention.objects.get(case_id=arrested["case"])
    facility = Unit.objects.get(code=detention.facility_id)
    html = browser("ombudsperson").get("/").content.decode()
    queue = facilities_queue(html)
    # Every facility of the country is listed, and the detainee is counted in theirs.
    for unit in Unit.objects.filter(kind="ivs"):
        assert f"<td>{unit.name_en}</td>" in queue, unit.code
    capacity, taken, arriving, past = row_of(queue, facility.name_en)
    assert capacity == str(facility.capacity)
    assert int(taken) + int(arriving) == 1
    assert past == "0"
    assert SUSPECT["surname"] not in queue
    assert AccessRecord.objects.filter(
        actor="ombudsperson", subject_type="detention", subject="facilities:queue"
    ).exists()

    # Two days on, nobody has released him: the 48 hours of CPC 100(2) are past.
    clock.advance(timedelta(days=2))
    queue = facilities_queue(browser("ombudsperson").get("/").content.decode())
    assert row_of(queue, facility.name_en)[3] == "1"
    assert re.search(
        rf"<td>{re.escape(facility.name_en)}</td>.*?<td class=\"missed\">1</td>", queue, re.S
    )


def test_other_roles_do_not_get_the_national_overview(browser, arrested):  # noqa: F811
    assert 'id="queue-facilities"' not in browser("ivs_officer").get("/").content.decode()
    assert 'id="queue-facilities"' not in browser("prosecutor").get("/").content.decode()
