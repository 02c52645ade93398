"""Acts — the only way to change anything.

An act kind is declared once (`@act_kind`): its name, input schema, the roles that may perform it,
how it finds its stream, its preconditions (`decide`, which returns the data to record), the
legal basis, a projector (`apply`) and its reactions. `perform` runs them in ONE transaction:
authorise → validate → lock the stream → decide → append → project (+ deadlines) → reactions →
outbox. A refusal raises and nothing is written; a retry with the same idempotency key returns
the first answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_noop

from icjis.core import clock, projections
from icjis.core.canonical import dumps, iso, sha256_hex
from icjis.core.ledger import Actor, append, lock_head
from icjis.core.models import Case, Event, StreamHead
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal, say

Target = Literal["case", "new", "stream"]
MAX_REACTION_DEPTH = 6


@dataclass
class Context:
    """What `decide` sees: who acts, the validated input, the locked case or stream."""

    user: Any
    actor: Actor
    kind: ActKind
    input: Any
    now: datetime
    case: Case | None = None
    stream: str = ""
    head: StreamHead | None = None
    claimed_at: datetime | None = None
    # What the caller is told but the ledger must not keep (e.g. the receipt token in clear).
    extra_result: dict[str, Any] = field(default_factory=dict)
    # What `decide` hands to this act's own reactions without recording it (e.g. a draw's seed,
    # revealed by the reaction's event only after the commitment is in the ledger).
    carry: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reaction:
    """An act another act causes, performed by the system in the same transaction."""

    kind: str
    data: dict[str, Any]
    case: str | None = None


@dataclass
class Outcome:
    event: Event
    result: dict[str, Any]
    reactions: list[Outcome] = field(default_factory=list)
    stored: dict[str, Any] | None = None  # the first answer, when this is a replayed retry
    secret: frozenset[str] = frozenset()  # result keys told once and never stored

    def as_json(self, *, for_storage: bool = False) -> dict[str, Any]:
        """The answer to the caller; `for_storage` drops secrets (a receipt token in clear),
        which a retry then reports as withheld rather than keeping them in the database."""
        if self.stored is not None:
            return self.stored
        result = self.result
        if for_storage and self.secret:
            result = {k: v for k, v in result.items() if k not in self.secret}
            result["withheld"] = sorted(self.secret)
        return {
            "event": {
                "stream": self.event.stream,
                "seq": self.event.seq,
                "kind": self.event.kind,
                "recorded_at": iso(self.event.recorded_at),
                "hash": self.event.hash,
            },
            "result": result,
            "reactions": [r.as_json(for_storage=for_storage) for r in self.reactions],
        }


Decide = Callable[[Context], dict[str, Any]]
Apply = Callable[[Event, dict[str, Any]], dict[str, Any] | None]
React = Callable[[Context, Event, dict[str, Any]], Iterable[Reaction]]


@dataclass(frozen=True)
class ActKind:
    name: str
    title: str
    doc: str
    schema: type[pydantic.BaseModel]
    roles: frozenset[str]
    legal_basis: str
    target: Target
    decide: Decide
    apply: Apply | None
    reactions: tuple[React, ...] = ()
    stream_for: Callable[[Any], str] | None = None
    case_scope: str = "read"  # the access action the user needs on the case
    claimed_time: bool = False  # the act carries a real-world time (`claimed_at`)
    # Whether its event goes to the outbox (the event feed, NATS). An act recording what is
    # told to one person alone (a report of who accessed their record) is kept off it, as the
    # reads it reports are.
    outbox: bool = True


KINDS: dict[str, ActKind] = {}
# Reactions declared by the reacting module ("legal aid reacts to an arrest"), so a module can
# follow another's acts without editing it. Run after the act kind's own reactions.
SUBSCRIBED: dict[str, list[React]] = {}


def reaction(kind: str) -> Callable[[React], React]:
    """Declare that `fn(ctx, event, data)` yields Reactions whenever an act `kind` is performed."""

    def register(fn: React) -> React:
        SUBSCRIBED.setdefault(kind, []).append(fn)
        return fn

    return register


def act_kind(
    name: str,
    *,
    schema: type[pydantic.BaseModel],
    roles: Iterable[str],
    legal_basis: str,
    target: Target = "case",
    apply: Apply | None = None,
    reactions: Iterable[React] = (),
    stream_for: Callable[[Any], str] | None = None,
    title: str = "",
    claimed_time: bool = False,
    outbox: bool = True,
) -> Callable[[Decide], Decide]:
    """Declare an act kind; the decorated function is its `decide` step. Its docstring says what
    the act records and which article governs it."""

    def register(decide: Decide) -> Decide:
        if name in KINDS:
            raise RuntimeError(f"act kind {name} declared twice")
        KINDS[name] = ActKind(
            name=name,
            title=title or name,
            doc=(decide.__doc__ or "").strip(),
            schema=schema,
            roles=frozenset(roles),
            legal_basis=legal_basis,
            target=target,
            decide=decide,
            apply=apply,
            reactions=tuple(reactions),
            stream_for=stream_for,
            claimed_time=claimed_time,
            outbox=outbox,
        )
        projections.projector(name, apply)
        return decide

    return register


def carries_files(kind: ActKind) -> bool:
    """Whether the act takes files (a field its schema declares in base64: an image …)."""
    return _schema_has_files(kind.schema)


@cache
def _schema_has_files(schema: type[pydantic.BaseModel]) -> bool:
    # Once per schema: the field node asks of every act kind on every page it draws.
    return '"contentEncoding": "base64"' in json.dumps(schema.model_json_schema())


def catalogue() -> list[dict[str, Any]]:
    return [
        {
            "kind": k.name,
            "title": k.title,
            "description": k.doc,
            "roles": sorted(k.roles),
            "legal_basis": k.legal_basis,
            "target": k.target,
            "schema": k.schema.model_json_schema(),
        }
        for k in sorted(KINDS.values(), key=lambda k: k.name)
        if "system" not in k.roles or len(k.roles) > 1
    ]


def acting_role(user: Any, kind: ActKind) -> str:
    if getattr(user, "is_system", False):
        return "system"
    for role in user.roles:
        if role in kind.roles:
            return role
    raise Forbidden(say("Your role does not allow the act %(kind)s.", kind=kind.name))


def validate(kind: ActKind, data: Any) -> pydantic.BaseModel:
    """The act's data as its schema reads it, or `Invalid` naming the fields at fault."""
    if not isinstance(data, dict):
        raise Invalid(say("The act's data must be a JSON object."))
    try:
        return kind.schema.model_validate(data)
    except pydantic.ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "data"
            fields.setdefault(where, err["msg"])
        first = next(iter(fields.items()))
        # The schema's own words (pydantic's, in English) are a value; a page says the whole
        # sentence in the reader's language (web.refusals).
        raise Invalid(
            say("Check the field '%(field)s': %(problem)s.", field=first[0], problem=first[1]),
            fields=fields,
        ) from None


def _request_hash(kind: str, case: str | None, data: Any) -> str:
    return sha256_hex(dumps({"kind": kind, "case": case, "data": data}))


def perform(
    user: Any,
    kind_name: str,
    data: dict[str, Any],
    *,
    case: str | None = None,
    idempotency_key: str | None = None,
    claimed_at: datetime | None = None,
) -> Outcome:
    """Perform one act (and its reactions) in one transaction, or refuse and write nothing.
    `claimed_at`: when the act was done by another clock (a field node's), kept beside the
    server's unless the act claims a time of its own (the hour of a detention)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise Invalid(
            say(
                "There is no act called %(kind)s; see %(catalogue)s.",
                kind=repr(kind_name),
                catalogue="/api/v1/acts/catalogue",
            )
        )
    role = acting_role(user, kind)
    parsed = validate(kind, data)
    if kind.target == "case" and not case:
        raise Invalid(
            say("The act %(kind)s needs the case number.", kind=kind.name),
            fields={"case": gettext_noop("required")},
        )
    request_hash = _request_hash(kind.name, case, data)
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 128):
        raise Invalid(say("The idempotency key must be 1 to 128 characters."))
    try:
        with transaction.atomic():
            return _perform_locked(
                user, kind, role, parsed, case, idempotency_key, request_hash, claimed_at
            )
    except (IntegrityError, Refusal):
        # A retry of a keyed act is performed again and rolled back: its receipt collides with
        # the first answer's (unique actor and key), or the act is refused now that the first
        # has been recorded. Either way the first answer is returned, or a conflict when the key
        # was used for another act. The receipt is read only then, not before every keyed act.
        if idempotency_key is None:
            raise
        replay = _replay_receipt(user, idempotency_key, request_hash)
        if replay is None:
            raise
        return replay


def _replay_receipt(user: Any, key: str, request_hash: str) -> Outcome | None:
    # One plain query; the event is loaded only for a real retry.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT request_hash, response, event_id FROM core_actreceipt "
            'WHERE actor = %s AND "key" = %s',
            [user.username, key],
        )
        row = cur.fetchone()
    if row is None:
        return None
    if row[0] != request_hash:
        raise Conflict(say("This idempotency key was already used for a different act."))
    stored = json.loads(row[1])
    return Outcome(Event.objects.get(pk=row[2]), stored["result"], stored=stored)


def _keep_receipt(user: Any, key: str, request_hash: str, outcome: Outcome) -> None:
    """The answer to a keyed act, for its retries. A retry, or a concurrent first use of the same
    key, fails here on the unique (actor, key), and `perform` answers with the first receipt."""
    with connection.cursor() as cur:
        cur.execute(
            'INSERT INTO core_actreceipt (actor, "key", request_hash, event_id, response) '
            "VALUES (%s, %s, %s, %s, %s)",
            [
                user.username,
                key,
                request_hash,
                outcome.event.pk,
                dumps(outcome.as_json(for_storage=True)),
            ],
        )


def _perform_locked(
    user: Any,
    kind: ActKind,
    role: str,
    parsed: pydantic.BaseModel,
    case_number: str | None,
    idempotency_key: str | None,
    request_hash: str,
    claimed_at: datetime | None = None,
) -> Outcome:
    stream, head = "", None
    if kind.target == "case":
        stream = f"case/{case_number}"
        head, now = lock_head_existing(stream)
    elif kind.target == "stream":
        assert kind.stream_for is not None
        stream = kind.stream_for(parsed)
        head = lock_head(stream)
        now = clock.now()
    else:
        now = clock.now()
    ctx = Context(
        user=user,
        actor=Actor(
            username=user.username,
            agency=getattr(user, "agency_id", "") or "",
            unit=getattr(user, "unit_id", "") or "",
            role=role,
        ),
        kind=kind,
        input=parsed,
        now=now,
        stream=stream,
        head=head,
        claimed_at=claimed_at,
    )
    if kind.target == "case":
        from icjis.core.access import case_for_act

        ctx.case = case_for_act(user, case_number or "")
    outcome = _record(ctx, depth=0)
    if idempotency_key is not None:
        _keep_receipt(user, idempotency_key, request_hash, outcome)
    return outcome


def lock_head_existing(stream: str) -> tuple[StreamHead, datetime]:
    """Lock the head row of an existing stream (404 if there is none) and read the clock: the
    simulation offset, where there is one, comes in the same statement as the lock, so the time
    of the act costs no round trip of its own and is read once the stream is ours."""
    with_offset = clock.reads_offset()
    sql = "SELECT seq, hash" + (f", {clock.OFFSET_SQL}" if with_offset else "")
    params = []
    if settings.ACT_PLAN_CACHE_MODE:
        # PostgreSQL with prepared statements: the act's own plan mode from here to the end of
        # its transaction (settings: its statements are keyed by case and stream, and their
        # generic plans ran faster), set in this statement rather than in a round trip of its own.
        sql += ", set_config('plan_cache_mode', %s, true)"
        params.append(settings.ACT_PLAN_CACHE_MODE)
    sql += " FROM core_streamhead WHERE stream = %s"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, stream])
        row = cur.fetchone()
    if row is None:
        raise NotFound(say("No such case, or it is not visible to you."))
    head = StreamHead(stream=stream, seq=row[0], hash=row[1])
    head._state.adding = False
    head._state.db = connection.alias
    return head, clock.now(offset_us=(row[2] or 0) if with_offset else None)


def _record(ctx: Context, depth: int) -> Outcome:
    kind = ctx.kind
    data = kind.decide(ctx)  # preconditions; may set ctx.stream/head (new case), ctx.claimed_at
    if not ctx.stream:
        raise RuntimeError(f"{kind.name}: decide() chose no stream")
    if ctx.head is None:
        ctx.head = lock_head(ctx.stream)
    rule_pack = ctx.case.rule_pack if ctx.case is not None else data.get("rule_pack", "")
    event = append(
        ctx.stream,
        kind.name,
        data,
        ctx.actor,
        head=ctx.head,
        recorded_at=ctx.now,
        claimed_at=ctx.claimed_at,
        legal_basis=kind.legal_basis,
        rule_pack=rule_pack,
        outbox=outbox_rows(kind.name, clock.wall()) if kind.outbox else (),
    )
    result = projections.project(event, data)
    outcome = Outcome(event, {**result, **ctx.extra_result}, secret=frozenset(ctx.extra_result))
    for react in (*kind.reactions, *SUBSCRIBED.get(kind.name, ())):
        for caused in react(ctx, event, data):
            if depth >= MAX_REACTION_DEPTH:
                raise RuntimeError(f"reaction chain too deep at {caused.kind}")
            outcome.reactions.append(_react(ctx, caused, depth + 1))
    return outcome


def _react(parent: Context, reaction: Reaction, depth: int) -> Outcome:
    from icjis.core.access import SYSTEM_USER

    kind = KINDS[reaction.kind]
    parsed = validate(kind, reaction.data)
    ctx = Context(
        user=SYSTEM_USER,
        actor=Actor(username="system", role="system"),
        kind=kind,
        input=parsed,
        now=parent.now,
    )
    if kind.target == "case":
        number = reaction.case or (parent.case.number if parent.case else "")
        ctx.stream = f"case/{number}"
        ctx.head, _ = lock_head_existing(ctx.stream)  # the reaction keeps its parent's time
        ctx.case = Case.objects.get(number=number)
    elif kind.target == "stream":
        assert kind.stream_for is not None
        ctx.stream = kind.stream_for(parsed)
        ctx.head = lock_head(ctx.stream)
    return _record(ctx, depth)


def outbox_rows(kind: str, due: datetime) -> list[tuple[Any, ...]]:
    """The pending outbox rows of one event of `kind`, one per delivery target, as values for
    `ledger.OUTBOX_COLUMNS` after the event id: `append` writes them with the event, and the
    bulk seeder writes the same rows."""
    targets = ["feed"] + (["nats"] if settings.NATS_URL else [])
    return [(t, kind, "pending", 0, due, "", None, False) for t in targets]
