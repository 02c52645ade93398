from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "icjis.registry"
    label = "registry"
    verbose_name = "Register of crimes"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.registry import (  # noqa: F401
            acts,
            charges,
            documents,
            filings,
            links,
            oversight,
            procedure,
            receipts,
            seed,
            torture,
        )
        from icjis.registry.models import CaseLink, Charge, Filing, Receipt

        projections.tables(Receipt, Charge, CaseLink, Filing)
