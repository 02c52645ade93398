"""Projections of incident management and dispatch (module K), rebuilt from the ledger.

A call for service opens an incident with its own stream, `incident/<number>`; a patrol crew
has its own, `crew/<call sign>`; a hazard noted at an address, `hazard/<id>`. Every time kept
here is the server's hour of the act that made it: the call answered, the crew sent, the crew
on the scene, the incident cleared."""

from __future__ import annotations

from django.db import models

from icjis.offences.models import Counter

INCIDENT_STATES = ("received", "dispatched", "on_scene", "cleared")
CREW_STATES = ("available", "dispatched", "on_scene", "unavailable", "off_duty")


class Crew(models.Model):
    """A patrol crew of a police unit: its call sign, its kind, its status and the position it
    last reported (WGS 84). A crew sent to an incident is busy with it until cleared."""

    call_sign = models.CharField(primary_key=True, max_length=16)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=16)
    status = models.CharField(max_length=16, db_index=True)
    since = models.DateTimeField()  # when the status last changed
    lat = models.FloatField()
    lon = models.FloatField()
    position_at = models.DateTimeField()
    incident = models.CharField(max_length=24, blank=True)

    def __str__(self) -> str:
        return f"{self.call_sign} ({self.status})"


class Incident(models.Model):
    """An incident opened by a call for service: what, where, how urgent, and the hours of
    each step. `case` is the crime report registered from it, if any."""

    number = models.CharField(primary_key=True, max_length=24)  # IN-26-0101-000001-7
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    state = models.CharField(max_length=16, db_index=True)
    type = models.CharField(max_length=24)
    priority = models.PositiveSmallIntegerField()
    summary = models.TextField()
    caller = models.CharField(max_length=200, blank=True)
    callback = models.CharField(max_length=32, blank=True)
    region = models.CharField(max_length=8)
    district = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300)
    address_key = models.CharField(max_length=300, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    warnings = models.JSONField(default=list)  # what the dispatcher was warned of at the call
    # The other calls at the address the dispatcher was shown (open, or taken in the last hour):
    # the same event called in twice, or a place that calls for attention.
    same_address = models.JSONField(default=list)
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)  # the first crew sent
    arrived_at = models.DateTimeField(null=True, blank=True)  # the first crew on the scene
    cleared_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=24, blank=True)
    case = models.ForeignKey(
        "core.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispatcher = models.CharField(max_length=64)  # who took the call; the events name each actor

    class Meta:
        indexes = [
            models.Index(fields=["unit", "state", "priority"], name="incident_unit_state_idx"),
            models.Index(fields=["received_at", "number"], name="incident_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"


class Assignment(models.Model):
    """One crew sent to one incident: when sent, whether it was the crew the system
    recommended (and the dispatcher's reason if not), when on the scene, when released."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="crews")
    crew = models.ForeignKey(Crew, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    dispatched_at = models.DateTimeField()
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    recommended = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "seq"], name="assignment_incident_seq")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.crew_id}"


class Hazard(models.Model):
    """A warning kept at an address, and on a person where one is named: weapons held there, a
    dangerous dog, a person violent to officers … shown to the dispatcher on a call there and
    to officers looking the person up, until withdrawn or past `until`."""

    id = models.CharField(primary_key=True, max_length=40)  # HZ-<unit>-<seq of its unit stream>
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(max_length=24)
    note = models.CharField(max_length=500)
    region = models.CharField(max_length=8)
    address = models.CharField(max_length=300)
    address_key = models.CharField(max_length=300, db_index=True)
    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.id


class IncidentCounter(Counter):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="incident_counter_unit_year")
        ]


class IncidentPerson(models.Model):
    """A person named on an incident — the caller, a victim, a suspect, a witness — by the
    dispatcher who named them, with the warnings on them shown at that moment (the act keeps
    those; a page shows the ones in force when it is read)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="persons")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16)
    named_at = models.DateTimeField()
    named_by = models.CharField(max_length=64)
    # The records of the index the particulars given may be the same person as (the duplicates
    # flagged when a new record was made): their warnings are the dispatcher's too.
    maybe = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="incident_person_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.role} {self.person_id}"
