"""Projections of the register of protection orders (module J), rebuilt from the ledger.

An order is not a criminal case: its acts go to its own stream, `order/<number>`. Its state is
`requested` (the report of family violence is in, the order is to be issued within 24 hours),
`in_force`, `refused` or `revoked`; an order in force whose `until` has passed has expired,
which `ProtectionOrder.state_at` (and `OrderQuerySet.in_state` in a query) says at the time
asked, with no worker having to run."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import QuerySet


class OrderQuerySet(models.QuerySet["ProtectionOrder"]):
    def in_state(self, state: str, now: datetime) -> QuerySet[ProtectionOrder]:
        """The orders whose `state_at(now)` is `state`, as a filter."""
        if state == "expired":
            return self.filter(state="in_force", until__lte=now)
        if state == "in_force":
            return self.filter(state="in_force", until__gt=now)
        return self.filter(state=state)


class ProtectionOrder(models.Model):
    """A temporary protection order: who it restrains, whom it protects, where, until when."""

    number = models.CharField(primary_key=True, max_length=24)  # PO-26-0101-000001-7
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    rules = models.CharField(max_length=32)  # the version of the rules in force when asked for
    state = models.CharField(max_length=16, default="requested")
    reported_at = models.DateTimeField()  # when the report of violence reached the police
    issue_due_at = models.DateTimeField()  # the order is to be issued before this
    requested_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_late = models.BooleanField(default=False)
    until = models.DateTimeField(null=True, blank=True)
    days = models.PositiveSmallIntegerField(default=0)  # the term in days, extensions included
    conditions = models.JSONField(default=list)
    region = models.CharField(max_length=8)
    district = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    address_key = models.CharField(max_length=300, blank=True, db_index=True)
    case = models.ForeignKey(
        "core.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    breaches = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    officer = models.CharField(max_length=64)  # who asked for it; the events name each actor

    objects = OrderQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["unit", "state", "issue_due_at"], name="order_unit_state_idx"),
            models.Index(fields=["state", "until"], name="order_state_until_idx"),
            models.Index(fields=["requested_at", "number"], name="order_requested_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"

    def state_at(self, now: datetime) -> str:
        """The state at `now`: an order in force whose `until` has passed has expired."""
        if self.state == "in_force" and self.until is not None and self.until <= now:
            return "expired"
        return self.state

    def in_force_at(self, moment: datetime) -> bool:
        """Whether the order was in force at `moment`: issued, not yet run out or revoked."""
        if self.issued_at is None or self.until is None:
            return False
        ended = min(self.until, self.closed_at) if self.closed_at else self.until
        return self.issued_at <= moment < ended


class OrderPerson(models.Model):
    """A person an order names: the one it restrains, or one it protects."""

    order = models.ForeignKey(ProtectionOrder, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12)  # restrained | protected

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "person"], name="order_person_unique")
        ]
        indexes = [models.Index(fields=["person"], name="order_person_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.role} {self.person_id}"


class Breach(models.Model):
    """A breach of an order's conditions, as recorded (CoO 71 when no crime)."""

    order = models.ForeignKey(ProtectionOrder, on_delete=models.CASCADE, related_name="breach_rows")
    seq = models.PositiveBigIntegerField()  # the event that recorded it
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    description = models.TextField()
    conditions = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="breach_unique")]

    def __str__(self) -> str:
        return f"{self.order_id} breach at {self.occurred_at:%Y-%m-%d %H:%M}"


class Counter(models.Model):
    """The last number a unit gave in a year in one of its registers
    (`core.numbering.take_number`)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class OrderCounter(Counter):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="order_counter_unit_year")
        ]


class OffenceCounter(Counter):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="offence_counter_unit_year")
        ]


class DetentionCounter(Counter):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="detention_counter_unit_year")
        ]


class OffenceCase(models.Model):
    """A case of an offence under the Code of Offences, from the protocol to the decision.

    `forum` is who decides: the police unit itself (CoO 456, first paragraph) or the district
    court, to which the unit sends the protocol (CoO 454(1)(1); 456, second paragraph). The term
    to decide runs 10 days from when the deciding body received the case, once extendable by up
    to 10, and ends the same day for a case that may end in arrest (CoO 535); a protocol for the
    court goes there within 24 hours (521(1)); no penalty after 6 months from the offence
    (CoO 48(1)). `due_at` is what falls due next: the sending while the protocol is still with
    the police, then the decision. A penalty may be appealed within 10 days (547): `state`
    registered → referred → decided | terminated → appealed → decided (upheld) | quashed; a case
    whose facts are a crime is passed on as a crime report: registered → transferred (516). A
    police decision the prosecutor cancels (452(3)(5)) is registered again, to be decided anew."""

    number = models.CharField(primary_key=True, max_length=24)  # OF-26-0101-000001-7
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    rules = models.CharField(max_length=32)  # the version of the rules the case is under
    forum = models.CharField(max_length=8)  # police | court
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    article = models.CharField(max_length=12)
    part = models.CharField(max_length=8, blank=True)
    title = models.CharField(max_length=400)
    committed_at = models.DateTimeField()
    protocol_at = models.DateTimeField()
    registered_at = models.DateTimeField()
    late_entry = models.BooleanField(default=False)  # entered more than 72 h after the protocol
    received_at = models.DateTimeField(null=True, blank=True)  # by the body that decides
    refer_by = models.DateTimeField(null=True, blank=True)  # a court's case: sent by then
    decide_by = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(default=0)
    time_bar_at = models.DateTimeField()
    # The hour the person was detained for this offence (`AdminDetention`), when they were: a case
    # that may end in arrest is then decided within 48 hours of it (CoO 535(3)).
    detained_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, default="registered")
    decided_at = models.DateTimeField(null=True, blank=True)
    penalty_kind = models.CharField(max_length=40, blank=True)
    penalty_amount = models.PositiveIntegerField(null=True, blank=True)
    appeal_until = models.DateTimeField(null=True, blank=True)
    appeal_court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_due_at = models.DateTimeField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=12, blank=True)  # upheld | quashed
    appellant = models.CharField(max_length=12, blank=True)  # person | prosecutor | both
    cancelled_at = models.DateTimeField(null=True, blank=True)  # last cancelled by a prosecutor
    order = models.ForeignKey(
        ProtectionOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="offences"
    )
    # The criminal case its materials became, when its facts were a crime (CoO 516).
    crime_case = models.CharField(max_length=16, blank=True)
    region = models.CharField(max_length=8)
    district = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    officer = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="offence_unit_state_idx"),
            models.Index(fields=["court", "state", "due_at"], name="offence_court_state_idx"),
            models.Index(fields=["appeal_court", "state"], name="offence_appeal_idx"),
            models.Index(fields=["person"], name="offence_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"


class AdminDetention(models.Model):
    """An administrative detention under the Code of Offences (CoO 524-526), from the hour of
    the actual detention to the release.

    The term runs from the actual detention (526(8)): 3 hours (526(1)); extended once by the
    head of the internal affairs body to 48 hours for an offence punishable by arrest (526(2)),
    when the prosecutor is to be told in writing and the detainee brought to court within 24
    hours of the detention. A child of 16-17 is handed to the parents or the child protection body
    within the 3 hours (524(5)) and is not held longer. `release_by` is when the term ends; a
    prosecutor's order of release (524(7)) is to be carried out at once, whatever is left of it.
    `overruns` names the terms the system found passed unmet (`release`, `notice`, `prosecutor`,
    `court`), each between commas so that a query can ask for one.
    `state`: held → released."""

    number = models.CharField(primary_key=True, max_length=24)  # AD-26-0101-000001-7
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    rules = models.CharField(max_length=32)
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    article = models.CharField(max_length=12)
    part = models.CharField(max_length=8, blank=True)
    title = models.CharField(max_length=400)
    arrest_possible = models.BooleanField(default=False)  # the article's sanctions name arrest
    child = models.BooleanField(default=False)  # 16-17 at the detention (524(5))
    detained_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    late_record = models.BooleanField(default=False)  # recorded more than 3 h after the hour
    region = models.CharField(max_length=8)
    district = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    grounds = models.TextField()
    property_seized = models.TextField(blank=True)  # the protocol's entries (524(2), (6))
    witnesses = models.JSONField(default=list)
    rights_explained = models.BooleanField(default=False)
    state = models.CharField(max_length=12, default="held")
    release_by = models.DateTimeField()
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_ground = models.CharField(max_length=16, blank=True)
    extension_reasons = models.TextField(blank=True)
    notice_by = models.DateTimeField(null=True, blank=True)  # prosecutor told, court reached
    prosecutor_told_at = models.DateTimeField(null=True, blank=True)
    court = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    court_at = models.DateTimeField(null=True, blank=True)
    notices = models.JSONField(default=list)  # [{whom, at}] in the order recorded
    child_told = models.BooleanField(default=False)  # a child's parents and the body told (524(5))
    release_ordered_at = models.DateTimeField(null=True, blank=True)
    release_order_grounds = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    release_ground = models.CharField(max_length=20, blank=True)
    released_late = models.BooleanField(default=False)
    release_note = models.TextField(blank=True)
    overruns = models.CharField(max_length=40, default=",")  # ",release,court," as recorded
    offence = models.ForeignKey(
        OffenceCase, null=True, blank=True, on_delete=models.PROTECT, related_name="detentions"
    )
    officer = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "state", "release_by"], name="detention_unit_state_idx"),
            models.Index(fields=["state", "release_by"], name="detention_state_due_idx"),
            models.Index(fields=["person", "state"], name="detention_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"
