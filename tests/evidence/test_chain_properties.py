"""Property tests of the chain of custody: whatever order of hand-overs and receipts is tried,
by whichever official, under whichever seal, the item has one holder — the last to receive it —,
every refused act writes nothing, the chain alternates handed over / received from the seizure,
and the item is flagged exactly when some receipt found the seal broken or changed."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icjis.core import acts, clock
from icjis.core.models import Event, User
from icjis.core.refusals import Refusal
from icjis.evidence.models import Item

PROPERTY = settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
OFFICIALS = ("investigator", "evidence_custodian", "unit_head")  # the head holds no evidence
SEALS = ("С-1", "С-2")

steps = st.lists(
    st.tuples(
        st.sampled_from(("hand_over", "receive")),
        st.sampled_from((None, None, *OFFICIALS)),  # who acts (None: the one expected to)
        st.sampled_from((None, None, *OFFICIALS)),  # to whom (None: the other who may hold)
        st.sampled_from(SEALS),
        st.booleans(),  # the seal seen intact (a receipt)
    ),
    max_size=10,
)


def _case_with_an_item() -> tuple[str, str]:
    users = {u: User.objects.get(username=u) for u in ("registrar", "unit_head", "investigator")}
    report = {"channel": "phone", "summary": "Кража", "place": {"region": "KG-GB"}}
    number = acts.perform(users["registrar"], "registry.report.register", report).result["case"]
    acts.perform(
        users["unit_head"], "registry.case.assign", {"officer": "investigator"}, case=number
    )
    acts.perform(
        users["investigator"], "registry.case.open", {"article": "205", "part": 1}, case=number
    )
    seized = {
        "description": "Сумка",
        "category": "object",
        "obtained": "search",
        "place": "Квартира",
        "seized_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "seal": SEALS[0],
        "location": "Сейф",
    }
    item = acts.perform(users["investigator"], "evidence.item.seize", seized, case=number)
    return number, item.result["item"]


@PROPERTY
@given(tried=steps)
def test_the_chain_keeps_one_holder_and_flags_exactly_the_broken_seals(world, tried):
    number, item_id = _case_with_an_item()
    holder, on_way_to, under_seal, flagged = "investigator", None, SEALS[0], False
    kinds = ["seized"]
    for act, asked, addressee, seal, intact in tried:
        who = asked or (holder if act == "hand_over" else on_way_to or holder)
        to = addressee or ("evidence_custodian" if who == "investigator" else "investigator")
        user = User.objects.get(username=who)
        events = Event.objects.filter(stream=f"case/{number}").count()
        if act == "hand_over":
            data = {"item": item_id, "to": to, "purpose": "storage", "seal": seal}
            expected = on_way_to is None and who == holder and to != who and to != "unit_head"
        else:
            data = {"item": item_id, "seal": seal, "intact": intact, "location": "Полка"}
            expected = on_way_to == who
        try:
            acts.perform(user, f"evidence.item.{act}", data, case=number)
        except Refusal:
            assert not expected, (act, who, to)
            assert Event.objects.filter(stream=f"case/{number}").count() == events
            continue
        assert expected, (act, who, to, holder, on_way_to)
        if act == "hand_over":
            on_way_to, under_seal = to, seal
            kinds.append("handed_over")
        else:
            flagged = flagged or not intact or seal != under_seal
            holder, on_way_to = who, None
            kinds.append("received")
    item = Item.objects.get(pk=item_id)
    assert item.holder == holder
    assert item.status == ("held" if on_way_to is None else "in_transit")
    assert item.tampered == flagged
    assert [c.kind for c in item.chain.order_by("seq")] == kinds
