"""What every benchmark shares: the throwaway PostgreSQL database, timing, progress, results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def say(text: str) -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    """A progress line on stderr (kept out of the figures on stdout)."""
    print(f"  … {text}", file=sys.stderr, flush=True)


@dataclass
class Figure:
    """One measured figure beside its baseline from the same run."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def line(self) -> str:
        text = f"{self.name}: {self.value:,.1f} {self.unit}"
        if self.baseline is not None:
            text += f" | baseline ({self.baseline_name}) {self.baseline:,.1f}"
            if self.ratio is not None:
                text += f" | ratio {self.ratio:.3f}"
        if self.target:
            verdict = "" if self.met is None else (" met" if self.met else " NOT met")
            text += f" | target {self.target}{verdict}"
        return text + f" | took {self.seconds:.1f}s"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


class Results:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.started = time.time()

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        say("  " + figure.line())
        for key, value in figure.details.items():
            say(f"      {key}: {value}")
        return figure

    def write(self, path: Path, extra: dict[str, Any]) -> None:
        payload = {
            "machine": machine(),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "total_seconds": round(time.time() - self.started, 1),
            **extra,
            "figures": [f.as_json() for f in self.figures],
            "notes": self.notes,
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def machine() -> dict[str, Any]:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load],
    }


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(latencies: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds of latencies given in seconds."""
    if not latencies:
        return {}
    return {
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        "n": len(latencies),
    }
