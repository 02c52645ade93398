"""Projections of legal aid (module C): the register of advocates, duty rosters, appointments of
duty lawyers and private counsel. Every row is rebuilt from the ledger: `advocate/<licence>`
streams (the register), `roster/<district>` streams (duty shifts) and the case streams
(appointments, acceptance, decline, escalation, private counsel)."""

from __future__ import annotations

from django.db import models

OPEN_STATES = ("offered", "unassigned")
"""Appointments still waiting for a lawyer's answer or for a lawyer at all."""

ACTIVE_STATES = ("offered", "accepted")
"""Appointments that give the lawyer a place in the case (and read access to it)."""


class Advocate(models.Model):
    """An advocate in the state register of advocates for state-guaranteed legal aid
    (CPC 50(4)-(5); Law on State-Guaranteed Legal Aid). `username` links the entry to the
    advocate's account, without which the system cannot ask them to accept a case."""

    licence = models.CharField(primary_key=True, max_length=32)
    username = models.CharField(max_length=64, blank=True, db_index=True)
    full_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16)  # active | suspended | terminated
    languages = models.JSONField(default=list)
    region = models.CharField(max_length=32, db_index=True)
    specialisations = models.JSONField(default=list)
    registered_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["username"],
                condition=~models.Q(username=""),
                name="advocate_username_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence} {self.full_name} ({self.status})"


class DutyShift(models.Model):
    """One shift of a duty roster: who is on duty in a district (or a whole region) from
    `starts_at` to `ends_at`, in the order they are to be asked. Replaced, never edited, by a
    later `legalaid.roster.set` that overlaps it."""

    district = models.CharField(max_length=32)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    advocates = models.JSONField(default=list)  # licences, in the order they are asked
    roster_seq = models.PositiveBigIntegerField()  # the roster event that set it

    class Meta:
        indexes = [
            models.Index(fields=["district", "starts_at"], name="dutyshift_district_start_idx"),
            models.Index(fields=["district", "ends_at"], name="dutyshift_district_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.starts_at}–{self.ends_at}"


class Appointment(models.Model):
    """One offer of a case to a duty lawyer (or, when nobody is on duty, an `unassigned`
    appointment the coordinator must fill). `id` is "LA-<case>-<seq>", the seq of the event that
    made it. States: offered → accepted | declined | lapsed (no answer in time) | replaced
    (private counsel) | superseded (another appointment took its place); unassigned →
    superseded. Times are kept against the custody clock (`detained_at`)."""

    id = models.CharField(primary_key=True, max_length=64)
    case = models.ForeignKey(
        "core.Case", on_delete=models.PROTECT, related_name="legal_aid_appointments"
    )
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255)
    state = models.CharField(max_length=16)
    trigger = models.CharField(max_length=16)  # arrest | suspicion | request | decline …
    previous = models.CharField(max_length=64, blank=True)
    lawyer = models.CharField(max_length=64, blank=True)  # username
    licence = models.CharField(max_length=32, blank=True)
    district = models.CharField(max_length=32, blank=True)  # roster the lawyer was taken from
    shift_starts_at = models.DateTimeField(null=True, blank=True)
    appointed_at = models.DateTimeField()
    respond_by = models.DateTimeField(null=True, blank=True)
    detained_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    minutes_to_respond = models.FloatField(null=True, blank=True)
    minutes_since_detention = models.FloatField(null=True, blank=True)
    late = models.BooleanField(default=False)
    decline_reason = models.CharField(max_length=1000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "respond_by"], name="appointment_due_idx"),
            models.Index(fields=["lawyer", "state"], name="appointment_lawyer_idx"),
            models.Index(fields=["territory_path", "state"], name="appointment_terr_idx"),
            models.Index(fields=["case", "person"], name="appointment_case_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.lawyer or '—'} ({self.state})"


class PrivateCounsel(models.Model):
    """Counsel chosen by the suspect or accused (CPC 50(1)); it replaces the state-guaranteed
    appointment. `username` is set when the advocate is in the register with an account."""

    case = models.ForeignKey("core.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    lawyer_name = models.CharField(max_length=200)
    licence = models.CharField(max_length=32, blank=True)
    username = models.CharField(max_length=64, blank=True)
    since = models.DateTimeField()
    seq = models.PositiveBigIntegerField()  # the case event that recorded it
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="private_counsel_event_unique")
        ]
        indexes = [models.Index(fields=["case", "person"], name="private_counsel_person_idx")]

    def __str__(self) -> str:
        return f"{self.lawyer_name} for {self.person_id} in {self.case_id}"
