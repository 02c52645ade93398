from django.apps import AppConfig


class DetentionConfig(AppConfig):
    name = "icjis.detention"
    label = "detention"
    verbose_name = "Temporary detention (IVS)"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.detention import acts, demo  # noqa: F401
        from icjis.detention.models import (
            Complaint,
            Detention,
            EffectsItem,
            MedicalExam,
            Movement,
        )

        projections.tables(Complaint, EffectsItem, MedicalExam, Movement, Detention)
