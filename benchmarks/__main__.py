"""`make bench` (= `python -m benchmarks`): every scenario on a throwaway PostgreSQL database,
each figure printed beside its baseline from the same run, written to benchmarks/results.json.

Scale is an option: `make bench SCALE=1000000` grows the ledger by the bulk seeding path in
steps of SCALE/100, SCALE/10 and SCALE cases (10k, 100k, 1M; `GROWTH_STEPS=` lists other steps)
and pads the persons index to 50×SCALE (at most 1,000,000 persons by default; `PERSONS=`
overrides). The default (SCALE=1500, 100,000 persons) is meant to finish in about 10–15 minutes
on two cores. 1M cases need about 20 minutes of bulk seeding on an idle two-core machine (955
cases/s measured; hours where other work shares it); run `BENCH_ONLY=growth` for that, and
`--keep-database` to look into the grown database afterwards (then drop it by hand).
"""

from __future__ import annotations

import argparse
import os
import time
import traceback
from pathlib import Path

from benchmarks.common import ROOT, Results, machine, say


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE") or 1500))
    parser.add_argument("--persons", type=int, default=int(os.environ.get("PERSONS") or 0))
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS") or 10)
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS") or 0))
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help="comma-separated: acts,http,growth,ledger,search,statistics,prints",
    )
    parser.add_argument(
        "--growth-steps",
        default=os.environ.get("GROWTH_STEPS", ""),
        help="comma-separated case counts (default: SCALE/100, SCALE/10, SCALE; at least 100)",
    )
    parser.add_argument("--out", default=str(ROOT / "results.json"))
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="leave the benchmark database in place at the end, to look into it",
    )
    args = parser.parse_args()
    os.environ["ICJIS_ENV"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icjis.settings")
    persons = args.persons or min(max(100_000, 50 * args.scale), 1_000_000)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    only = {s for s in args.only.split(",") if s} or {
        "acts",
        "http",
        "growth",
        "ledger",
        "search",
        "statistics",
        "prints",
    }
    steps = sorted(
        {int(n) for n in args.growth_steps.split(",") if n}
        or {max(100, args.scale // 100), max(100, args.scale // 10), args.scale}
    )
    m = machine()
    say(
        f"ICJIS benchmarks — {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, "
        f"load {m['load_average_at_start']}"
    )
    say(
        f"scale: growth steps {steps} cases, persons index {persons:,}; "
        f"{args.seconds:.0f}s per rate measurement"
    )
    results = Results()
    log = Path(os.environ.get("ICJIS_HOME", ".")) / "var" / "bench-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    from benchmarks.database import prepare_django, throwaway_database

    failed = []
    with throwaway_database(f"icjis_bench_{os.getpid()}", args.keep_database) as url:
        prepare_django(url)
        from benchmarks import acts_rate, growth, http, ledger, prints, search, statistics_fold

        plan = [
            (
                "acts",
                "1. acts per second through perform()",
                lambda: acts_rate.run(results, url, args.seconds),
            ),
            (
                "http",
                "2. HTTP acts per second (gunicorn)",
                lambda: http.run(results, url, args.seconds, workers, log),
            ),
            (
                "growth",
                "3 and 6. growth and seeding",
                lambda: growth.run(results, steps, args.seconds),
            ),
            ("ledger", "5. ledger verification", lambda: ledger.run(results)),
            ("search", "4. person search at scale", lambda: search.run(results, persons)),
            ("statistics", "7. statistics from the ledger", lambda: statistics_fold.run(results)),
            ("prints", "8. 1:N fingerprint search", lambda: prints.run(results)),
        ]
        for key, title, scenario in plan:
            if key not in only:
                continue
            say(f"\n== {title} ==")
            t0 = time.perf_counter()
            try:
                scenario()
            except Exception:  # noqa: BLE001 - one failed scenario must not hide the others
                failed.append(key)
                traceback.print_exc()
                results.notes.append(f"scenario {key} failed; see the run's output")
            say(f"   ({title}: {time.perf_counter() - t0:.1f}s)")
    results.write(
        Path(args.out),
        {
            "scale": args.scale,
            "persons": persons,
            "steps": steps,
            "gunicorn_workers": workers,
            "seconds_per_rate": args.seconds,
        },
    )
    say(f"\nwritten {args.out} in {time.time() - results.started:.0f}s total")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
