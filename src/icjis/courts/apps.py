from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "icjis.courts"
    label = "courts"
    verbose_name = "Courts"

    def ready(self) -> None:
        from icjis.courts import acts  # noqa: F401
