"""Checks made before serving: production refuses to start on an unsafe configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production() -> None:
    """Production refuses demo accounts and a ledger made under a simulation clock (DEBUG and
    the secret key are checked when the settings load)."""
    if not settings.PRODUCTION:
        return
    from icjis.core.models import Checkpoint, Event, SimClock, User

    if User.objects.filter(is_demo=True).exists():
        raise ImproperlyConfigured("Production refuses to start: demo accounts exist.")
    if (
        Event.objects.filter(simulated=True).exists()
        or Checkpoint.objects.filter(simulated=True).exists()
    ):
        raise ImproperlyConfigured(
            "Production refuses to start: this ledger was made under a simulation clock."
        )
    if SimClock.objects.exclude(offset_us=0).exists():
        raise ImproperlyConfigured(
            "Production refuses to start: a simulation clock was moved here."
        )
