from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "icjis.evidence"
    label = "evidence"
    verbose_name = "Material evidence"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.evidence import acts, demo, prints  # noqa: F401
        from icjis.evidence.models import Custody, Item, PrintCard, PrintImpression, PrintSearch

        projections.tables(Custody, Item, PrintImpression, PrintSearch, PrintCard)
