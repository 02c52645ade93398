from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "icjis.legal"
    label = "legal"
    verbose_name = "Legal core and deadlines"

    def ready(self) -> None:
        from icjis.legal import deadlines  # noqa: F401  (registers the projection hook)
