from django.apps import AppConfig


class PrisonsConfig(AppConfig):
    name = "icjis.prisons"
    label = "prisons"
    verbose_name = "Prison register"

    def ready(self) -> None:
        from icjis.prisons import acts, headcount, releases, seed  # noqa: F401
