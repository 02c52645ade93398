"""Projections of the prisons module (module G), rebuilt from the ledger: the prison register
(expected admissions fed from verdicts in force, prisoners held, released), the sentence
calculations kept as evidence, movements between facilities, and the head-counts facilities
submit for reconciliation. Every identifier is recorded in the event that made the row."""

from __future__ import annotations

from django.db import models

EXPECTED, HELD, RELEASED, CANCELLED = "expected", "held", "released", "cancelled"
MERGED = "merged"
"""An expected entry ended because the court combined its sentence with one being served
(CC 79): `prisons.admission.merge`."""
OPEN_STATES = (EXPECTED, HELD)
"""Register entries still being executed in their case (see `core.execution`)."""


class Prisoner(models.Model):
    """One sentence of imprisonment in the prison register: a convicted person of a case whose
    verdict entered into force (CPC 426; CEC 74), first expected by the prison service of the
    case's region, then admitted to a facility (CEC 78), moved between facilities (CEC 75) and
    released on a ground of CEC 158-159. The register never holds a person twice at once:
    at most one `held` row per person (a database constraint)."""

    id = models.CharField(primary_key=True, max_length=48)  # PR-<case>-<seq>
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=60)  # ECLI
    state = models.CharField(max_length=16, db_index=True)  # expected|held|released|merged
    expected_unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, db_index=True)  # the case's territory
    sentence = models.JSONField(default=dict)  # months, regime, article, part, code, category
    in_force_at = models.DateTimeField()
    in_custody = models.BooleanField(default=False)  # held when the verdict entered into force
    expected_at = models.DateTimeField()
    admitted_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True, db_index=True)
    parole_date = models.DateField(null=True, blank=True)
    manual_reason = models.CharField(max_length=500, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_grounds = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state="held"),
                name="prisoner_held_once",
            )
        ]
        indexes = [
            models.Index(fields=["case", "state"], name="prisoner_case_state_idx"),
            models.Index(fields=["facility", "state"], name="prisoner_facility_state_idx"),
            models.Index(fields=["expected_unit", "state"], name="prisoner_expected_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.person_id} ({self.state})"


class Calculation(models.Model):
    """A sentence calculation kept as evidence: its inputs (term, regime, category, start, days
    in temporary detention, in custody, under house arrest), the rule version, the results
    (release date, parole eligibility) and a human-readable breakdown. A recalculation adds a
    new row and marks the earlier one superseded; nothing is edited in place."""

    id = models.CharField(primary_key=True, max_length=64)  # <prisoner>#<n>
    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="calculations")
    n = models.PositiveSmallIntegerField()
    made_at = models.DateTimeField()
    reason = models.CharField(max_length=32)  # admission | appeal_modified | correction | manual
    method = models.CharField(max_length=16)  # rules | manual
    rule_version = models.CharField(max_length=64, blank=True)
    inputs = models.JSONField(default=dict)
    start_date = models.DateField()
    term_last_day = models.DateField(null=True, blank=True)
    release_date = models.DateField()
    parole_date = models.DateField(null=True, blank=True)
    credit_days = models.PositiveIntegerField(default=0)
    breakdown = models.JSONField(default=dict)  # {"en": [...], "ru": [...]}
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prisoner", "n"], name="calculation_prisoner_n")
        ]

    def __str__(self) -> str:
        return f"{self.id} release {self.release_date}"


class Movement(models.Model):
    """An entry in a prisoner's history: admission to a facility, transfer, release."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16)  # admission | transfer | release
    facility = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    from_facility = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField()
    seq = models.PositiveBigIntegerField()  # the event in the case stream

    def __str__(self) -> str:
        return f"{self.prisoner_id} {self.kind} {self.facility_id}"


class HeadCount(models.Model):
    """A head-count submitted by a facility (the persons present), set against the register at
    that moment: the counts and every name that differs, both ways."""

    id = models.CharField(primary_key=True, max_length=64)  # HC-<facility>-<seq>
    facility = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(db_index=True)
    submitted_by = models.CharField(max_length=64)
    counted = models.PositiveIntegerField()
    register_count = models.PositiveIntegerField()
    register_only = models.JSONField(default=list)  # [{person, name}]
    facility_only = models.JSONField(default=list)  # [{person?, name}]

    def __str__(self) -> str:
        return f"{self.id}: {self.counted} counted, {self.register_count} in the register"
