"""Projections of the register of crimes beyond the shared case header."""

from __future__ import annotations

from django.db import models


class Receipt(models.Model):
    """The applicant's receipt token for the public status page. Only the token's SHA-256 is
    kept; a revoked token stops working at once and a reissued one replaces it (acts)."""

    token_hash = models.CharField(primary_key=True, max_length=64)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="receipts")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"receipt of {self.case_id}"


class Charge(models.Model):
    """A person's qualification in a case: suspicion (CPC 218) or charge (CPC 220); replaced,
    not edited, on requalification."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="charges")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(max_length=16)  # suspicion | charge
    article = models.CharField(max_length=16)
    part = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField(max_length=16)
    category = models.CharField(max_length=24, blank=True)
    since = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    start_seq = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} art. {self.article} in {self.case_id}"


class CaseLink(models.Model):
    """A join or split between two cases (CPC 159-160)."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="links")
    other = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16)  # joined_into | absorbed | split_from | split_into
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.other_id}"


class Filing(models.Model):
    """A participant's motion (CPC 123-124) or complaint (CPC 125-129) before trial, as the
    register keeps it: who filed it for whom, to whom, what it asks and, once decided, the
    outcome with its grounds. The id is taken from the event that filed it ("MO-<case>-<seq>",
    "CO-<case>-<seq>"), so a replay rebuilds the same rows; its term is the rule pack's."""

    id = models.CharField(primary_key=True, max_length=48)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField(max_length=16)  # motion | complaint
    number = models.PositiveIntegerField()  # per case and kind, from 1
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    filed_seq = models.PositiveBigIntegerField()
    filed_at = models.DateTimeField()
    filed_by = models.CharField(max_length=64)
    filed_by_role = models.CharField(max_length=32)
    addressee = models.CharField(max_length=32)  # investigator | prosecutor | unit_head | …
    subject = models.CharField(max_length=32)
    text = models.TextField()
    # The motion a complaint is about; of a motion, the refused one it renews (CPC 182).
    motion = models.CharField(max_length=48, blank=True)
    contests = models.CharField(max_length=48, blank=True)  # the complaint decided (129(3))
    extended_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, default="pending")  # pending | decided | withdrawn
    outcome = models.CharField(max_length=16, blank=True)
    grounds = models.TextField(blank=True)
    decided_seq = models.PositiveBigIntegerField(null=True, blank=True)  # or withdrawn
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "kind", "number"], name="filing_case_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def reviewed(self) -> str:
        """The filing whose decision this one takes to a higher prosecutor (CPC 126(1), 129(3)):
        the complaint a contest names, or the motion a prosecutor refused."""
        return self.contests or (self.motion if self.addressee == "higher_prosecutor" else "")
