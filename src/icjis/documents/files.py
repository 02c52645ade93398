"""The signed files, kept under their SHA-256 and checked against it on every read."""

from __future__ import annotations

import hashlib
from datetime import datetime

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
