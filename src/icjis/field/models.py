"""The journal of a field node: the acts its officers recorded while it may have been cut off,
each with the node's clock, chained by hash, and the central system's answers to them.

Nothing here is edited: an entry is written once, and each attempt to send it adds an answer
(performed there, refused there, rejected as a message, or not reached)."""

from __future__ import annotations

from django.db import models


class JournalEntry(models.Model):
    """One act as recorded on the node, in the body the central system receives (`exchange.
    field.FieldAct`): its place, who, which act, for which case, its data, when by the node's
    clock, and the hashes that chain it to the entry before."""

    seq = models.PositiveIntegerField(unique=True)
    key = models.CharField(max_length=128, unique=True)  # the form's: pressed twice, kept once
    officer = models.CharField(max_length=64)
    kind = models.CharField(max_length=100)
    case = models.CharField(max_length=64, blank=True)
    data = models.JSONField()
    recorded_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Answer(models.Model):
    """What the central system answered an entry sent: `performed` (with the event and the
    case), `refused` (the act refused, the entry received and kept there), `rejected` (the
    message refused, nothing received: the office must look) or `unreached` (no answer)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="answers")
    at = models.DateTimeField()
    status = models.CharField(max_length=16)
    # The message as sent, signed: every later attempt sends these very bytes again, so that one
    # received with its answer lost is recognised there as received, not taken for another.
    message = models.JSONField(default=dict)
    receipt = models.JSONField(default=dict)  # the signed receipt, or the error as answered

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.status}"
