"""Benchmark 8 — 1:N fingerprint search (`evidence.afis.search`, the two-stage Bozorth3 search the
job `evidence.prints.search` runs): prints of the register compared per second, and the share
of probes whose finger comes first; baseline: Bozorth3 on the whole templates of every print of
the register (no first stage), for the same probes, in the same run.

The register is `REGISTER` synthetic fingers (`evidence.synthetic_prints`), one impression
each; the probes are other impressions of `PROBES` of them and latent prints (a window of about
half the finger) of `LATENTS` more. No database: the matcher alone, as the job runs it."""

from __future__ import annotations

import time

from benchmarks.common import Figure, Results, progress

REGISTER = 300
PROBES = 10
LATENTS = 10
SEED = 880_000


def _register() -> list:
    from icjis.evidence import afis
    from icjis.evidence import synthetic_prints as sp

    out = []
    started = time.perf_counter()
    for n in range(REGISTER):
        finger = SEED + n
        t = afis.template_of(sp.impression(finger, 0))
        out.append(afis.Candidate(finger, t.iso, t.coarse))
        sp.master.cache_clear()  # the register, not the generator's cache, is what is measured
        if (n + 1) % 50 == 0:
            rate = (n + 1) / (time.perf_counter() - started)
            progress(f"register: {n + 1} of {REGISTER} synthetic prints ({rate:.1f}/s)")
    return out


def _brute(probe, register) -> list:  # type: ignore[no-untyped-def]
    from icjis.evidence import afis

    scored = [(c.key, afis.score(probe.iso, c.iso)) for c in register]
    return sorted([(k, s) for k, s in scored if s >= afis.THRESHOLD], key=lambda ks: -ks[1])


def run(results: Results) -> None:
    from icjis.evidence import afis
    from icjis.evidence import synthetic_prints as sp

    t0 = time.perf_counter()
    register = _register()
    probes = [(SEED + n, afis.template_of(sp.impression(SEED + n, 1))) for n in range(PROBES)]
    latents = [
        (SEED + n, afis.template_of(sp.latent(SEED + n, 2)))
        for n in range(PROBES, PROBES + LATENTS)
    ]
    every = probes + latents
    timings: dict[str, float] = {}
    first: dict[str, int] = {}
    for name, search in (
        ("two-stage", lambda p: list(afis.search(p, register))),
        ("whole templates", lambda p: _brute(p, register)),
    ):
        progress(f"{name}: {len(every)} probes against {REGISTER} prints")
        started = time.perf_counter()
        found = [(finger, search(probe)) for finger, probe in every]
        timings[name] = time.perf_counter() - started
        first[name] = sum(1 for finger, hits in found if hits and hits[0][0] == finger)
    compared = len(every) * REGISTER
    results.add(
        Figure(
            name=f"1:N fingerprint search, {REGISTER} prints",
            value=compared / timings["two-stage"],
            unit="prints compared/s",
            baseline=compared / timings["whole templates"],
            baseline_name="Bozorth3 on every whole template",
            seconds=time.perf_counter() - t0,
            details={
                "probes": f"{PROBES} other impressions, {LATENTS} latent windows",
                "found first, two-stage": f"{first['two-stage']} of {len(every)}",
                "found first, whole templates": f"{first['whole templates']} of {len(every)}",
                "one search, two-stage, ms": round(1000 * timings["two-stage"] / len(every), 1),
            },
        )
    )
