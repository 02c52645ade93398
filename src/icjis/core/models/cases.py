"""The shared case projection every module reads: header, officers, units, participants."""

from __future__ import annotations

from django.db import models

STAGES = (
    "registered",
    "pre_investigation",
    "investigation",
    "prosecution",
    "trial",
    "appeal",
    "execution",
    "closed",
)


class Case(models.Model):
    """A criminal case (from the registered report on), rebuilt from stream `case/<number>`."""

    number = models.CharField(primary_key=True, max_length=16)
    stage = models.CharField(max_length=24, db_index=True)
    legislation_set = models.CharField(max_length=16)
    rule_pack = models.CharField(max_length=32)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="cases")
    territory_path = models.CharField(max_length=255, db_index=True)
    registered_at = models.DateTimeField()
    last_movement_at = models.DateTimeField(db_index=True)
    summary = models.TextField(blank=True)
    article = models.CharField(max_length=16, blank=True)
    article_part = models.PositiveSmallIntegerField(null=True, blank=True)
    criminal_code = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=24, blank=True)
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="court_cases"
    )
    details = models.JSONField(default=dict)  # module-specific state (receipt, decisions …)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "stage"], name="case_unit_stage_idx"),
            # Reports still awaiting the decision to open a case, oldest first: the oversight
            # list reads them in this order (registry.oversight.undecided_reports), and at scale
            # a sort of every undecided report of a unit took half a second. The condition is
            # an OR, not IN: PostgreSQL prints it back in a form that builds the same index
            # again (the bulk seeder rebuilds indexes from their printed definitions), and it
            # serves a query's `stage IN (...)` all the same.
            models.Index(
                fields=["registered_at", "number"],
                name="case_undecided_idx",
                condition=models.Q(stage="registered") | models.Q(stage="pre_investigation"),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseOfficer(models.Model):
    """An official responsible for a case in a role (investigator, prosecutor, judge …)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="officers")
    username = models.CharField(max_length=64, db_index=True)
    role = models.CharField(max_length=32)
    since = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "role", "username"], name="case_officer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.username} in {self.case_id}"


class CaseUnit(models.Model):
    """A unit that holds a case in some capacity: registering, investigating, supervising,
    court, detention. `unit` read scopes look here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="units")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "unit", "capacity"], name="case_unit_unique")
        ]
        indexes = [models.Index(fields=["unit", "case"], name="caseunit_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} ({self.capacity}) in {self.case_id}"


class CaseParticipant(models.Model):
    """A person in a case in a procedural role (suspect, accused, victim, witness, applicant)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=24)
    since = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.person_id} in {self.case_id}"


class NumberCounter(models.Model):
    """The last register number given by a unit in a year. Locked while a number is taken, in
    the same transaction as the registration, so a rolled-back act leaves no gap."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="counter_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"
