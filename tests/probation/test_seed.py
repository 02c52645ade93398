"""The probation stories of `icjis seed`: every supervised convict is registered by the system
from the verdict in force, and plans, meetings, violations, referrals and early ends follow
through the same acts as live use, with no act refused."""

from __future__ import annotations

from django.core.management import call_command

from icjis.core import seeding
from icjis.core.models import Case, Event
from icjis.legal.counting import local_date
from icjis.probation import seed as probation_seed
from icjis.probation.models import Meeting, ProbationFile


def test_supervised_stories_run_with_no_refusal(world, monkeypatch):
    monkeypatch.setattr(seeding, "GENERATORS", [("supervised", 1.0, probation_seed.supervised)])
    report = seeding.seed(8, 5, span_days=20)
    assert report.refused == 0, report.first_refusal
    files = ProbationFile.objects.all()
    assert files.count() == 8
    assert set(files.values_list("source", "sentence_kind")) == {("verdict", "probation")}
    assert not files.filter(office=None).exists()
    # Each appeared; the period runs from the appearance (CC 82(4)).
    assert Event.objects.filter(kind="probation.appear").count() == 8
    assert not files.filter(state="awaiting_appearance").exists()
    assert all(f.appeared_at and f.starts_on == local_date(f.appeared_at) for f in files)
    assert Meeting.objects.filter(state__in=("attended", "absent")).exists()
    assert all(f.plan["conditions"] for f in files)
    completed = files.filter(state="completed")
    closed = Case.objects.filter(pk__in=completed.values("case_id"), stage="closed").count()
    assert closed == completed.count()
    assert Event.objects.filter(kind="probation.meeting.schedule").count() >= 16
    call_command("rebuild_projections", check=True)
