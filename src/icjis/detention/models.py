"""Temporary detention (module B): the register of detainees of the temporary detention
facilities (IVS), their medical examinations, personal effects, placements and movements,
releases and complaints; and the facilities' cells.

Everything here but `Cell` is a projection of the case streams (`detention.*` acts): ids are
taken from the events ("D-<case>-<seq of the arrest>"), so a replay rebuilds the same rows.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from icjis.legal.models import Deadline

HELD = ("arrested", "admitted", "away")
"""A detention is open until release: taken by the investigator (`arrested`), in the facility
(`admitted`) or out of it for a while under escort (`away`)."""
IN_FACILITY = ("admitted", "away")
"""Detainees who occupy a place in the facility (a detainee away at court keeps the place)."""
LIMIT_RULES = ("detention.release", "detention.release.child", "custody.term")
"""The term that ends the lawful holding: 48 h / 24 h for a child without a custody order
(CPC 100(2)), or the term ordered by the investigating judge (CPC 115(1))."""
COURT_RULES = ("detention.court", "detention.court.child")
"""Bringing the detainee before the court: 45 h / 21 h for a child (CPC 97(5))."""
RECORD_RULE = "detention.record_to_prosecutor"
"""The copy of the detention record to the prosecutor within 12 h (CPC 97(4))."""


class Cell(models.Model):
    """A cell of a detention facility and the number of places in it. Reference data kept by
    the facility (not a projection); `code` ("GB-IVS-07") is what events record."""

    code = models.CharField(primary_key=True, max_length=48)
    facility = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="cells")
    number = models.CharField(max_length=8)
    capacity = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "number"], name="cell_number_unique")
        ]

    def __str__(self) -> str:
        return self.code


def _term(rules: tuple[str, ...] | str, field: str, now: datetime) -> Subquery:
    """The open term of `rules` for the detainee of the outer row, as a correlated subquery."""
    rule_q = Q(rule__in=rules) if isinstance(rules, tuple) else Q(rule=rules)
    terms = (
        Deadline.objects.with_state(now)
        .filter(rule_q, case=OuterRef("case_id"), subject=OuterRef("person_id"), state="running")
        .order_by("due_at", "rule")
    )
    return Subquery(terms.values(field)[:1])


class DetentionQuerySet(models.QuerySet["Detention"]):
    def held(self) -> QuerySet[Detention]:
        return self.filter(status__in=HELD)

    def with_clock(self, now: datetime) -> QuerySet[Detention]:
        """Annotate each detention with its custody clock, read from the running deadlines of the
        detainee in the case (legal.Deadline, subject = the person): `limit_*` the term that ends
        the holding, `court_due` the court term, `record_due` the copy to the prosecutor. All
        correlated subqueries, so a whole list is still ONE query."""
        return self.annotate(
            limit_rule=_term(LIMIT_RULES, "rule", now),
            limit_article=_term(LIMIT_RULES, "article", now),
            limit_due=_term(LIMIT_RULES, "due_at", now),
            limit_warn=_term(LIMIT_RULES, "warn_at", now),
            limit_state=_term(LIMIT_RULES, "current_state", now),
            court_due=_term(COURT_RULES, "due_at", now),
            court_state=_term(COURT_RULES, "current_state", now),
            record_due=_term(RECORD_RULE, "due_at", now),
            record_state=_term(RECORD_RULE, "current_state", now),
        )

    def soonest_first(self) -> QuerySet[Detention]:
        return self.order_by(F("limit_due").asc(nulls_last=True), "detained_at", "id")


class Detention(models.Model):
    """One detention of a suspect in a case, from the hour of actual detention to release:
    the detention record (CPC 97(1)-(2): time to the minute, place, grounds), admission to the
    facility (CPC 101(1)), placement, movements and release (CPC 100). `recorded_at` is when
    the system recorded the arrest; `late_record` flags a gap of more than 3 hours."""

    id = models.CharField(primary_key=True, max_length=40)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="detentions")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    start_seq = models.PositiveBigIntegerField()
    detained_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    late_record = models.BooleanField(default=False)
    place = models.CharField(max_length=500)
    grounds = models.TextField()
    arrested_by = models.CharField(max_length=64)
    facility = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cell = models.ForeignKey(
        Cell, null=True, blank=True, on_delete=models.PROTECT, related_name="detentions"
    )
    status = models.CharField(max_length=16, db_index=True)  # arrested|admitted|away|released
    away_purpose = models.CharField(max_length=16, blank=True)  # court|investigation|hospital
    admitted_at = models.DateTimeField(null=True, blank=True)
    exam_due = models.BooleanField(default=False)  # CPC 44(6): on every delivery to the facility
    released_at = models.DateTimeField(null=True, blank=True)
    release_grounds = models.CharField(max_length=32, blank=True)
    release_note = models.TextField(blank=True)
    released_by = models.CharField(max_length=64, blank=True)

    objects = DetentionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person"],
                condition=~Q(status="released"),
                name="detention_one_open_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["facility", "status"], name="detention_facility_idx"),
            models.Index(fields=["case", "person"], name="detention_case_person_idx"),
            models.Index(fields=["status", "detained_at"], name="detention_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class Movement(models.Model):
    """A line of the facility's movement book: arrest, admission, cell placement or move,
    departure (court, investigative action, hospital), return, release."""

    detention = models.ForeignKey(Detention, on_delete=models.PROTECT, related_name="movements")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=16)  # arrest|admit|cell_move|depart|return|release
    cell = models.ForeignKey(
        Cell, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=32, blank=True)
    by = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["detention", "seq"], name="movement_unique")]

    def __str__(self) -> str:
        return f"{self.detention_id} {self.kind} at {self.at}"


class MedicalExam(models.Model):
    """A medical examination of a detainee by the facility's medic — on admission and on every
    return to the facility (CPC 44(6), 59(5) of the Constitution); injuries are reported to the
    prosecutor."""

    detention = models.ForeignKey(Detention, on_delete=models.PROTECT, related_name="exams")
    seq = models.PositiveBigIntegerField()
    examined_at = models.DateTimeField()
    examined_by = models.CharField(max_length=64)
    occasion = models.CharField(max_length=16)  # admission | return | other
    injuries = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["detention", "seq"], name="exam_unique")]

    def __str__(self) -> str:
        return f"exam of {self.detention_id} at {self.examined_at}"


class EffectsItem(models.Model):
    """A personal effect taken into keeping on admission (CPC 98: personal search), returned on
    release."""

    detention = models.ForeignKey(Detention, on_delete=models.PROTECT, related_name="effects")
    seq = models.PositiveBigIntegerField()
    line = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=64)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["detention", "seq", "line"], name="effects_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description} ({self.detention_id})"


class Complaint(models.Model):
    """A detainee's complaint, recorded by the facility and sent on at once (CPC 97(7));
    a complaint of violence calls for a medical examination (CPC 44(6))."""

    detention = models.ForeignKey(Detention, on_delete=models.PROTECT, related_name="complaints")
    seq = models.PositiveBigIntegerField()
    filed_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=64)
    text = models.TextField()
    about_violence = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["detention", "seq"], name="complaint_unique")
        ]

    def __str__(self) -> str:
        return f"complaint in {self.detention_id} at {self.filed_at}"
