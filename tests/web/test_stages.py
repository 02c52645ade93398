"""The case page offers only the acts the case's stage admits (`web.stages`): the table names
real acts on cases and real stages, and an act it leaves out at a stage is indeed refused there."""

from __future__ import annotations

import re

from icjis.core.acts import KINDS
from icjis.web.stages import ACT_STAGES, possible_at
from icjis.web.views import STAGES


def offered(page: str) -> set[str]:
    return set(re.findall(r'href="/cases/[^/"]+/acts/([a-z_.]+)/"', page))


def test_every_act_in_the_table_is_an_act_on_a_case_and_every_stage_is_a_stage():
    for kind, stages in ACT_STAGES.items():
        assert kind in KINDS, kind
        assert KINDS[kind].target == "case", kind
        assert stages and set(stages) <= set(STAGES), (kind, stages)
    assert possible_at("registry.case.open", "pre_investigation")
    assert not possible_at("registry.case.open", "investigation")
    assert possible_at("detention.release", "closed")  # not in the table: offered at any stage


def test_the_case_page_offers_the_acts_of_the_stage_and_the_others_are_refused(
    browser, as_user, new_case
):
    number = new_case()
    assigned = as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number)
    assert assigned.status_code == 201, assigned.content
    investigator = browser("investigator")
    before = offered(investigator.get(f"/cases/{number}/").content.decode())
    assert {"registry.case.open", "registry.case.refuse"} <= before
    left_out = {"registry.charge", "registry.case.suspend", "registry.indictment.submit"}
    assert not before & left_out

    opened = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 1}, number
    )
    assert opened.status_code == 201, opened.content
    after = offered(investigator.get(f"/cases/{number}/").content.decode())
    assert {"registry.charge", "registry.case.suspend", "detention.arrest"} <= after
    assert {"registry.motion.file", "registry.torture.report"} <= after
    assert "registry.case.open" not in after and "registry.case.refuse" not in after
    # What the page no longer offers, the act itself refuses at this stage.
    again = as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, number)
    assert again.status_code == 409, again.content
