"""The persons index: one row per person, never destructively merged."""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    """A natural person known to the system. `id` is given by the act that first recorded the
    person and is kept in that event, so a replay rebuilds the same ids. A merge points
    `merged_into` at the surviving record; an unmerge clears it (both are acts)."""

    id = models.CharField(primary_key=True, max_length=16)
    pin = models.CharField(max_length=14, null=True, blank=True, db_index=True)
    surname = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    patronymic = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True, db_index=True)  # duplicate check
    sex = models.CharField(max_length=1)
    citizenship = models.CharField(max_length=3, blank=True)
    # The place of residence as last recorded (a district or a region): where a sentence without
    # isolation and a fine are executed (CEC 30(1)-(2)); null while unknown. Not indexed: no
    # query looks persons up by it, and every new person would pay for the index.
    residence = models.ForeignKey(
        "core.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    latin_name = models.CharField(max_length=320)
    match_key = models.CharField(max_length=320, db_index=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.id

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


class DuplicateFlag(models.Model):
    """Two person records that may be the same person, for a clerk to review."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=64)
    state = models.CharField(max_length=16, default="open")  # open | merged | dismissed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="duplicate_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id} ({self.state})"
