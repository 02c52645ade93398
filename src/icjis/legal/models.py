"""The Deadline projection: one row per running or finished legal term of a case."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import Q, QuerySet, Value, When

STATES = ("running", "met", "missed", "suspended", "cancelled", "lapsed")

# The rows that are or may become `missed`: missed ones, and running obligations (a window that
# passes lapses, it is not missed). The predicate of deadline_unit_overdue_idx.
OVERDUE_CANDIDATES = Q(state="missed") | Q(state="running", window=False)


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def with_state(self, now: datetime) -> QuerySet[Deadline]:
        """Annotate `current_state`: a running term whose due time has passed is `missed` at
        query time — right without any worker having run. A window (a time within which a party
        MAY act, e.g. to appeal) is not missed by anyone when it passes: it has `lapsed`."""
        return self.annotate(
            current_state=SqlCase(
                When(state="running", window=True, due_at__lt=now, then=Value("lapsed")),
                When(state="running", due_at__lt=now, then=Value("missed")),
                default="state",
                output_field=models.CharField(),
            )
        )

    def in_state(self, state: str, now: datetime) -> QuerySet[Deadline]:
        """The terms whose state at `now` is `state` — the rows `with_state(now)` annotates so.

        `missed` is a missed term or a running obligation past due: M or (R and not W and D).
        It is written as (M or (R and not W)) and (M or D) — the same rows, by distributing
        the or — so that its first half is word for word the predicate of the partial index
        deadline_unit_overdue_idx on (unit, due_at): PostgreSQL then reads a unit's overdue
        terms soonest due first from that index and stops at the page's end, instead of
        collecting every missed and overdue row of the unit and sorting them."""
        if state == "missed":
            return self.filter(OVERDUE_CANDIDATES, Q(state="missed") | Q(due_at__lt=now))
        if state == "lapsed":
            return self.filter(state="running", window=True, due_at__lt=now)
        if state == "running":
            return self.filter(state="running", due_at__gte=now)
        return self.filter(state=state)


class Deadline(models.Model):
    """A legal term of a case: what starts it, when it falls due, and what became of it. The
    rule id and article come from the rule pack in force when the starting event happened."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="deadlines")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255)
    rule_pack = models.CharField(max_length=32)
    rule = models.CharField(max_length=64)
    subject = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=200)
    article = models.CharField(max_length=100)
    start_seq = models.PositiveBigIntegerField()
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, default="running")
    closed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_seconds = models.BigIntegerField(default=0)
    duration = models.CharField(max_length=16, blank=True)
    window = models.BooleanField(default=False)  # a time to act in, not an obligation
    notify = models.JSONField(default=list)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule", "subject", "start_seq"], name="deadline_unique_start"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="deadline_unit_due_idx"),
            models.Index(fields=["state", "due_at"], name="deadline_state_due_idx"),
            models.Index(
                fields=["territory_path", "state", "due_at"], name="deadline_terr_due_idx"
            ),
            # A unit's missed and overdue terms, soonest due first (in_state("missed")).
            models.Index(
                fields=["unit", "due_at"],
                condition=OVERDUE_CANDIDATES,
                name="deadline_unit_overdue_idx",
            ),
            # Everyone's, soonest due first: the national and regional oversight lists, whose
            # terms span units, read the country's overdue terms in due order until a page is full.
            models.Index(
                fields=["due_at"], condition=OVERDUE_CANDIDATES, name="deadline_overdue_due_idx"
            ),
            # Every term of the cases a user may read, soonest due first (GET /deadlines): read
            # in due order until a page is full, each row's case tested (access.case_filter);
            # without it, a unit head's page sorted all 2.7M terms at 1M cases (6 s).
            models.Index(fields=["due_at"], name="deadline_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule} {self.due_at}"
