"""What the web pages keep of their own: each user's language and the feedback users send.

Neither is part of the case record (the ledger): a language is a preference, and feedback is
about the system, not about a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

LANGUAGE_CODES = [code for code, _ in settings.LANGUAGES]


class LanguagePreference(models.Model):
    """The language a user chose with the switcher; restored at every login."""

    username = models.CharField(max_length=64, primary_key=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    chosen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.username}: {self.language}"


class Feedback(models.Model):
    """A remark about the system from a member of staff (on any staff page) or from the public
    (the portal's form), with its handling by an administrator."""

    class Status(models.TextChoices):
        NEW = "new"
        IN_PROGRESS = "in_progress"
        ANSWERED = "answered"

    author = models.CharField(max_length=64, blank=True)  # empty: from the public portal
    page = models.CharField(max_length=300, blank=True)
    text = models.TextField(max_length=4000)
    contact = models.CharField(max_length=200, blank=True)  # the public may leave an address
    language = models.CharField(max_length=8)
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(max_length=4000, blank=True)
    answered_by = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "-sent_at"], name="web_feedback_status")]

    def __str__(self) -> str:
        return f"feedback {self.pk} ({self.status})"
