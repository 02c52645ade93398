"""Acts on the persons index: register a person, record where a person lives, merge two
records, undo a merge.

A merge never destroys a record: the merged person keeps its row, its history and its id, and
points at the survivor; `persons.unmerge` clears the pointer (Law on Personal Data: accuracy)."""

from __future__ import annotations

from typing import Any

import pydantic

from icjis.core import projections
from icjis.core.access import visible_persons
from icjis.core.acts import Context, act_kind
from icjis.core.models import DuplicateFlag, Event, Person
from icjis.core.persons import (
    PersonInput,
    check_residence,
    merge_chain,
    prepare_person,
    project_person,
)
from icjis.core.refusals import Conflict, NotFound, say

INDEX_ROLES = ("registrar", "investigator", "unit_head")


class RegisterPerson(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonInput


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    return {"person": project_person(data["person"], event.recorded_at)}


@act_kind(
    "persons.register",
    schema=RegisterPerson,
    roles=INDEX_ROLES,
    legal_basis="Law on personal data",
    target="new",
    apply=_apply_register,
    title="Register a person in the index",
)
def register_person(ctx: Context) -> dict[str, Any]:
    """Records a person in the persons index, flagging possible duplicates for review."""
    record = prepare_person(ctx.input.person, ctx.now.date())
    ctx.stream = f"person/{record['id']}"
    return {"person": record}


def _person_stream(data: Any) -> str:
    return f"person/{data.person}"


class RecordResidence(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    residence: str = pydantic.Field(
        min_length=2,
        max_length=32,
        description="place of residence: the code of a district or a region (KG-GB-LEN, KG-O)",
    )
    basis: str = pydantic.Field(
        min_length=3,
        max_length=300,
        description="what it rests on: a registration record, the person's statement …",
    )


def _apply_residence(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Person.objects.filter(pk=data["person"]).update(residence_id=data["residence"])
    return {"person": data["person"], "residence": data["residence"]}


@act_kind(
    "persons.residence.record",
    schema=RecordResidence,
    roles=(*INDEX_ROLES, "probation_officer", "prison_officer", "enforcement_officer"),
    legal_basis="CEC 30(1)-(2)",
    target="stream",
    stream_for=_person_stream,
    apply=_apply_residence,
    title="Record a person's place of residence",
)
def record_residence(ctx: Context) -> dict[str, Any]:
    """Records where a person lives (a district or a region), for a person in a case the user
    may read: a sentence without isolation and a fine are executed there (CEC 30(1)-(2)). The
    earlier residence stays in the person's history."""
    person = visible_persons(ctx.user).filter(pk=ctx.input.person).first()
    if person is None:
        raise NotFound(say("No such person, or the person is not visible to you."))
    if person.merged_into_id:
        raise Conflict(
            say(
                "%(person)s is merged into %(into)s; record the residence there.",
                person=person.pk,
                into=merge_chain(person)[-1].pk,
            )
        )
    check_residence(ctx.input.residence, field="residence")
    if person.residence_id == ctx.input.residence:
        raise Conflict(
            say(
                "%(person)s already lives in %(residence)s as recorded.",
                person=person.pk,
                residence=ctx.input.residence,
            )
        )
    return ctx.input.model_dump()


class MergePersons(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    into: str = pydantic.Field(min_length=1, max_length=16)
    reason: str = pydantic.Field(min_length=3, max_length=500)


class UnmergePerson(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16)
    reason: str = pydantic.Field(min_length=3, max_length=500)


def _apply_merge(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Person.objects.filter(pk=data["person"]).update(merged_into_id=data["into"])
    DuplicateFlag.objects.filter(person_id=data["person"], other_id=data["into"]).update(
        state="merged"
    )
    DuplicateFlag.objects.filter(person_id=data["into"], other_id=data["person"]).update(
        state="merged"
    )
    return {"person": data["person"], "into": data["into"]}


@act_kind(
    "persons.merge",
    schema=MergePersons,
    roles=("registrar", "unit_head"),
    legal_basis="Law on personal data (accuracy of records)",
    target="stream",
    stream_for=_person_stream,
    apply=_apply_merge,
    title="Merge two records of one person",
)
def merge_persons(ctx: Context) -> dict[str, Any]:
    """Marks one person record as the same person as another; reversible by persons.unmerge."""
    person = Person.objects.filter(pk=ctx.input.person).first()
    into = Person.objects.filter(pk=ctx.input.into).first()
    if person is None or into is None:
        raise NotFound(say("Both persons must be in the index."))
    if person.pk == into.pk:
        raise Conflict(say("A person cannot be merged into itself."))
    if person.merged_into_id:
        raise Conflict(
            say(
                "%(person)s is already merged into %(into)s; unmerge it first.",
                person=person.pk,
                into=person.merged_into_id,
            )
        )
    if into.merged_into_id:
        raise Conflict(
            say(
                "%(person)s is itself merged into %(into)s; merge into that one.",
                person=into.pk,
                into=into.merged_into_id,
            )
        )
    return ctx.input.model_dump()


def _apply_unmerge(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    previous = Person.objects.get(pk=data["person"]).merged_into_id
    Person.objects.filter(pk=data["person"]).update(merged_into_id=None)
    DuplicateFlag.objects.filter(person_id=data["person"], other_id=previous).update(state="open")
    DuplicateFlag.objects.filter(person_id=previous, other_id=data["person"]).update(state="open")
    return {"person": data["person"]}


@act_kind(
    "persons.unmerge",
    schema=UnmergePerson,
    roles=("registrar", "unit_head"),
    legal_basis="Law on personal data (accuracy of records)",
    target="stream",
    stream_for=_person_stream,
    apply=_apply_unmerge,
    title="Undo a merge",
)
def unmerge_person(ctx: Context) -> dict[str, Any]:
    """Undoes a merge: the record stands on its own again, its history untouched."""
    person = Person.objects.filter(pk=ctx.input.person).first()
    if person is None:
        raise NotFound(say("There is no such person in the index."))
    if not person.merged_into_id:
        raise Conflict(say("%(person)s is not merged into anyone.", person=person.pk))
    return ctx.input.model_dump()


projections.tables(DuplicateFlag)
