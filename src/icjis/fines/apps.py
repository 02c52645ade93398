from django.apps import AppConfig


class FinesConfig(AppConfig):
    name = "icjis.fines"
    label = "fines"
    verbose_name = "Enforcement of fines"

    def ready(self) -> None:
        from icjis.fines import acts, seed  # noqa: F401
