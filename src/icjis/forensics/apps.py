from django.apps import AppConfig


class ForensicsConfig(AppConfig):
    name = "icjis.forensics"
    label = "forensics"
    verbose_name = "Forensic expertise"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.forensics import acts, demo, documents  # noqa: F401
        from icjis.forensics.models import Assignment, Expertise

        projections.tables(Assignment, Expertise)
