from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icjis.core"
    label = "core"
    verbose_name = "ICJIS core"

    def ready(self) -> None:
        # Act kinds and projectors register themselves on import.
        from icjis.core import access, alerts, person_acts, projections, transparency  # noqa: F401
        from icjis.core.models import (
            AccessRecord,
            Case,
            CaseOfficer,
            CaseParticipant,
            CaseUnit,
            DuplicateFlag,
            NumberCounter,
            Person,
            PersonSighting,
        )

        projections.tables(
            AccessRecord,
            PersonSighting,
            DuplicateFlag,
            CaseParticipant,
            CaseOfficer,
            CaseUnit,
            Case,
            NumberCounter,
            Person,
        )
