"""The outbox: messages written in the act's transaction, delivered by `icjis worker`."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """One event to deliver to one target (`feed`, `nats`). Never deleted: a delivery that keeps
    failing stays pending with its error and is surfaced (`alerted`)."""

    event = models.ForeignKey("core.Event", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(max_length=16)
    topic = models.CharField(max_length=200)
    state = models.CharField(max_length=16, default="pending")  # pending | delivered
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    alerted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.topic} ({self.state})"


class FeedEntry(models.Model):
    """The pull feed: gap-free positions given by the worker in commit order, so a consumer that
    reads `after=<cursor>` never misses an entry that committed late."""

    position = models.PositiveBigIntegerField(primary_key=True)
    event = models.OneToOneField("core.Event", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=200)
    case_number = models.CharField(max_length=16, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"feed #{self.position}"
