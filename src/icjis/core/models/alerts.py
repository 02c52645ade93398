"""Alerts: items a supervisor, prosecutor or coordinator must look at (a late arrest record,
injuries found on admission, a roster with nobody on duty). A projection: raised by projectors
from events, closed by the act `alerts.acknowledge`."""

from __future__ import annotations

from django.db import models


class Alert(models.Model):
    """One item to review. `id` is derived from the event that raised it ("<stream>#<seq>/<n>"),
    so a replay rebuilds the same ids."""

    id = models.CharField(primary_key=True, max_length=240)
    kind = models.CharField(max_length=64)
    case = models.ForeignKey(
        "core.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255)
    roles = models.CharField(max_length=300)  # who is told: ",prosecutor,unit_head,"
    # Of those, only readers whose unit is of one of these levels (",region,national,"): a
    # decision before a higher prosecutor is told to the offices above the one that decided.
    # Empty: every level.
    levels = models.CharField(max_length=100, blank=True, default="")
    message = models.CharField(max_length=500)  # in English, as the API gives it
    # The message's template and values (`Said.as_json`), so that a page says it in the
    # reader's language; null for a message made otherwise.
    said = models.JSONField(null=True, blank=True)
    subject = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField()
    state = models.CharField(max_length=16, default="open")  # open | acknowledged
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "territory_path"], name="alert_open_terr_idx"),
            models.Index(fields=["unit", "state"], name="alert_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.state})"
