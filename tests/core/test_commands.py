"""The foundation's commands end to end on the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from icjis.core.models import Case, Checkpoint, Event


@pytest.mark.django_db
def test_seed_verify_and_rebuild_agree_on_a_synthetic_history(capsys):
    call_command("seed", demo=True)
    call_command("seed", cases=40, seed=7)
    assert Case.objects.count() == 40
    call_command("checkpoint")
    call_command("verify_ledger")
    call_command("rebuild_projections", check=True)
    out = capsys.readouterr().out
    streams = Event.objects.values("stream").distinct().count()
    assert streams >= 40
    assert f"ledger OK: {streams} streams" in out
    assert "projections OK" in out and "live tables identical" in out
    assert Checkpoint.objects.count() == 1


def _stories(seed: int) -> list[tuple]:
    import random
    from datetime import UTC, datetime, timedelta

    from icjis.core import seeding

    start = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(seed)
    return [
        (at, step.actor, step.kind, repr(step.data) if not callable(step.data) else "f")
        for at, _i, j, story in seeding._timeline(rng, 15, start, timedelta(days=30))
        for step in [story.steps[j]]
    ]


def test_seeding_is_deterministic_for_a_seed_and_differs_between_seeds():
    assert _stories(11) == _stories(11)
    assert _stories(11) != _stories(12)
    assert len(_stories(11)) >= 30


@pytest.mark.django_db
def test_totp_enrolment_prints_an_otpauth_uri(world, capsys):
    call_command("totp", "enrol", "prosecutor")
    assert "otpauth://totp/" in capsys.readouterr().out


def test_processes_that_start_at_once_keep_one_signing_key(settings, tmp_path):
    """Demo and test make the key when it is missing; two suites starting together must not
    sign with keys that overwrite each other, nor read a half-written file."""
    import multiprocessing
    import os

    from icjis.core import checkpoints

    settings.LEDGER_KEY_FILE = tmp_path / "keys" / "ledger-ed25519.pem"
    context = multiprocessing.get_context("fork")
    told = context.Queue()

    def make_and_tell() -> None:
        told.put(checkpoints.public_key_hex(checkpoints.signing_key()))

    workers = [context.Process(target=make_and_tell) for _ in range(6)]
    for w in workers:
        w.start()
    # Drained before the joins: a process that put on a queue exits only once its data is read.
    keys = {told.get(timeout=60) for _ in workers}
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert keys == {checkpoints.public_key_hex(checkpoints.signing_key())}
    assert os.listdir(tmp_path / "keys") == ["ledger-ed25519.pem"]
    assert settings.LEDGER_KEY_FILE.stat().st_mode & 0o777 == 0o600
