"""The signed files, kept under their SHA-256 and checked against it on every read."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime

from django.utils.translation import gettext_noop

from icjis.core.refusals import Invalid, say
from icjis.documents.models import StoredFile


class FileAltered(Exception):
    """The stored bytes are not the ones the ledger names (or are missing)."""


def store(content: bytes, at: datetime) -> str:
    """Keep `content` under its SHA-256 (once: the same bytes stored twice, even by two
    transactions at once, are one row)."""
    digest = hashlib.sha256(content).hexdigest()
    if not StoredFile.objects.filter(pk=digest).exists():
        StoredFile.objects.bulk_create(
            [StoredFile(sha256=digest, content=content, stored_at=at)], ignore_conflicts=True
        )
    return digest


def read(digest: str) -> bytes:
    row = StoredFile.objects.filter(pk=digest).values_list("content", flat=True).first()
    if row is None:
        raise FileAltered(f"the file {digest} is missing from storage")
    content = bytes(row)
    if hashlib.sha256(content).hexdigest() != digest:
        raise FileAltered(f"the stored file {digest} was altered")
    return content


def image_bytes(field: str, text: str, limit: int) -> bytes:
    """The bytes of an image an act was given in base64 (a print, a photograph), at most `limit`
    of them; a refusal names the `field`. Nothing is stored here."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(
            say("The image could not be read; send it in base64."),
            fields={field: gettext_noop("not base64")},
        ) from None
    if len(raw) > limit:
        raise Invalid(
            say("An image may have at most %(max)s bytes.", max=limit),
            fields={field: gettext_noop("too large")},
        )
    return raw
