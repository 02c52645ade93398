"""Forensic expertise (module D): the register of experts of the forensic laboratories, and the
expertises ordered in cases with their experts and opinions.

`Expert` is reference data kept by the laboratory (who is an expert there and of what). The
expertises and their assignments are projections of the case streams (`forensics.*` acts): an
expertise's id is taken from the event that ordered it ("EX-<case>-<seq>"), so a replay rebuilds
the same rows.
"""

from __future__ import annotations

from django.db import models

KINDS = (
    "medical",
    "psychiatric",
    "ballistic",
    "dactyloscopic",
    "trace",
    "biological",
    "chemical",
    "handwriting",
    "document",
    "computer",
    "economic",
)
"""Kinds of forensic expertise, each also a specialisation of an expert."""
OPEN = ("assigned", "signing")
"""An expertise is open while its experts work (`assigned`) and while a commission's members
sign the opinion one of them submitted (`signing`); then it is `done`, or `declined`."""


class Expert(models.Model):
    """An expert of a forensic laboratory and the kinds of expertise they are qualified for."""

    user = models.OneToOneField(
        "core.User", primary_key=True, on_delete=models.PROTECT, to_field="username"
    )
    lab = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="experts")
    specialisations = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return str(self.user_id)


class Expertise(models.Model):
    """An expertise ordered in a case (CPC 179): its kind and form (one expert, a commission of
    one specialisation, a complex one of several: CPC 187-188), grounds, questions, the evidence
    items and the person examined, the laboratory, the term set; then the opinion (CPC 193):
    its research, the answer to each question, each member's signature and any separate
    opinion — or the reasoned refusal to give one (CPC 184(5), 193(6))."""

    id = models.CharField(primary_key=True, max_length=48)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="expertises")
    number = models.PositiveIntegerField()
    ordered_seq = models.PositiveBigIntegerField()
    ordered_at = models.DateTimeField()
    ordered_by = models.CharField(max_length=64)
    kind = models.CharField(max_length=24)
    form = models.CharField(max_length=16)  # single|commission|complex
    kinds = models.JSONField(default=list)  # the specialisations it needs (complex: several)
    grounds = models.TextField()
    questions = models.JSONField(default=list)
    items = models.JSONField(default=list)  # evidence item ids sent for examination
    person = models.CharField(max_length=16, blank=True)  # the person examined, if any
    motion = models.CharField(max_length=48, blank=True)  # the party's motion granted (182(6))
    lab = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField()
    state = models.CharField(max_length=16, db_index=True)
    opinion_seq = models.PositiveBigIntegerField(null=True, blank=True)
    research = models.TextField(blank=True)
    conclusions = models.JSONField(default=list)
    # The examination's photographs (the stored files' SHA-256, `documents.files`) and its video
    # as recorded (SHA-256 and carrier): required on a statement of torture (CPC 179(11)).
    photos = models.JSONField(default=list)
    video = models.JSONField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.CharField(max_length=24, blank=True)
    declined_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="expertise_number_unique")
        ]

    def __str__(self) -> str:
        return self.id


class Assignment(models.Model):
    """An expert assigned to an expertise, with the specialisation they bring, their load when
    chosen, and their signature under the opinion (agreeing, or with a separate opinion:
    CPC 187(5), 188(4))."""

    expertise = models.ForeignKey(Expertise, on_delete=models.PROTECT, related_name="assignments")
    expert = models.CharField(max_length=64, db_index=True)
    specialisation = models.CharField(max_length=24)
    load = models.PositiveIntegerField()
    signed_at = models.DateTimeField(null=True, blank=True)
    separate = models.TextField(blank=True)

    class Meta:
        ordering = ["expertise", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["expertise", "expert"], name="assignment_expert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expertise_id} {self.expert}"
