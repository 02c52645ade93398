from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "icjis.courts"
    label = "courts"
    verbose_name = "Courts"

    def ready(self) -> None:
        from icjis.core import projections
        from icjis.courts import acts, seed  # noqa: F401
        from icjis.courts.models import (
            Appeal,
            AssignmentSettings,
            CourtCase,
            Hearing,
            JudgeAvailability,
            JudgeDraw,
            Recusal,
            Verdict,
            VerdictDefendant,
        )

        projections.tables(
            VerdictDefendant,
            Appeal,
            Verdict,
            Hearing,
            Recusal,
            JudgeDraw,
            CourtCase,
            AssignmentSettings,
            JudgeAvailability,
        )
