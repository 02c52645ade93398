"""The judge draw `weighted-sha256-v1` as pure functions: anyone can copy this module (it needs
nothing but Python's standard library) and re-run a published draw record (CPC 29(1)).

- weight = floor(1,000,000 × factor × share / (100 × (1 + load))) — integers only, so every
  machine computes the same number: `load` is the judge's open cases in the court, `factor` the
  specialist factor when the judge's specialisations include the case's category or article
  (else 1), `share` the percentage of a full caseload the judge takes (100 by default);
- the commitment recorded before the draw is SHA-256 of the seed's text (64 hex digits);
- candidates in username order; for seat k = 1, 2, …: h = SHA-256("<seed>:<court case>:<k>")
  read as a 256-bit big-endian number, T = the sum of the remaining weights, r = floor(h × T /
  2^256); walking the remaining candidates in order and adding up their weights, the first
  whose running sum exceeds r takes seat k and leaves the list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

ALGORITHM = "weighted-sha256-v1"
SCALE = 1_000_000
FULL_SHARE = 100


class NoCandidate(Exception):
    """No judge with a positive weight is left for a seat."""


def commitment_of(seed: str) -> str:
    """The commitment to a seed: SHA-256 of its text (64 lowercase hex digits), in hex."""
    return hashlib.sha256(seed.encode()).hexdigest()


def weight_of(load: int, factor: int, share: int) -> int:
    """floor(1,000,000 × factor × share / (100 × (1 + load))) — integers only, so that anyone
    recomputes exactly the same number."""
    return (SCALE * factor * share) // (FULL_SHARE * (1 + load))


def _ticket(seed: str, court_case: str, seat: int) -> int:
    digest = hashlib.sha256(f"{seed}:{court_case}:{seat}".encode()).digest()
    return int.from_bytes(digest, "big")


def choose(
    candidates: Sequence[Mapping[str, Any]], seed: str, court_case: str, seats: int = 1
) -> list[str]:
    """The judges drawn for `seats` seats, in seat order, from candidates {judge, weight}.

    Pure and deterministic: the same candidates, seed and court case always give the same
    judges. Candidates are taken in username order whatever order they are given in."""
    remaining = sorted((str(c["judge"]), int(c["weight"])) for c in candidates)
    chosen: list[str] = []
    for seat in range(1, seats + 1):
        total = sum(weight for _, weight in remaining)
        if total <= 0:
            raise NoCandidate(f"no candidate with a positive weight is left for seat {seat}")
        point = (_ticket(seed, court_case, seat) * total) >> 256
        running = 0
        for index, (judge, weight) in enumerate(remaining):
            running += weight
            if point < running:
                chosen.append(judge)
                del remaining[index]
                break
    return chosen


def verify_draw(record: Mapping[str, Any]) -> tuple[bool, str]:
    """Re-run a draw from its record; (True, what was checked) or (False, the first difference).

    Checks that SHA-256(seed) is the commitment, that every weight follows from the recorded
    load, factor and share, that the candidates are listed once each in username order, and that
    the draw gives the recorded judge(s)."""
    try:
        return _verify(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return False, f"the record is malformed ({type(exc).__name__}: {exc})"


def _verify(record: Mapping[str, Any]) -> tuple[bool, str]:
    try:
        algorithm = record["algorithm"]
        seed = str(record["seed"])
        commitment = str(record["commitment"])
        court_case = str(record["court_case"])
        candidates = list(record["candidates"])
        chosen = [str(j) for j in record["chosen"]]
    except (KeyError, TypeError) as exc:
        return False, f"the record lacks {exc}"
    if algorithm != ALGORITHM:
        return False, f"unknown algorithm {algorithm!r}; this verifier knows {ALGORITHM}"
    if commitment_of(seed) != commitment:
        return False, (
            f"the seed does not match the commitment: SHA-256(seed) is {commitment_of(seed)}, "
            f"the commitment recorded before the draw is {commitment}"
        )
    names = [str(c.get("judge")) for c in candidates]
    if names != sorted(set(names)):
        return False, "the candidates are not listed once each in username order"
    for c in candidates:
        try:
            load, factor, share = int(c["load"]), int(c["factor"]), int(c["share"])
            weight = int(c["weight"])
        except (KeyError, TypeError, ValueError):
            return False, f"the candidate {c.get('judge')} lacks a load, factor, share or weight"
        if load < 0 or factor < 1 or not 0 <= share <= FULL_SHARE:
            return False, f"the candidate {c['judge']} has a load, factor or share out of range"
        expected = weight_of(load, factor, share)
        if weight != expected:
            return False, (
                f"the weight of {c['judge']} is recorded as {weight}, but load {load}, factor "
                f"{factor} and share {share} give {expected}"
            )
    try:
        drawn = choose(candidates, seed, court_case, len(chosen))
    except NoCandidate as exc:
        return False, f"the draw cannot be re-run: {exc}"
    if drawn != chosen:
        return False, (
            f"re-running the draw gives {', '.join(drawn)}; the record says {', '.join(chosen)}"
        )
    return True, (
        f"SHA-256(seed) equals the commitment; every weight follows from its inputs; re-running "
        f"{ALGORITHM} gives {', '.join(drawn)}, as recorded"
    )
