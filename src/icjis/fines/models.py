"""Projections of the fines module, rebuilt from the ledger.

An enforcement file is not tied to criminal cases: `source` says where the sum comes from (a
verdict now, a decision of the register of offences later), `stream` is the ledger stream its
acts are recorded in, and `case` is set only when it comes from a criminal case."""

from __future__ import annotations

from django.db import models


class FineFile(models.Model):
    """A pecuniary sanction being enforced by an enforcement office: the sum due, what has been
    paid, until when (CEC 59(1); CoO 563(1)); `state`: open | paid, and for a fine of the
    register of offences suspended while a complaint runs or cancelled when it is quashed."""

    id = models.CharField(primary_key=True, max_length=48)  # FN-<case>-<seq>
    source = models.CharField(max_length=16)  # verdict | offence
    source_ref = models.CharField(max_length=80)  # ECLI of the verdict, offence decision …
    stream = models.CharField(max_length=128, db_index=True)
    case = models.ForeignKey(
        "core.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory_path = models.CharField(max_length=255, db_index=True)
    indices = models.PositiveIntegerField(null=True, blank=True)  # calculation indices
    index_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    # A fine of the register of offences paid within its 30 days owes this instead (CoO 563(5)).
    reduced_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reduced_until = models.DateField(null=True, blank=True)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    state = models.CharField(max_length=16, default="open", db_index=True)
    opened_at = models.DateTimeField()
    due_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["office", "state"], name="fine_office_state_idx")]

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"


class Instalment(models.Model):
    """One part of the payment schedule. `cumulative` is what must have been paid in total by
    `due_on`; the instalment is in arrears when its day has passed and the file's `paid` is
    below it (computed at query time)."""

    file = models.ForeignKey(FineFile, on_delete=models.CASCADE, related_name="instalments")
    n = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    cumulative = models.DecimalField(max_digits=14, decimal_places=2)
    plan_seq = models.PositiveBigIntegerField()  # the event that set the schedule

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "n"], name="fine_instalment_unique")]

    def __str__(self) -> str:
        return f"{self.file_id} #{self.n} {self.amount} by {self.due_on}"


class Payment(models.Model):
    """A payment towards a file, as recorded by the enforcement officer."""

    id = models.CharField(primary_key=True, max_length=60)
    file = models.ForeignKey(FineFile, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=120, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.id} {self.amount}"
