"""The signed files, kept under their SHA-256 and checked against it on every read."""

from __future__ import annotations

import hashlib
from datetime import datetime

from icjis.documents.models import StoredFile


class FileAltered(Exception):
    """The stored bytes are not the ones the ledger names (or are missing)."""


def store(content: bytes, at: datetime) -> str:
    digest = hashlib.sha256(content).hexdigest()
    if not StoredFile.objects.filter(pk=digest).exists():
        StoredFile.objects.create(sha256=digest, content=content, stored_at=at)
    return digest


def read(digest: str) -> bytes:
    row = StoredFile.objects.filter(pk=digest).values_list("content", flat=True).first()
    if row is None:
        raise FileAltered(f"the file {digest} is missing from storage")
    content = bytes(row)
    if hashlib.sha256(content).hexdigest() != digest:
        raise FileAltered(f"the stored file {digest} was altered")
    return content
