"""Documents issued and signed in the system (module M).

`Document` is a projection of the ledger's `documents.document.issue` events. The others are
not: `StoredFile` keeps the bytes of each signed PDF under their SHA-256, which the issuing event
records, so a file changed in storage is named on every read (`files.read`) rather than trusted;
the signing authority and the officials' certificates hold keys, which never enter the ledger
(the events name each certificate by its fingerprint).
"""

from __future__ import annotations

from django.db import models

from icjis.core.models import Case, Unit, User


class Document(models.Model):
    code = models.CharField(max_length=16, primary_key=True)  # the verification code, no dashes
    kind = models.CharField(max_length=64)
    version = models.PositiveIntegerField()  # of the kind's template
    language = models.CharField(max_length=8)
    stream = models.CharField(max_length=80)  # the source act's stream …
    seq = models.BigIntegerField()  # … and its place in it
    source_kind = models.CharField(max_length=64)
    case = models.ForeignKey(Case, null=True, on_delete=models.PROTECT, related_name="documents")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    issued_by = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    certificate = models.CharField(max_length=64)  # fingerprint (SHA-256 of the DER)
    # Revoked by its issuer as issued in error (`documents.document.revoke`): kept, marked.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            # One document in force per act, kind and language; a revoked one may be made again.
            models.UniqueConstraint(
                fields=["stream", "seq", "kind", "language"],
                condition=models.Q(revoked_at__isnull=True),
                name="document_in_force_once_per_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


class StoredFile(models.Model):
    sha256 = models.CharField(max_length=64, primary_key=True)
    content = models.BinaryField()
    stored_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.sha256


class SigningAuthority(models.Model):
    """The certification authority of the officials' signing certificates. The newest is the one
    that certifies; every one stays a trust root for the documents it certified."""

    fingerprint = models.CharField(max_length=64, unique=True)
    certificate = models.BinaryField()  # DER
    key = models.BinaryField()  # PKCS#8 PEM, encrypted (signing.seal)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.fingerprint


class SigningCertificate(models.Model):
    """An official's signing certificate and key, issued on the first signature."""

    fingerprint = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(SigningAuthority, on_delete=models.PROTECT, related_name="+")
    certificate = models.BinaryField()  # DER
    key = models.BinaryField()  # PKCS#8 PEM, encrypted (signing.seal)
    not_after = models.DateTimeField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.fingerprint
