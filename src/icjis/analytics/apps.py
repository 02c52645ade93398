from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "icjis.analytics"
    label = "analytics"
    verbose_name = "Analytics and statistics"

    def ready(self) -> None:
        from icjis.analytics import acts, demo  # noqa: F401
        from icjis.analytics.models import Figure, Release
        from icjis.core import projections

        projections.tables(Figure, Release)
