"""Material evidence (module E): the items of a case and their chain of custody.

Both tables are projections of the case streams (`evidence.*` acts): an item's id is taken
from the event that recorded its seizure ("EV-<case>-<seq>"), and each link of the chain is the
event that made it, so a replay rebuilds the same rows. Nothing here is edited but by an act.
"""

from __future__ import annotations

from django.db import models

STATUSES = ("held", "in_transit", "disposed")
"""An item is held by one official, on its way to another (handed over, not yet received), or
disposed of under a decision (returned, destroyed, confiscated …)."""


class Item(models.Model):
    """One item seized or presented in a case (CPC 86, 173): what it is, where and when it was
    taken, its seal, who holds it now and where it is kept, and whether it has been recognised
    as material evidence and attached to the case. `seized_at` is the hour the protocol states;
    `recorded_at` the server's hour of the entry."""

    id = models.CharField(primary_key=True, max_length=48)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="evidence")
    number = models.PositiveIntegerField()  # the item's number within its case: 1, 2, …
    seized_seq = models.PositiveBigIntegerField()
    description = models.TextField()
    category = models.CharField(max_length=24)
    obtained = models.CharField(max_length=24)
    place = models.CharField(max_length=500)
    seized_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    seized_by = models.CharField(max_length=64)
    seal = models.CharField(max_length=64, blank=True)
    holder = models.CharField(max_length=64, db_index=True)
    holder_unit = models.CharField(max_length=32, db_index=True)
    location = models.CharField(max_length=200)
    status = models.CharField(max_length=16, db_index=True)
    transit_to = models.CharField(max_length=64, blank=True, db_index=True)
    transit_purpose = models.CharField(max_length=24, blank=True)
    transit_seal = models.CharField(max_length=64, blank=True)
    recognised_at = models.DateTimeField(null=True, blank=True)
    keeping = models.CharField(max_length=24, blank=True)
    tampered = models.BooleanField(default=False)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposal = models.CharField(max_length=24, blank=True)
    disposal_basis = models.CharField(max_length=24, blank=True)
    disposal_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="evidence_number_unique")
        ]

    def __str__(self) -> str:
        return self.id


class Custody(models.Model):
    """One link of an item's chain of custody, as the event that made it: seized, recognised,
    handed over (from the holder, to whom, for what, under which seal), received (the seal the
    receiver saw, whether it was intact, where the item is kept) or disposed of."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="chain")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=16)  # seized|recognised|handed_over|received|disposed
    by = models.CharField(max_length=64)
    unit = models.CharField(max_length=32)
    to = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=24, blank=True)
    seal = models.CharField(max_length=64, blank=True)
    seal_intact = models.BooleanField(null=True)
    location = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="custody_item_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.seq} {self.kind}"
