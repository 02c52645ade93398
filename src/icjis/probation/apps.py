from django.apps import AppConfig


class ProbationConfig(AppConfig):
    name = "icjis.probation"
    label = "probation"
    verbose_name = "Probation"

    def ready(self) -> None:
        from icjis.probation import acts, jobs, seed  # noqa: F401
