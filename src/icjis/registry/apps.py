from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "icjis.registry"
    label = "registry"
    verbose_name = "Register of crimes"

    def ready(self) -> None:
        from icjis.registry import acts, seed  # noqa: F401
