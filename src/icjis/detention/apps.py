from django.apps import AppConfig


class DetentionConfig(AppConfig):
    name = "icjis.detention"
    label = "detention"
    verbose_name = "Temporary detention (IVS)"

    def ready(self) -> None:
        from icjis.detention import acts  # noqa: F401
