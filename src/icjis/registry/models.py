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
