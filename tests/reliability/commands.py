"""The operator's commands, run as a separate process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def icjis(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own executable
        [str(Path(sys.executable).parent / "icjis"), *args],
        env={**os.environ, "DATABASE_URL": database_url, "ICJIS_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_ledger_and_projections_sound(database_url: str) -> None:
    verified = icjis(database_url, "verify-ledger")
    assert verified.returncode == 0, verified.stderr
    assert "ledger OK" in verified.stdout
    checked = icjis(database_url, "rebuild-projections", "--check")
    assert checked.returncode == 0, checked.stderr
    assert "projections OK" in checked.stdout
