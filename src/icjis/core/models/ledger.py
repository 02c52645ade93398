"""The ledger: append-only, hash-chained events per stream, signed checkpoints, the access log
projection, idempotency receipts and the simulation clock."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class StreamHead(models.Model):
    """The last seq and hash of a stream. Appending locks this row, so acts on one case serialise
    while different cases append in parallel."""

    stream = models.CharField(primary_key=True, max_length=200)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.stream} @ {self.seq}"


class EventManager(models.Manager["Event"]):
    """Events without their stored bytes, which only the verifier reads (by SQL)."""

    def get_queryset(self) -> models.QuerySet[Event]:
        return super().get_queryset().defer("body")


class Event(models.Model):
    """One recorded act or fact. Never updated or deleted (database triggers refuse it); a
    correction is a new event whose `corrects` names the seq it corrects. `body` holds the bytes of
    the canonical encoding of every other field but `hash` (`prev_hash` included), and `hash` is
    their SHA-256 (see `core.ledger`). On PostgreSQL a check holds `body` to the columns on every
    insert (`dbtriggers.BODY_CHECK`), so the verifier can hash the stored bytes."""

    stream = models.CharField(max_length=200)
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=100, db_index=True)
    data = models.TextField()  # canonical JSON, kept byte-exact for the hash
    actor = models.CharField(max_length=64)
    actor_agency = models.CharField(max_length=32, blank=True)
    actor_unit = models.CharField(max_length=32, blank=True)
    actor_role = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    rule_pack = models.CharField(max_length=32, blank=True)
    corrects = models.PositiveBigIntegerField(null=True, blank=True)
    simulated = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    body = models.BinaryField()

    objects = EventManager()

    class Meta:
        constraints = [
            # On PostgreSQL its index also covers id, prev_hash and hash (core 0009), so the
            # verifier reads the chains from the index alone.
            models.UniqueConstraint(fields=["stream", "seq"], name="event_stream_seq_unique"),
        ]
        indexes = [
            # Tiny: production refuses to start if any simulated event exists.
            models.Index(
                fields=["simulated"], condition=models.Q(simulated=True), name="event_simulated_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


class Checkpoint(models.Model):
    """A signed Merkle root over every stream head at one moment. `heads` holds the heads that
    changed since the previous checkpoint (JSON {stream: [seq, hash]}), so the verifier can fold
    them into the full set and name a stream cut back below a checkpoint. Append-only."""

    number = models.PositiveBigIntegerField(unique=True)
    made_at = models.DateTimeField()
    root = models.CharField(max_length=64)
    stream_count = models.PositiveBigIntegerField()
    event_count = models.PositiveBigIntegerField()
    heads = models.TextField()
    simulated = models.BooleanField(default=False)
    public_key = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"checkpoint {self.number} {self.root[:12]}"


class AccessRecord(models.Model):
    """Projection of the access log (events `access.read` in streams `access/<username>`):
    one row per read of a case or person, indexed for "who viewed this person"."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField()
    subject_type = models.CharField(max_length=16)  # case | person
    subject = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16)  # shown | denied | not_found
    # A case read by a role that reads only its part of the file, whose participants are the
    # defendants alone (`core.visibility`); the reads logged before it kept no part (False).
    defendants_only = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject", "at"], name="access_subject_idx")
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.outcome} {self.subject_type} {self.subject}"


class PersonSighting(models.Model):
    """Projection of the persons a list or a search showed (events `access.read` whose data name
    them in `persons`): one row per person, reader, list, purpose and local day, with the first
    and the last time and how many reads, so that "who saw this person" (SPEC 6) finds a name
    seen in a list without a row for every refresh of the list. Each read stays an event of its
    own in the reader's stream; `first_event` and `last_event` point at two of them."""

    person = models.CharField(max_length=16)
    actor = models.CharField(max_length=64)
    subject_type = models.CharField(max_length=16)
    subject = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    day = models.DateField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    times = models.PositiveIntegerField()
    # No index on either: nothing looks a sighting up by its event, and each read of a list
    # moves `last_event`, which would write a new entry in such an index every time.
    first_event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    last_event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            # Also the index of "who saw this person": it leads with the person.
            models.UniqueConstraint(
                fields=["person", "actor", "subject_type", "subject", "purpose", "day"],
                name="sighting_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} saw {self.person} in {self.subject_type} {self.subject} on {self.day}"


class ActReceipt(models.Model):
    """What an act with an idempotency key returned, so a retry returns the same answer."""

    actor = models.CharField(max_length=64)
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    response = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="receipt_actor_key")]

    def __str__(self) -> str:
        return f"{self.actor}:{self.key}"


class SimClock(models.Model):
    """The simulation clock (demo and test only): system time plus an offset that only grows,
    so simulated time never runs backwards."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    offset_us = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"simulation clock +{self.offset_us} µs"
