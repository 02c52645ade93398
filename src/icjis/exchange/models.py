"""Projections of the signed message exchange (module N), rebuilt from the ledger.

Each member — another agency's system that sends messages here — has its own stream,
`member/<code>`: its registration, its suspension, and every message received from it."""

from __future__ import annotations

from django.db import models


class Member(models.Model):
    """Another agency's system: its code, the Ed25519 key its messages are signed with, the
    services it may use, and the unit of ours that registers what it sends."""

    code = models.CharField(primary_key=True, max_length=32)
    name = models.CharField(max_length=200)
    public_key = models.CharField(max_length=64)  # raw Ed25519 public key, hex
    services = models.JSONField(default=list)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.code


class Message(models.Model):
    """One message received: who sent it, its id in the sender's system, the service, when the
    sender says it sent it and when we received it, and the hash of its body. What it made (the
    case of a report) is in the receipt, the reaction's event, and the case's reference."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="messages")
    message_id = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField()  # the event that received it, on the member's stream
    service = models.CharField(max_length=32)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField()
    body_sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "message_id"], name="message_member_id")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.message_id}"


class FieldEntry(models.Model):
    """One entry of a field node's journal as received: who recorded which act, when by the
    node's clock and when here, and what became of it — the event it recorded, or the refusal."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField()  # its place in the node's journal
    hash = models.CharField(max_length=64)
    message_id = models.CharField(max_length=64)
    officer = models.CharField(max_length=64)
    kind = models.CharField(max_length=100)
    case = models.CharField(max_length=64, blank=True)  # the case it concerned or registered
    recorded_on_node_at = models.DateTimeField()
    received_at = models.DateTimeField()
    event_stream = models.CharField(max_length=200, blank=True)  # empty: refused
    event_seq = models.PositiveBigIntegerField(null=True)
    refusal = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "seq"], name="field_entry_member_seq")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}#{self.seq}"


class Transfer(models.Model):
    """A crime report a member sent, as registered here: its reference in the member's system
    and the case it became (from the report's registration, channel `transfer`), for the member
    to ask its status by."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    reference = models.CharField(max_length=80)
    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "reference"], name="transfer_member_ref")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.reference}"
