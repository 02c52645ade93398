"""Projections of the probation module, rebuilt from the ledger.

Every id here (file, meeting, violation, referral, report request) is recorded in the event that
made it, so replaying the ledger rebuilds the same rows."""

from __future__ import annotations

from django.db import models

TYPES = ("pretrial", "executive", "penitentiary", "postpenitentiary")
"""The four types of probation (Law on Probation of 24.02.2017 No. 34)."""

ACTIVE, AWAITING, COMPLETED = "active", "awaiting_appearance", "completed"
RUNNING = (ACTIVE, AWAITING)
"""Files still being executed: a release under probation supervision awaits the convict's
appearance at the office before its period runs (CC 82(4); CEC 166(1)(1))."""

SERVED_TYPES = ("executive", "postpenitentiary")
"""Files that execute a sentence (or its remainder): the case is not closed while one is open."""


class ProbationFile(models.Model):
    """A person under the supervision of a probation office in a case: its type, where it came
        from (a verdict in force, a release on parole, or an officer's registration), the period and
        the supervision plan. `state`: awaiting_appearance (a release under probation supervision
    until the convict appears, CC 82(4)) | active | completed."""

    id = models.CharField(primary_key=True, max_length=48)  # PB-<case>-<seq>
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20)
    source = models.CharField(max_length=16)  # verdict | prison | officer
    source_ref = models.CharField(max_length=80, blank=True)  # ECLI, release event …
    sentence_kind = models.CharField(max_length=32, blank=True)
    hours = models.PositiveIntegerField(null=True, blank=True)  # community work
    office = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, db_index=True)
    officer = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(max_length=24, default="active", db_index=True)
    registered_at = models.DateTimeField()
    months = models.PositiveSmallIntegerField(null=True, blank=True)  # the period set
    appear_by = models.DateField(null=True, blank=True)  # CC 83(1)(1): ten days from force
    appeared_at = models.DateTimeField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)  # null until the appearance
    ends_on = models.DateField(null=True, blank=True)
    plan = models.JSONField(default=dict)  # {conditions: [...], meetings_per_month, set_at}
    violations = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_grounds = models.CharField(max_length=24, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "person", "state"], name="probation_case_person_idx"),
            models.Index(fields=["office", "state"], name="probation_office_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.type}, {self.state})"


class Meeting(models.Model):
    """A meeting of the supervised person with the office: scheduled, then attended, absent
    (recorded by the officer) or missed (found by the job once the day has passed)."""

    id = models.CharField(primary_key=True, max_length=60)  # <file>-M<n>
    file = models.ForeignKey(ProbationFile, on_delete=models.PROTECT, related_name="meetings")
    at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, default="scheduled", db_index=True)
    scheduled_by = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.id} {self.at} ({self.state})"


class Violation(models.Model):
    """A breach of the supervision requirements or probation duties (CC 83, 84(2))."""

    id = models.CharField(primary_key=True, max_length=60)
    file = models.ForeignKey(ProbationFile, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24)
    description = models.TextField()
    meeting = models.CharField(max_length=60, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.id} ({self.kind})"


class Referral(models.Model):
    """The office's submission to the court (CC 83(5), 84(2)-(4); CPC 432): to revoke
    supervision, change the duties, or cancel it early."""

    id = models.CharField(primary_key=True, max_length=60)
    file = models.ForeignKey(ProbationFile, on_delete=models.PROTECT, related_name="+")
    request = models.CharField(max_length=24)
    grounds = models.TextField()
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField()
    referred_by = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.id} ({self.request})"


class ReportRequest(models.Model):
    """A court's request for a pre-sentence probation report (CPC 280(4)), due by `due_at`;
    `state`: open | submitted. Missed at query time when open past `due_at`."""

    id = models.CharField(primary_key=True, max_length=60)  # RR-<case>-<seq>
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, db_index=True)
    hearing = models.CharField(max_length=60, blank=True)
    persons = models.JSONField(default=list)
    mandatory = models.JSONField(default=list)  # [{person, grounds: woman|child}]
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, default="open", db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=64, blank=True)
    late = models.BooleanField(default=False)
    summary = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"
