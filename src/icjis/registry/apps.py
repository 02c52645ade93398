from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "icjis.registry"
    label = "registry"
    verbose_name = "Register of crimes"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.registry import acts, oversight, procedure, receipts, seed  # noqa: F401
        from icjis.registry.models import CaseLink, Charge, Receipt

        projections.tables(Receipt, Charge, CaseLink)
