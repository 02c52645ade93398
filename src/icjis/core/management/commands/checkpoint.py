from typing import Any

from django.core.management.base import BaseCommand

from icjis.core.checkpoints import make_checkpoint


class Command(BaseCommand):
    help = "Sign a checkpoint: a Merkle root over every stream head, signed with the system key."

    def handle(self, *args: Any, **options: Any) -> None:
        cp = make_checkpoint()
        self.stdout.write(
            f"checkpoint {cp.number}: root {cp.root} over {cp.stream_count} streams, "
            f"{cp.event_count} events{' (simulated clock)' if cp.simulated else ''}"
        )
