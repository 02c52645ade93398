from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "icjis.dispatch"
    label = "dispatch"
    verbose_name = "Incident management and dispatch"

    def ready(self) -> None:
        from icjis.dispatch import acts, demo, warnings  # noqa: F401
