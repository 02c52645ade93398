"""Projections of the courts (module F).

Sections: the investigating judge's preventive measures (petitions, measures in force, appeals
against the rulings). The trial court's tables come in their own section below.
"""

from __future__ import annotations

from django.db import models

# --- Investigating judge: preventive measures (CPC 104-116, 266) --------------------------------

MEASURES = ("undertaking", "electronic_monitoring", "bail", "house_arrest", "custody")
"""Preventive measures an investigating judge may be petitioned for, mildest first (CPC 104(2);
supervision by a military command and a child's supervision are not decided by the judge)."""

TERMED_MEASURES = ("house_arrest", "custody")
"""Measures ordered for a term of at most 2 months at a time (CPC 115(1))."""

CONSENT_NEEDED = ("bail", "house_arrest", "custody")
"""Measures the investigator petitions for only with the prosecutor's consent (CPC 106(3));
extensions of custody and house arrest too (CPC 115(2))."""


class Petition(models.Model):
    """An investigator's petition to the investigating judge for a preventive measure for a
    suspect or accused (CPC 106(3)) or for extending custody or house arrest (CPC 115(2)-(3)),
    with the prosecutor's consent where the law asks it, and the judge's ruling on it (CPC 266).
    Its id, `MP-<case>-<n>`, is recorded in the event that made it."""

    id = models.CharField(primary_key=True, max_length=40)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="petitions")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=24)
    months = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16)  # initial | extension
    extends = models.CharField(max_length=40, blank=True)  # the petition that ordered it
    grounds = models.TextField()
    state = models.CharField(max_length=16, db_index=True)  # submitted | consented | decided
    submitted_by = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    consent_by = models.CharField(max_length=64, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted = models.BooleanField(null=True, blank=True)
    ordered_measure = models.CharField(max_length=24, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "person", "state"], name="petition_case_person_idx"),
            models.Index(fields=["state", "submitted_at"], name="petition_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.measure}, {self.state})"


class Measure(models.Model):
    """A preventive measure ordered by the investigating judge for a person in a case, from the
    ruling that ordered it; an extension moves `until` (CPC 115(2)); a later ruling ordering
    another measure ends it (CPC 104(3): one measure at a time, 116). `counted_from` is when
    this stretch of custody began — the hour of detention where the ledger records one
    (CPC 115(5)-(6)) — and is what the one-year cap adds up (CPC 115(7), (11))."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="measures")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=24)
    petition = models.OneToOneField(Petition, on_delete=models.PROTECT, related_name="ordered")
    last_petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="+")
    ordered_from = models.DateTimeField()
    counted_from = models.DateTimeField()
    until = models.DateField(null=True, blank=True)  # the last day, to 24:00 local time
    extensions = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=16, default="active")  # active | ended
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "person", "state"], name="measure_case_person_idx"),
            models.Index(fields=["state", "until"], name="measure_state_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} of {self.person_id} in {self.case_id} until {self.until}"


class MeasureAppeal(models.Model):
    """An appeal against the investigating judge's ruling on a measure, filed within 5 days
    (CPC 106(7), 115(8), 266(10)). It does not suspend the ruling."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="appeals")
    filed_by = models.CharField(max_length=64)
    filed_role = models.CharField(max_length=32)
    filed_at = models.DateTimeField()
    grounds = models.TextField()
    start_seq = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"appeal by {self.filed_by} against {self.petition_id}"
