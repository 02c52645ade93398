"""Fingerprints (module E): the prints of suspects and the accused, and 1:N searches of them.

The investigator of the case — or the temporary detention facility, for a person it holds in
the case — takes the prints of a suspect or an accused (CPC 44(3)(2), 46(3)(3)): up to ten
fingers, each an image at 500 ppi under its ANSI/NIST finger position. Each image and its
template (`evidence.afis`) are kept under their SHA-256 (`documents.StoredFile`); the event names
them by it — biometric data never travels with the event (the timeline, the feed, NATS) — and a
replay rebuilds the same rows from the stored template without NBIS. A print too poor to read is
refused with its finger named, to be taken again while the person is there.

Every card taken is searched against the whole register (an identity search: is this person
known under another name?), and the investigator may search a latent print lifted in the case,
named by the evidence item it came from (whose is it?), or the prints of an unidentified body
(CPC 174(3): who was it?). The act only queues a search; the job
`evidence.prints.search` does the comparisons — a search of a national register takes longer
than a request may — and the system records what it found on the case's stream: the persons
whose prints match, the fingers and the best score — not the other cases their prints were
taken in. A card matching another person's prints alerts the investigator and the head of the
unit; a latent search's end alerts the investigator. A match is a lead for a dactyloscopic
expertise, not an identification.

Read by whoever reads the whole case file (`evidence.access`); the images and templates are
never served, only what they are of and what the searches found.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import pydantic
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_noop

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER, of_whole_files
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.jobs import periodic
from icjis.core.models import CaseParticipant, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal, say
from icjis.detention.models import HELD, Detention
from icjis.documents import files
from icjis.evidence import afis
from icjis.evidence.models import (
    Item,
    PrintCard,
    PrintImpression,
    PrintSearch,
    PrintSearchLease,
)
from icjis.registry.acts import case_of
from icjis.registry.common import require_assigned, require_stage

log = logging.getLogger("icjis.evidence.prints")

FINGERS = (
    "right_thumb",
    "right_index",
    "right_middle",
    "right_ring",
    "right_little",
    "left_thumb",
    "left_index",
    "left_middle",
    "left_ring",
    "left_little",
)
"""The ANSI/NIST finger positions 1-10, in their order."""
PRE_TRIAL = ("pre_investigation", "investigation")
PRINTED = ("suspect", "accused")
"""Those the law obliges to give their prints (CPC 44(3)(2), 46(3)(3))."""
MAX_IMAGE = 1_000_000
"""Bytes of one image: a 500 ppi print is a few hundred kilobytes as PNG."""
MAX_CANDIDATES = 10
BATCH = 5
"""Searches done in one pass of the worker, at most ..."""
PASS_SECONDS = 20.0
"""... and none started after this long, so that the worker's other duties (the outbox, the
terms) wait no longer for the searches."""
LEASE = timedelta(minutes=10)
"""How long a worker's claim on a search holds (a failed search is tried again after it)."""

Image = Annotated[
    str,
    pydantic.Field(
        min_length=8,
        max_length=4 * MAX_IMAGE // 3 + 4,
        description="the image of the print, 500 ppi, PNG or JPEG, base64",
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/png"},
    ),
]
PersonId = Annotated[
    str, pydantic.Field(min_length=1, max_length=16, description="person id in the case")
]


def _image(field: str, text: str) -> tuple[bytes, afis.Template]:
    """The bytes of an image given in base64, and its template; a refusal names the field.
    Nothing is stored: every image of an act is read before any is kept."""
    raw = files.image_bytes(field, text, MAX_IMAGE)
    try:
        return raw, afis.template_of(raw)
    except afis.Unreadable:
        raise Invalid(
            say(
                "The print could not be used: it is no image of a finger at 500 ppi, or too few "
                "of its ridge details can be seen. Take it again."
            ),
            fields={field: gettext_noop("unusable print")},
        ) from None


# --- taking the prints --------------------------------------------------------------------------


class TakePrints(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId
    right_thumb: Image | None = None
    right_index: Image | None = None
    right_middle: Image | None = None
    right_ring: Image | None = None
    right_little: Image | None = None
    left_thumb: Image | None = None
    left_index: Image | None = None
    left_middle: Image | None = None
    left_ring: Image | None = None
    left_little: Image | None = None


def _apply_take(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    card = PrintCard.objects.create(
        id=data["card"],
        case=case,
        person_id=data["person"],
        seq=event.seq,
        taken_at=event.recorded_at,
        taken_by=event.actor,
        unit=event.actor_unit,
    )
    PrintImpression.objects.bulk_create(
        [
            PrintImpression(
                card=card,
                position=f["position"],
                image=f["image"],
                template=(iso := files.read(f["template"])),
                coarse=afis.trim(iso, data["coarse"]),
                minutiae=f["minutiae"],
            )
            for f in data["fingers"]
        ]
    )
    PrintSearch.objects.create(
        id=data["search"],
        case=case,
        kind="identity",
        card=card,
        requested_at=event.recorded_at,
        requested_by=event.actor,
        status="queued",
    )
    return {"card": card.id, "search": data["search"]}


@act_kind(
    "evidence.prints.take",
    schema=TakePrints,
    roles=("investigator", "ivs_officer"),
    legal_basis="CPC 44(3)(2), 46(3)(3)",
    apply=_apply_take,
    title="Take fingerprints",
)
def take(ctx: Context) -> dict[str, Any]:
    """Records the fingerprints of a suspect or an accused (CPC 44(3)(2), 46(3)(3)): an image of
    each finger taken, under its position. The investigator assigned to the case takes them,
    or the temporary detention facility holding the person in the case. A print that cannot be
    used is refused, its finger named. The card is then searched against the register."""
    assert ctx.case is not None and ctx.head is not None
    require_stage(ctx.case, PRE_TRIAL, gettext_noop("Taking fingerprints"))
    person = ctx.input.person
    if ctx.actor.role == "ivs_officer":
        held = Detention.objects.filter(
            case=ctx.case, person_id=person, status__in=HELD, facility_id=ctx.user.unit_id
        )
        if not held.exists():
            raise Forbidden(say("%(person)s is not held in your facility.", person=person))
    else:
        require_assigned(ctx, gettext_noop("take fingerprints"))
    if not CaseParticipant.objects.filter(
        case=ctx.case, person_id=person, role__in=PRINTED
    ).exists():
        raise Conflict(
            say(
                "%(person)s is neither a suspect nor an accused in this case; only they must "
                "give their fingerprints (CPC 44(3)(2), 46(3)(3)).",
                person=person,
            )
        )
    given = [(n, name, getattr(ctx.input, name)) for n, name in enumerate(FINGERS, start=1)]
    given = [(n, name, text) for n, name, text in given if text]
    if not given:
        raise Invalid(
            say("Give the image of at least one finger."),
            fields={"right_thumb": gettext_noop("required")},
        )
    read = [(position, *_image(name, text)) for position, name, text in given]
    fingers = [
        {
            "position": position,
            "image": files.store(raw, ctx.now),
            "template": files.store(template.iso, ctx.now),
            "minutiae": template.minutiae,
        }
        for position, raw, template in read
    ]
    seq = ctx.head.seq + 1
    return {
        "card": f"FP-{ctx.case.number}-{seq}",
        "search": f"FS-{ctx.case.number}-{seq}",
        "person": person,
        "fingers": fingers,
        "coarse": afis.COARSE,
    }


# --- a latent print -----------------------------------------------------------------------------


class LatentSearch(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    image: Image
    source: Literal["lifted_print", "unidentified_body"] = pydantic.Field(
        "lifted_print",
        description="a print lifted as a trace (CPC 173(1)), or taken of an unidentified body "
        "(174(3))",
    )
    item: str | None = pydantic.Field(
        None, max_length=48, description="the evidence item the print was lifted from"
    )
    note: str = pydantic.Field("", max_length=300, description="where and how the print was lifted")


def _apply_latent(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    iso = files.read(data["template"])
    PrintSearch.objects.create(
        id=data["search"],
        case=case_of(event),
        kind="body" if data.get("source") == "unidentified_body" else "latent",
        item=data["item"] or "",
        image=data["image"],
        template=iso,
        coarse=afis.trim(iso, data["coarse"]),
        minutiae=data["minutiae"],
        requested_at=event.recorded_at,
        requested_by=event.actor,
        status="queued",
    )
    return {"search": data["search"]}


@act_kind(
    "evidence.prints.latent",
    schema=LatentSearch,
    roles=("investigator",),
    legal_basis="CPC 173(1), 86(1), 174(3)",
    apply=_apply_latent,
    title="Search a latent fingerprint",
)
def latent(ctx: Context) -> dict[str, Any]:
    """Asks for a search of the register of prints with a print lifted in the case (at the
    scene, from an item seized: CPC 173(1), 86(1)), naming the item when there is one, or with
    a print taken of an unidentified body, to establish who it was (174(3)). The search is done
    by the system, which records the candidates it found."""
    assert ctx.case is not None and ctx.head is not None
    require_stage(ctx.case, PRE_TRIAL, gettext_noop("A fingerprint search"))
    require_assigned(ctx, gettext_noop("search a latent fingerprint"))
    item = ctx.input.item
    if item and not Item.objects.filter(pk=item, case=ctx.case).exists():
        raise Invalid(
            say("Item %(item)s is not an item of this case.", item=item),
            fields={"item": gettext_noop("unknown item")},
        )
    raw, template = _image("image", ctx.input.image)
    return {
        "search": f"FS-{ctx.case.number}-{ctx.head.seq + 1}",
        "source": ctx.input.source,
        "item": item or None,
        "note": ctx.input.note.strip(),
        "image": files.store(raw, ctx.now),
        "template": files.store(template.iso, ctx.now),
        "minutiae": template.minutiae,
        "coarse": afis.COARSE,
    }


# --- what a search found ------------------------------------------------------------------------


class Found(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(max_length=16)
    score: int = pydantic.Field(ge=0)
    fingers: list[int] = pydantic.Field(min_length=1, max_length=10)


class Complete(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    search: str = pydantic.Field(max_length=48)
    compared: int = pydantic.Field(ge=0)
    candidates: list[Found] = pydantic.Field(max_length=MAX_CANDIDATES)


def _apply_complete(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    search = PrintSearch.objects.select_related("card", "case__unit").get(pk=data["search"])
    PrintSearch.objects.filter(pk=search.pk).update(
        status="done",
        done_at=event.recorded_at,
        compared=data["compared"],
        candidates=data["candidates"],
    )
    case = search.case
    if search.kind == "identity":
        assert search.card is not None
        own = search.card.person_id
        others = [c for c in data["candidates"] if c["person"] != own]
        for n, c in enumerate(others, start=1):
            raise_alert(
                event,
                n,
                kind="evidence.prints.identity",
                unit=case.unit,
                roles=["investigator", "unit_head"],
                case=case,
                subject=own,
                message=say(
                    "The fingerprints of %(person)s taken in case %(case)s match those taken "
                    "of %(other)s (score %(score)s): establish who the person is, by an "
                    "expertise if need be, before anything else rests on it.",
                    person=own,
                    case=case.number,
                    other=c["person"],
                    score=c["score"],
                ),
            )
    else:
        done = (
            say(
                "The search of the unidentified body's prints %(search)s in case %(case)s is "
                "done: %(count)s candidate(s).",
                search=search.id,
                case=case.number,
                count=len(data["candidates"]),
            )
            if search.kind == "body"
            else say(
                "The search of the latent print %(search)s in case %(case)s is done: "
                "%(count)s candidate(s).",
                search=search.id,
                case=case.number,
                count=len(data["candidates"]),
            )
        )
        raise_alert(
            event,
            1,
            kind="evidence.prints.latent",
            unit=case.unit,
            roles=["investigator"],
            case=case,
            subject=search.id,
            message=done,
        )
    return {"search": search.id, "candidates": len(data["candidates"])}


@act_kind(
    "evidence.prints.found",
    schema=Complete,
    roles=("system",),
    legal_basis="CPC 44(3)(2), 46(3)(3), 173(1)",
    apply=_apply_complete,
    title="Record what a fingerprint search found",
)
def record_found(ctx: Context) -> dict[str, Any]:
    """Performed by the system (job `evidence.prints.search`): the candidates a search of the
    register of prints found, best first — each a person whose prints are in the register, the
    fingers that matched and the best score — and how many prints it compared. The cases the
    prints were taken in are not named: the case's readers need not read those."""
    assert ctx.case is not None
    data = ctx.input
    search = PrintSearch.objects.filter(pk=data.search, case=ctx.case).first()
    if search is None or search.status != "queued":
        raise Conflict(say("Search %(search)s is not waiting in this case.", search=data.search))
    named = {c.person for c in data.candidates}
    printed = set(PrintCard.objects.filter(person_id__in=named).values_list("person_id", flat=True))
    if named - printed:
        raise Invalid(say("%(person)s has no prints in the register.", person=min(named - printed)))
    return {
        "search": search.id,
        "compared": data.compared,
        "candidates": [c.model_dump() for c in data.candidates],
    }


def _candidates(query: QuerySet[PrintImpression]) -> Any:
    for person, position, iso, coarse in query.values_list(
        "card__person_id", "position", "template", "coarse"
    ).iterator(chunk_size=2000):
        yield afis.Candidate((person, position), bytes(iso), bytes(coarse))


def run_search(search: PrintSearch) -> dict[str, Any]:
    """The comparisons of one search: a card's fingers each against the register's prints of the
    same finger, but the person's own (their earlier cards are no news); a latent print, or an
    unidentified body's, against every print. The candidates, per person, with the fingers that
    matched and the best score, best first."""
    probes: list[tuple[afis.Template, QuerySet[PrintImpression]]] = []
    everyone = PrintImpression.objects.order_by("card_id", "position")
    if search.kind == "identity":
        assert search.card is not None
        others = everyone.exclude(card__person_id=search.card.person_id)
        for f in PrintImpression.objects.filter(card=search.card).order_by("position"):
            template = afis.Template(bytes(f.template), bytes(f.coarse), f.minutiae)
            probes.append((template, others.filter(position=f.position)))
    else:
        template = afis.Template(bytes(search.template), bytes(search.coarse), search.minutiae)
        probes.append((template, everyone))
    per_person: dict[str, dict[int, int]] = defaultdict(dict)
    compared = 0
    for template, query in probes:
        counted = _Counted(_candidates(query))
        for (person, position), score in afis.search(template, counted):
            per_person[person][position] = max(score, per_person[person].get(position, 0))
        compared += counted.n
    ranked = sorted(per_person.items(), key=lambda pf: (-max(pf[1].values()), pf[0]))
    found = [
        {"person": person, "score": max(fingers.values()), "fingers": sorted(fingers)}
        for person, fingers in ranked[:MAX_CANDIDATES]
    ]
    return {"search": search.id, "compared": compared, "candidates": found}


class _Counted:
    """An iterable that counts what was drawn from it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.n = inner, 0

    def __iter__(self) -> Any:
        for x in self.inner:
            self.n += 1
            yield x


def claim(search: str, now: datetime) -> bool:
    """Claim `search` for this worker for `LEASE`; False if another worker holds it."""
    try:
        with transaction.atomic():
            lease = PrintSearchLease.objects.select_for_update().filter(pk=search).first()
            if lease is None:
                # Two workers claiming at once both find no row: the second insert fails.
                PrintSearchLease.objects.create(search=search, until=now + LEASE)
            elif lease.until > now:
                return False
            else:  # run out: the claim passes on, the row locked meanwhile
                PrintSearchLease.objects.filter(pk=search).update(until=now + LEASE)
    except IntegrityError:
        return False
    return True


@periodic("evidence.prints.search")
def do_searches() -> int:
    """Do the searches that wait, oldest first, a few per pass and none started after
    `PASS_SECONDS`; each is claimed first, so that workers running at once share them out, and
    recorded by the system. A search that fails is logged and tried again when its claim runs
    out; those behind it go on. Returns how many were done."""
    done = 0
    begun = time.perf_counter()
    now = clock.now()
    held = PrintSearchLease.objects.filter(until__gt=now).values("search")
    queued = PrintSearch.objects.filter(status="queued").exclude(pk__in=held)
    for search in queued.select_related("card").order_by("requested_at", "id")[:BATCH]:
        if time.perf_counter() - begun > PASS_SECONDS:
            break
        if not claim(search.id, now):
            continue
        started = time.perf_counter()
        try:
            result = run_search(search)
            acts.perform(SYSTEM_USER, "evidence.prints.found", result, case=search.case_id)
        except (Conflict, NotFound) as exc:  # recorded by another worker meanwhile
            log.info("search %s not recorded: %s", search.id, exc.message)
            continue
        except Refusal as exc:
            log.warning("search %s refused: %s", search.id, exc.message)
            continue
        except Exception:  # noqa: BLE001 - one search's failure must not stop the others
            log.exception("search %s failed; tried again in %s", search.id, LEASE)
            continue
        log.info(
            "fingerprint search %s: %s templates compared in %.1f s, %s candidate(s)",
            search.id,
            result["compared"],
            time.perf_counter() - started,
            len(result["candidates"]),
        )
        done += 1
    return done


# --- reading ------------------------------------------------------------------------------------


def visible_cards(user: Any) -> QuerySet[PrintCard]:
    """The cards `user` may read, each with its fingers' positions and counts of minutiae
    (`fingers`, in order; never the templates)."""
    fingers = PrintImpression.objects.order_by("position").only("card", "position", "minutiae")
    cards = PrintCard.objects.prefetch_related(Prefetch("fingers", queryset=fingers))
    return of_whole_files(user, cards)


def visible_searches(user: Any) -> QuerySet[PrintSearch]:
    """The searches `user` may read, without the latent print's template (never shown)."""
    return of_whole_files(user, PrintSearch.objects.defer("template", "coarse"))
