from django.apps import AppConfig


class OffencesConfig(AppConfig):
    name = "icjis.offences"
    label = "offences"
    verbose_name = "Register of offences and protection orders"

    def ready(self) -> None:
        from icjis.offences import (  # noqa: F401
            acts,
            cancellation,
            detentions,
            documents,
            offence_seed,
            protocols,
            seed,
            transfers,
            warnings,
        )
