"""Act kinds of the fines module (module I): enforcement of pecuniary sanctions.

A fine is counted in calculation indices (CC 65(3)-(4)) and paid in money: the file records the
indices, the value of one index (`FINES_CALCULATION_INDEX`, som) and the sum. The convict pays
within three months of the verdict's entry into force (CEC 59(1)); unpaid after that, the
enforcement body asks the court to replace the fine (CC 65(5); CEC 59(2)). The enforcement
office may split the sum into instalments, all within those three months. Payments may be
partial; none may exceed what is owed; the payment that completes the sum closes the file —
and the case, when nothing else remains to be served in it.

The engine is not tied to criminal cases: a file names its `source` (a verdict now, a decision
of the register of offences later) and the ledger stream its acts go to; payments and
instalments find the stream from the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, Reaction, act_kind, reaction
from icjis.core.canonical import iso
from icjis.core.execution import close_case, closes_case, outstanding
from icjis.core.models import Case, CaseUnit, Event, Person
from icjis.core.refusals import Conflict, Invalid, NotFound, say
from icjis.core.units import execution_office
from icjis.fines.models import FineFile, Instalment, Payment
from icjis.legal.counting import add_months, local_date
from icjis.registry.acts import case_of

OFFICER = "enforcement_officer"
CENT = Decimal("0.01")
PAY_WITHIN_MONTHS = 3
"""The convict pays the fine within three months of the verdict's entry into force (CEC 59(1))."""
MAX_INSTALMENTS = 12
Money = pydantic.condecimal(max_digits=14, decimal_places=2)


def calculation_index() -> Decimal:
    """The value of one calculation index in som (setting `FINES_CALCULATION_INDEX`; 100 som,
    the index in force since 2012, by default)."""
    return Decimal(str(getattr(settings, "FINES_CALCULATION_INDEX", "100"))).quantize(CENT)


def money(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(CENT))


@outstanding
def unpaid_fines(case_number: str) -> list[str]:
    """Fines of the case not yet paid in full."""
    ids = FineFile.objects.filter(case_id=case_number, state="open").values_list("id", flat=True)
    return [f"fines:{i}" for i in ids]


def owed_now(f: FineFile, today: date) -> Decimal:
    """What the file owes in all on `today`: the reduced sum while its days last (CoO 563(5)),
    else the whole sum. A payment made then that reaches it closes the file."""
    if f.reduced_amount is not None and f.reduced_until is not None and today <= f.reduced_until:
        return f.reduced_amount
    return f.amount


def _note_on_case(f: FineFile) -> None:
    """Keep the files in the case's details, so `GET /cases/{n}` shows their ids."""
    if f.case_id is None:
        return
    entry = {
        "person": f.person_id,
        "amount": money(f.amount),
        "paid": money(f.paid),
        "balance": money(f.amount - f.paid),
        "state": f.state,
    }
    projections.note_on_case(f.case_id, "fines", f.id, entry)


def _schedule(f: FineFile, rows: list[dict[str, Any]], paid_before: Decimal, seq: int) -> None:
    Instalment.objects.filter(file=f).delete()
    total = paid_before
    items = []
    for n, row in enumerate(rows, start=1):
        amount = Decimal(row["amount"])
        total += amount
        items.append(
            Instalment(
                file=f,
                n=n,
                due_on=date.fromisoformat(row["due_on"]),
                amount=amount,
                cumulative=total,
                plan_seq=seq,
            )
        )
    Instalment.objects.bulk_create(items)


# --- opening a file from a verdict -------------------------------------------------------------


class OpenIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    verdict: str = pydantic.Field(min_length=1, max_length=60)
    indices: int = pydantic.Field(ge=1, le=25_000, description="calculation indices")


def _create_file(event: Event, data: dict[str, Any], **source: Any) -> FineFile:
    """The file an opening event records, with its one instalment (projector side); `source`:
    where the sum comes from, and for a fine of the register of offences its reduced sum."""
    f = FineFile.objects.create(
        id=data["fine"],
        stream=event.stream,
        person_id=data["person"],
        office_id=data["office"],
        territory_path=data["territory_path"],
        indices=data["indices"],
        index_value=Decimal(data["index_value"]),
        amount=Decimal(data["amount"]),
        paid=Decimal(0),
        opened_at=event.recorded_at,
        due_on=date.fromisoformat(data["due_on"]),
        **source,
    )
    _schedule(f, data["instalments"], Decimal(0), event.seq)
    return f


def _apply_open(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    f = _create_file(event, data, source="verdict", source_ref=data["verdict"], case=case)
    if data["office"]:
        CaseUnit.objects.get_or_create(case=case, unit_id=data["office"], capacity="enforcement")
    _note_on_case(f)
    return {
        "fine": f.id,
        "person": f.person_id,
        "amount": data["amount"],
        "due_on": data["due_on"],
        "office": data["office"],
    }


@act_kind(
    "fines.file.open",
    schema=OpenIn,
    roles=("system",),
    legal_basis="CC 65; CEC 30(1), 59(1); CPC 426",
    apply=_apply_open,
    title="Open an enforcement file for a fine",
)
def open_file(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a verdict imposing a fine enters into force: opens the
    enforcement file with the enforcement office of the convict's place of residence (CEC 30(1);
    when the index has none or no office serves it, of the case's place, and the event records
    which), the sum in
    som (indices × the value of an index, CC 65(3)), payable within three months (CEC 59(1)) —
    one instalment due on the last day until an officer grants a schedule."""
    case = ctx.case
    assert case is not None
    if FineFile.objects.filter(
        case=case, person_id=ctx.input.person, source_ref=ctx.input.verdict
    ).exists():
        raise Conflict(
            say(
                "A fine of %(person)s under %(verdict)s is already open.",
                person=ctx.input.person,
                verdict=ctx.input.verdict,
            )
        )
    person = Person.objects.select_related("residence").filter(pk=ctx.input.person).first()
    if person is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=ctx.input.person))
    office, basis = execution_office(person, case.territory_path, "enforcement_office")  # CEC 30(1)
    index_value = calculation_index()
    amount = (index_value * ctx.input.indices).quantize(CENT)
    due_on = add_months(local_date(ctx.now), PAY_WITHIN_MONTHS)
    assert ctx.head is not None
    return {
        "fine": f"FN-{case.number}-{ctx.head.seq + 1}",
        "person": ctx.input.person,
        "verdict": ctx.input.verdict,
        "office": office.code if office else None,
        "office_basis": basis,
        "territory_path": office.territory.path if office else case.territory_path,
        "indices": ctx.input.indices,
        "index_value": money(index_value),
        "amount": money(amount),
        "due_on": due_on.isoformat(),
        "instalments": [{"due_on": due_on.isoformat(), "amount": money(amount)}],
    }


@reaction("courts.verdict.enter_into_force")
def open_from_verdict(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """Each convict fined by the verdict gets an enforcement file."""
    from icjis.courts.models import VerdictDefendant

    if ctx.case is None or data.get("stage") != "execution":
        return
    rows = VerdictDefendant.objects.filter(
        verdict_id=data["verdict"],
        person_id__in=data["persons"],  # those it entered into force for now (CPC 426(3))
        outcome="convicted",
        sentence_kind="fine",
    ).order_by("person_id", "id")
    for row in rows:
        if row.amount is None:
            continue
        yield Reaction(
            "fines.file.open",
            {"person": row.person_id, "verdict": data["verdict"], "indices": int(row.amount)},
            ctx.case.number,
        )


# --- opening a file from a decision of the register of offences --------------------------------


class OpenOffenceIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    person: str = pydantic.Field(min_length=1, max_length=16)
    units: int = pydantic.Field(ge=1, le=25_000, description="calculation units")
    territory_path: str = pydantic.Field(min_length=1, max_length=255)
    within_days: int = pydantic.Field(ge=1, le=366)
    reduced_share: Decimal | None = pydantic.Field(default=None, gt=0, lt=1)


def _offence_stream(data: Any) -> str:
    return f"offence/{data.offence}"


def _apply_open_offence(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    reduced = data["reduced_amount"]
    f = _create_file(
        event,
        data,
        source="offence",
        source_ref=data["offence"],
        reduced_amount=Decimal(reduced) if reduced else None,
        reduced_until=date.fromisoformat(data["due_on"]) if reduced else None,
    )
    return {
        "fine": f.id,
        "person": f.person_id,
        "amount": data["amount"],
        "reduced_amount": reduced,
        "due_on": data["due_on"],
        "office": data["office"],
    }


@act_kind(
    "fines.file.open_offence",
    schema=OpenOffenceIn,
    roles=("system",),
    legal_basis="CoO 563(1), (5)-(6); CEC 30(1)",
    target="stream",
    stream_for=_offence_stream,
    apply=_apply_open_offence,
    title="Open an enforcement file for a fine of the register of offences",
)
def open_offence_file(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a decision of the register of offences imposes a fine: the
    file goes to the enforcement office of the person's residence (else of the offence's place),
    the sum is the calculation units times the value of one, due within 30 days of the decision
    (CoO 563(1)); where the code reduces a fine paid within them, the reduced sum is owed if paid
    by then (563(5)-(6))."""
    data = ctx.input
    person = Person.objects.select_related("residence").filter(pk=data.person).first()
    if person is None:
        raise NotFound(say("There is no person %(person)s in the index.", person=data.person))
    office, basis = execution_office(person, data.territory_path, "enforcement_office")
    index_value = calculation_index()
    amount = (index_value * data.units).quantize(CENT)
    reduced = (amount * data.reduced_share).quantize(CENT) if data.reduced_share else None
    due_on = local_date(ctx.now) + timedelta(days=data.within_days)
    # A decision the prosecutor cancelled may be followed by a new fine: a file of its own.
    earlier = FineFile.objects.filter(source="offence", source_ref=data.offence).count()
    return {
        "fine": f"FN-{data.offence}" + (f"-{earlier + 1}" if earlier else ""),
        "offence": data.offence,
        "person": data.person,
        "office": office.code if office else None,
        "office_basis": basis,
        "territory_path": office.territory.path if office else data.territory_path,
        "indices": data.units,
        "index_value": money(index_value),
        "amount": money(amount),
        "reduced_amount": money(reduced) if reduced is not None else None,
        "due_on": due_on.isoformat(),
        "instalments": [{"due_on": due_on.isoformat(), "amount": money(amount)}],
    }


@reaction("offences.decision.make")
def open_from_offence(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """A decision imposing a fine opens its enforcement file."""
    payable = data.get("payable")
    if not payable:
        return
    yield Reaction(
        "fines.file.open_offence",
        {
            "offence": data["offence"],
            "person": payable["person"],
            "units": data["penalty"]["amount"],
            "territory_path": payable["territory_path"],
            "within_days": payable["within_days"],
            "reduced_share": payable["reduced_share"],
        },
    )


class FollowAppealIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    outcome: Literal["suspended", "upheld", "quashed"]
    due_in_days: int | None = pydantic.Field(default=None, ge=1, le=366)


def _apply_follow_appeal(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    f = FineFile.objects.get(pk=data["fine"])
    f.state = data["state"]
    if data["state"] == "cancelled":
        f.closed_at = event.recorded_at
    if data["due_on"]:
        f.due_on = date.fromisoformat(data["due_on"])
        _schedule(f, data["instalments"], f.paid, event.seq)
    f.save(update_fields=["state", "closed_at", "due_on"])
    return {"fine": f.id, "state": f.state, "due_on": data["due_on"], "refund": data["refund"]}


@act_kind(
    "fines.file.follow_appeal",
    schema=FollowAppealIn,
    roles=("system",),
    legal_basis="CoO 549(1), 553(1), 563(1); 452(3)(5)",
    target="stream",
    stream_for=_offence_stream,
    apply=_apply_follow_appeal,
    title="Follow an appeal against a fine of the register of offences",
)
def follow_appeal(ctx: Context) -> dict[str, Any]:
    """Performed by the system as an appeal against a fine of the register of offences runs: a
    complaint against the police's fine suspends its enforcement until the court decides
    (CoO 549(1)); upheld, the fine is paid within 15 days (563(1)); quashed — by the court, or
    the decision cancelled by the prosecutor (452(3)(5)) —, the file is cancelled and what was
    paid is to be returned (553(1))."""
    outcome = ctx.input.outcome
    f = _appealed_file(ctx.input.offence, outcome)
    if f is None:  # the reactions ask only for a file the step concerns
        raise Conflict(
            say(
                "No fine of offence case %(offence)s follows this appeal.",
                offence=ctx.input.offence,
            )
        )
    state = {"suspended": "suspended", "upheld": "open", "quashed": "cancelled"}[outcome]
    due_on = None
    if outcome == "upheld" and ctx.input.due_in_days:
        due_on = local_date(ctx.now) + timedelta(days=ctx.input.due_in_days)
    balance = f.amount - f.paid
    return {
        "fine": f.id,
        "state": state,
        "due_on": due_on.isoformat() if due_on else None,
        "instalments": [{"due_on": due_on.isoformat(), "amount": money(balance)}] if due_on else [],
        "refund": money(f.paid) if outcome == "quashed" else None,
    }


# Which files an appeal's step concerns, by their state: a complaint suspends an open file; a
# ruling upholding the fine reopens it (or gives an open one its 15 days); quashing it cancels
# it, paid or not.
FOLLOWED = {
    "suspended": ("open",),
    "upheld": ("open", "suspended"),
    "quashed": ("open", "suspended", "paid"),
}


def _appealed_file(offence: str, outcome: str) -> FineFile | None:
    return FineFile.objects.filter(
        source="offence", source_ref=offence, state__in=FOLLOWED[outcome]
    ).first()


@reaction("offences.decision.appeal")
def suspend_on_appeal(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    if data.get("suspends") and _appealed_file(data["offence"], "suspended") is not None:
        yield Reaction(
            "fines.file.follow_appeal", {"offence": data["offence"], "outcome": "suspended"}
        )


@reaction("offences.decision.cancel")
def cancel_with_the_decision(
    ctx: Context, event: Event, data: dict[str, Any]
) -> Iterator[Reaction]:
    """The prosecutor's cancellation of the decision cancels its fine, as a quashing does, and
    what was paid is to be returned (CoO 452(3)(5), 553(1))."""
    if _appealed_file(data["offence"], "quashed") is not None:
        yield Reaction(
            "fines.file.follow_appeal", {"offence": data["offence"], "outcome": "quashed"}
        )


@reaction("offences.appeal.decide")
def follow_appeal_decision(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    if _appealed_file(data["offence"], data["outcome"]) is not None:
        yield Reaction(
            "fines.file.follow_appeal",
            {
                "offence": data["offence"],
                "outcome": data["outcome"],
                "due_in_days": data.get("fine_due_in_days"),
            },
        )


# --- acts on a file (found by its id, whatever its source) ----------------------------------


def _file_stream(data: Any) -> str:
    stream = FineFile.objects.filter(pk=data.fine).values_list("stream", flat=True).first()
    if stream is None:
        raise NotFound(
            say("There is no fine %(fine)s, or it is not visible to you.", fine=data.fine)
        )
    return stream


def _file(ctx: Context, fine_id: str, suspended: bool = False) -> FineFile:
    """The file, locked through its stream, if the officer's office keeps it; with `suspended`,
    also one suspended while an appeal runs (a voluntary payment is no enforcement)."""
    f = FineFile.objects.filter(pk=fine_id).first()
    system = getattr(ctx.user, "is_system", False)
    if f is None or (not system and f.office_id != ctx.user.unit_id):
        raise NotFound(say("There is no fine %(fine)s, or it is not visible to you.", fine=fine_id))
    if f.case_id:
        ctx.case = Case.objects.get(pk=f.case_id)
    if f.state == "paid":
        raise Conflict(say("Fine %(fine)s is paid in full and closed.", fine=f.id))
    if f.state != "open" and not (suspended and f.state == "suspended"):
        raise Conflict(say("Fine %(fine)s is not to be enforced now.", fine=f.id))
    return f


class PaymentIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    fine: str = pydantic.Field(min_length=3, max_length=48)
    amount: Money = pydantic.Field(description="som, two decimals")  # type: ignore[valid-type]
    reference: str = pydantic.Field(default="", max_length=120, description="receipt or bank ref")


def _apply_payment(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    f = FineFile.objects.get(pk=data["fine"])
    Payment.objects.create(
        id=data["payment"],
        file=f,
        amount=Decimal(data["amount"]),
        reference=data["reference"],
        recorded_at=event.recorded_at,
        recorded_by=event.actor,
    )
    f.paid = Decimal(data["paid"])
    if data["closes_file"]:
        f.state, f.closed_at = "paid", event.recorded_at
    f.save(update_fields=["paid", "state", "closed_at"])
    _note_on_case(f)
    if data["case_closed"] and f.case_id:
        close_case(f.case_id, event.recorded_at)
    return {
        "payment": data["payment"],
        "fine": f.id,
        "paid": data["paid"],
        "balance": data["balance"],
        "closed": data["closes_file"],
        "case_closed": data["case_closed"],
    }


@act_kind(
    "fines.payment.record",
    schema=PaymentIn,
    roles=(OFFICER,),
    legal_basis="CC 65; CEC 59(1)",
    target="stream",
    stream_for=_file_stream,
    apply=_apply_payment,
    title="Record a payment of a fine",
)
def record_payment(ctx: Context) -> dict[str, Any]:
    """Records a payment towards a fine (in som): partial payments are accepted; a payment above
    what remains owed is refused; the payment that completes the sum closes the file and, when
    nothing else remains to be served in the case, the case (CC 65; CEC 59(1)). A fine of the
    register of offences paid within its 30 days owes the reduced sum where the code reduces it
    (CoO 563(5)-(6))."""
    f = _file(ctx, ctx.input.fine, suspended=True)
    amount = Decimal(ctx.input.amount).quantize(CENT)
    if amount <= 0:
        raise Invalid(
            say("A payment is a positive sum in som, e.g. 1500.00."),
            fields={"amount": gettext_noop("not positive")},
        )
    owed = owed_now(f, local_date(ctx.now))
    balance = owed - f.paid
    if amount > balance:
        raise Conflict(
            say(
                "Fine %(fine)s has %(balance)s som left to pay; a payment of %(amount)s would "
                "overpay it. Record the sum owed and refund the rest.",
                fine=f.id,
                balance=money(balance),
                amount=money(amount),
            )
        )
    paid = f.paid + amount
    closes = paid == owed
    assert ctx.head is not None
    return {
        "payment": f"{f.id}-P{ctx.head.seq + 1}",
        "fine": f.id,
        "person": f.person_id,
        "amount": money(amount),
        "reference": ctx.input.reference.strip(),
        "paid": money(paid),
        "balance": money(owed - paid),
        "closes_file": closes,
        "case_closed": bool(closes and f.case_id and closes_case(f.case_id, [f"fines:{f.id}"])),
    }


class InstalmentIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    due_on: date
    amount: Money  # type: ignore[valid-type]


class GrantIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    fine: str = pydantic.Field(min_length=3, max_length=48)
    instalments: list[InstalmentIn] = pydantic.Field(min_length=1, max_length=MAX_INSTALMENTS)
    grounds: str = pydantic.Field(min_length=3, max_length=2000)


def _apply_grant(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    f = FineFile.objects.get(pk=data["fine"])
    _schedule(f, data["instalments"], Decimal(data["paid_before"]), event.seq)
    return {"fine": f.id, "instalments": data["instalments"]}


@act_kind(
    "fines.instalments.grant",
    schema=GrantIn,
    roles=(OFFICER,),
    legal_basis="CC 65(5); CEC 59(1)",
    target="stream",
    stream_for=_file_stream,
    apply=_apply_grant,
    title="Grant payment by instalments",
)
def grant_instalments(ctx: Context) -> dict[str, Any]:
    """Records a schedule of instalments for what remains owed, with the grounds (the convict's
    means, CC 65(2)). The dates run forward from today and the last falls within the three
    months the law gives to pay (CEC 59(1); after them the fine is replaced, CC 65(5)); the
    amounts add up to the balance exactly. A new schedule replaces the old one."""
    f = _file(ctx, ctx.input.fine)
    today = local_date(ctx.now)
    rows = ctx.input.instalments
    previous: date | None = None
    for i, row in enumerate(rows):
        if row.due_on < today or (previous is not None and row.due_on <= previous):
            raise Invalid(
                say("Instalment dates run forward from today, each after the one before."),
                fields={f"instalments.{i}.due_on": gettext_noop("not after the previous")},
            )
        if row.due_on > f.due_on:
            raise Invalid(
                say(
                    "The fine must be paid by %(due_on)s, three months after the verdict entered "
                    "into force (CEC 59(1)); no instalment may fall later.",
                    due_on=f.due_on.isoformat(),
                ),
                fields={f"instalments.{i}.due_on": say("after %(day)s", day=f.due_on.isoformat())},
            )
        if Decimal(row.amount) <= 0:
            raise Invalid(
                say("Each instalment is a positive sum."),
                fields={f"instalments.{i}.amount": "≤ 0"},
            )
        previous = row.due_on
    balance = f.amount - f.paid
    total = sum((Decimal(r.amount) for r in rows), Decimal(0)).quantize(CENT)
    if total != balance:
        raise Invalid(
            say(
                "The instalments add up to %(total)s som; %(balance)s remains owed.",
                total=money(total),
                balance=money(balance),
            ),
            fields={"instalments": gettext_noop("sum differs from the balance")},
        )
    return {
        "fine": f.id,
        "grounds": ctx.input.grounds.strip(),
        "paid_before": money(f.paid),
        "instalments": [
            {"due_on": r.due_on.isoformat(), "amount": money(Decimal(r.amount))} for r in rows
        ],
        "granted_on": iso(ctx.now),
    }


projections.tables(Payment, Instalment, FineFile)
