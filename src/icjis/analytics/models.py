"""Published statistics (module L): each release is the projection of the act that published
it (`analytics.statistics.publish`, stream `statistics`), whose event holds the figures, the cut
they were computed at, the ledger position the computation reached and the digest of the rows.
So a release is as tamper-evident as any act, and a replay rebuilds the same rows."""

from __future__ import annotations

from django.db import models


class Release(models.Model):
    """The statistics of one month, published once that month had ended."""

    id = models.CharField(primary_key=True, max_length=16)  # ST-2026-11
    period = models.CharField(max_length=7, unique=True)  # 2026-11
    cut = models.DateTimeField()  # events recorded before this moment count
    method = models.CharField(max_length=8)  # the version of the metric definitions
    events = models.PositiveBigIntegerField()  # how many events the computation read
    last_event = models.JSONField()  # the last of them: id and hash
    digest = models.CharField(max_length=64)  # SHA-256 of the rows (analytics.fold.digest)
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=64)
    event = models.ForeignKey("core.Event", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.id


class Figure(models.Model):
    """One cell of a release: a metric, its breakdown and one measure's value."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="figures")
    metric = models.CharField(max_length=40)
    region = models.CharField(max_length=16, blank=True)
    article = models.CharField(max_length=16, blank=True)
    category = models.CharField(max_length=32, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    age = models.CharField(max_length=8, blank=True)
    kind = models.CharField(max_length=48, blank=True)
    place = models.CharField(max_length=32, blank=True)
    measure = models.CharField(max_length=16)
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["release", "metric"], name="figure_release_metric")]

    def __str__(self) -> str:
        return f"{self.release_id} {self.metric} {self.measure}={self.value}"
