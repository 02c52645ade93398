from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core.models import User


class Command(BaseCommand):
    help = "Enrol a TOTP authenticator for a user (prints the otpauth:// URI and a terminal QR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["enrol", "remove"])
        parser.add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if action == "remove":
            count, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"removed {count} authenticator(s) of {username}")
            return
        device = TOTPDevice.objects.create(user=user, name="ICJIS", confirmed=True)
        uri = device.config_url
        self.stdout.write(f"authenticator enrolled for {username}; scan or enter:\n{uri}")
        import segno

        segno.make(uri, micro=False).terminal(compact=True)
