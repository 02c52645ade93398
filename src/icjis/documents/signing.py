"""Officials' signing keys and the PAdES signatures of documents (module M).

The system is its own certification authority for now (SPEC M: "certificates later"): its key
and each official's are made here, kept in the database encrypted under a key derived from the
server's SECRET_KEY, and used only inside the act that issues a document in the official's name
— a remote signing service, not a signature device in the official's hand. A certificate names
the official, the unit and the agency; it is issued on the first signature, and renewed a month
before it expires or when the official's name, unit or agency changes. The signature is PAdES
B-B (pyHanko): the signed PDF carries the official's certificate and the authority's, so any
PAdES-aware reader that trusts the authority checks it offline; there is no time-stamping
authority yet (B-T), so the signing time is the server's.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.conf import settings

from icjis.core import clock
from icjis.documents.models import SigningAuthority, SigningCertificate

AUTHORITY_NAME = "ICJIS signing authority"
AUTHORITY_YEARS = 10
CERTIFICATE_DAYS = 730
RENEW_BEFORE = timedelta(days=30)


class SigningUnavailable(Exception):
    """The keys cannot be opened (the server's SECRET_KEY changed since they were made)."""


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _passphrase() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"icjis signing keys").derive(
        settings.SECRET_KEY.encode()
    )


def seal(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )


def unseal(blob: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(bytes(blob), _passphrase())
    except ValueError as exc:
        raise SigningUnavailable(
            "The signing keys were sealed under another SECRET_KEY; restore it, or make a new "
            "authority with `icjis signing-keys rotate`."
        ) from exc
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _name(*parts: tuple[Any, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value[:64]) for oid, value in parts if value])


def _usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def authority(now: datetime) -> SigningAuthority:
    """The authority that certifies now, made on first use."""
    current = SigningAuthority.objects.order_by("-pk").first()
    return current if current is not None else new_authority(now)


def new_authority(now: datetime) -> SigningAuthority:
    """A new authority, which certifies from now on (`icjis signing-keys rotate`)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name((NameOID.COMMON_NAME, AUTHORITY_NAME), (NameOID.COUNTRY_NAME, "KG"))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now, clock.wall()) - timedelta(minutes=5))
        .not_valid_after(max(now, clock.wall()) + timedelta(days=365 * AUTHORITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signer=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return SigningAuthority.objects.create(
        fingerprint=fingerprint(der), certificate=der, key=seal(key), created_at=now
    )


def _subject(user: Any) -> x509.Name:
    return _name(
        (NameOID.COMMON_NAME, user.full_name or user.username),
        (NameOID.USER_ID, user.username),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, user.unit.name_ru),
        (NameOID.ORGANIZATION_NAME, user.agency.name_ru),
        (NameOID.COUNTRY_NAME, "KG"),
    )


def certificate_for(user: Any, now: datetime) -> SigningCertificate:
    """The official's current certificate, issued (or renewed) when there is none, when it is
    about to expire, or when it no longer names the official as they are (a new name, unit or
    agency). Its validity spans both the act's clock (`now`, simulated in a demo) and the
    server's, which stamps the signing time."""
    ca = authority(now)
    subject = _subject(user)
    for current in SigningCertificate.objects.filter(
        user=user, authority=ca, not_after__gt=now + RENEW_BEFORE
    ).order_by("-created_at")[:1]:
        if x509.load_der_x509_certificate(bytes(current.certificate)).subject == subject:
            return current
    key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = x509.load_der_x509_certificate(bytes(ca.certificate))
    wall = clock.wall()
    not_after = max(now, wall) + timedelta(days=CERTIFICATE_DAYS)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now, wall) - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signer=True), critical=True)
        .sign(unseal(ca.key), hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return SigningCertificate.objects.create(
        fingerprint=fingerprint(der),
        user=user,
        authority=ca,
        certificate=der,
        key=seal(key),
        not_after=not_after,
        created_at=now,
    )


def sign(pdf: bytes, cert: SigningCertificate, *, reason: str, location: str) -> bytes:
    """The PDF with the official's PAdES signature (an incremental update: the rendered bytes
    stay as they were, followed by the signature)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = unseal(cert.key)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(bytes(cert.certificate)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(bytes(cert.authority.certificate))]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return bytes(out.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says, checked against the authorities of this system."""

    signed: bool  # the file has a signature at all
    valid: bool  # intact, cryptographically sound, by a certificate one of them issued
    signer: str = ""  # the certificate's subject, as a reader would show it
    fingerprint: str = ""
    signed_at: datetime | None = None
    problem: str = ""


def check(pdf: bytes) -> SignatureCheck:
    """Validate the first signature of `pdf` (PAdES, as `sign` makes it) against every authority
    this system has had; never raises for a damaged or foreign file."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        return SignatureCheck(signed=False, valid=False, problem=f"not a readable PDF: {exc}")
    if not signatures:
        return SignatureCheck(signed=False, valid=False, problem="the file has no signature")
    roots = [
        asn1_x509.Certificate.load(bytes(der))
        for der in SigningAuthority.objects.values_list("certificate", flat=True)
    ]
    # Valid when made: with no time-stamp yet (B-B), the certificates are checked at the signing
    # time the signature states, so an expired certificate does not make a genuine file look
    # forged. That time is inside the signed bytes; the ledger's record of the file is the
    # anchor that does not rest on it.
    moment = signatures[0].self_reported_timestamp
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment)
    try:
        # The coroutine runs on a loop of its own: a view may run where a loop already does.
        status = asyncio.run(async_validate_pdf_signature(signatures[0], context))
    except Exception as exc:  # noqa: BLE001 - any fault of a foreign file is "not valid"
        return SignatureCheck(signed=True, valid=False, problem=f"{type(exc).__name__}: {exc}")
    cert = status.signing_cert
    return SignatureCheck(
        signed=True,
        valid=bool(status.bottom_line),
        signer=cert.subject.human_friendly if cert is not None else "",
        fingerprint=fingerprint(cert.dump()) if cert is not None else "",
        signed_at=status.signer_reported_dt,
        problem="" if status.bottom_line else status.summary(),
    )
