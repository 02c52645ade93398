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


class PrintCard(models.Model):
    """The fingerprints taken of a person in a case (CPC 44(3)(2), 46(3)(3)): one row per taking,
    its id from the event that recorded it ("FP-<case>-<seq>")."""

    id = models.CharField(primary_key=True, max_length=48)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="print_cards")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    taken_at = models.DateTimeField()
    taken_by = models.CharField(max_length=64)
    unit = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.id


class PrintImpression(models.Model):
    """One finger of a card: the image (kept under its SHA-256 in `documents.StoredFile`) and its
    template, whole and cut to its most reliable minutiae (`evidence.afis`)."""

    card = models.ForeignKey(PrintCard, on_delete=models.PROTECT, related_name="fingers")
    position = models.PositiveSmallIntegerField()  # ANSI/NIST finger position, 1-10
    image = models.CharField(max_length=64)
    template = models.BinaryField()
    coarse = models.BinaryField()
    minutiae = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["card", "position"], name="print_finger_unique")
        ]
        indexes = [models.Index(fields=["position"], name="print_position")]

    def __str__(self) -> str:
        return f"{self.card_id}/{self.position}"


class PrintSearch(models.Model):
    """A 1:N search of the register of prints: of a card just taken (is this person known under
    another name?), of a latent print lifted in a case (whose is it?) or of an unidentified
    body's print (who was it?). Queued by the act that
    asks for it, done by the job `evidence.prints.search`, which records what it found."""

    id = models.CharField(primary_key=True, max_length=48)  # "FS-<case>-<seq>"
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="print_searches")
    kind = models.CharField(max_length=16)  # identity | latent | body (unidentified, CPC 174(3))
    card = models.ForeignKey(PrintCard, on_delete=models.PROTECT, null=True, related_name="+")
    item = models.CharField(max_length=48, blank=True)  # the evidence item a latent came from
    image = models.CharField(max_length=64, blank=True)
    template = models.BinaryField(null=True)
    coarse = models.BinaryField(null=True)
    minutiae = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=64)
    status = models.CharField(max_length=8, db_index=True)  # queued | done
    done_at = models.DateTimeField(null=True)
    compared = models.PositiveIntegerField(default=0)
    candidates = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.id


class PrintSearchLease(models.Model):
    """A worker's claim on a search it is doing (`evidence.prints.do_searches`), so that two
    workers do not both compare the same prints, and a search that failed waits out its lease
    instead of holding up those behind it. Working state of the job, not a projection: the
    ledger records only what a search found."""

    search = models.CharField(primary_key=True, max_length=48)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return self.search
