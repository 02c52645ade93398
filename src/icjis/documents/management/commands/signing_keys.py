"""`icjis signing-keys`: the signing authority and the officials' certificates.

`status` names the authority that certifies now and counts the certificates it issued;
`rotate` makes a new authority (after a suspected compromise, or when the server's SECRET_KEY
had to change and the sealed keys cannot be opened): from then on each official gets a new
certificate at the next signature, and every earlier authority stays a trust root for the
documents it certified, so they still check."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from icjis.core import clock
from icjis.documents import signing
from icjis.documents.models import SigningAuthority, SigningCertificate


class Command(BaseCommand):
    help = "Show the signing authority, or rotate it (a new authority for new certificates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        now = clock.now()
        if action == "rotate":
            with transaction.atomic():
                authority = signing.new_authority(now)
            self.stdout.write(f"new signing authority {authority.fingerprint}")
            return
        current = SigningAuthority.objects.order_by("-pk").first()
        if current is None:
            self.stdout.write("no signing authority yet: the first signature makes one")
            return
        issued = SigningCertificate.objects.filter(authority=current)
        valid = issued.filter(not_after__gt=now).count()
        earlier = SigningAuthority.objects.exclude(pk=current.pk).count()
        self.stdout.write(
            f"signing authority {current.fingerprint} (since {current.created_at:%Y-%m-%d}); "
            f"{issued.count()} certificate(s), {valid} valid; {earlier} earlier authority(ies) "
            "kept as trust roots"
        )
        try:
            signing.unseal(current.key)
        except signing.SigningUnavailable as exc:
            self.stdout.write(f"its key cannot be opened: {exc}")
