from django.apps import AppConfig


class LegalAidConfig(AppConfig):
    name = "icjis.legalaid"
    label = "legalaid"
    verbose_name = "Legal aid and register of advocates"

    def ready(self) -> None:
        from icjis.legalaid import acts, demo, jobs, register  # noqa: F401
