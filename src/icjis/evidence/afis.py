"""Fingerprint templates and their 1:N comparison, with NIST's NBIS (`nbis-py`): MINDTCT finds
the minutiae of an image, Bozorth3 scores two templates against each other.

A template is kept as an ISO/IEC 19794-2:2005 record as `nbis-py` 0.1.3 writes and reads it: a
22-byte header (the standard's count of views and its reserved byte left out), one view of 4
bytes and 6 bytes a minutia, no extended data; `check` refuses any other shape, so that a change
of the binding's format cannot go unnoticed.

Bozorth3's time grows steeply with the number of minutiae (measured here: about 0.2-0.3 ms a
comparison at 30 minutiae, 1 at 40, 4 at 50, 8 at 80), so a search runs in two stages: every
candidate is scored on the `COARSE` most reliable minutiae of each side, and only the best
`SHORTLIST` of them — with any coarse score at all — are scored again on their whole templates.
The score that decides is the whole templates' one; from `THRESHOLD` two prints are taken to be
of the same finger, NBIS's customary threshold for Bozorth3. A match is a lead for the expert,
not an identification.
"""

from __future__ import annotations

import atexit
import heapq
import io
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

THRESHOLD = 40
"""Bozorth3's customary decision threshold: a score from 40 is a probable match."""
COARSE = 30
"""Minutiae kept for the first stage of a search (`make bench BENCH_ONLY=prints`: at 40 the
search was 1.6 times as fast as Bozorth3 on every whole template, at 30 2.9 times, finding
every probe's finger first either way)."""
SHORTLIST = 25
"""Candidates scored again on their whole templates."""
MIN_QUALITY = 0.5
"""MINDTCT's reliability below which a minutia is left out of the template: the uncertain ones
(at the edge of the print, in smudges) add time and chance agreement, not evidence."""
MIN_MINUTIAE = 12
"""A print with fewer minutiae than this is too poor to take (taken again at once)."""
MIN_SIDE, MAX_SIDE = 150, 2000
"""Pixels, at 500 ppi: from a fingertip's width to a whole card's."""

_HEADER = 22  # "FMR\0", " 20\0", length (4), equipment (2), width, height, x and y resolution
_VIEW = 4  # finger position, view and impression, quality, count of minutiae
_MINUTIA = 6


class Unreadable(ValueError):
    """The bytes are not an image NBIS can take a template from, or it has too few minutiae."""


@dataclass(frozen=True)
class Template:
    iso: bytes  # the whole template, ISO/IEC 19794-2:2005
    coarse: bytes  # its COARSE most reliable minutiae, the same format
    minutiae: int


@cache
def _extractor() -> Any:
    import nbis

    settings = nbis.NbisExtractorSettings(
        min_quality=MIN_QUALITY,
        get_center=False,
        check_fingerprint=False,
        compute_nfiq2=False,
        ppi=None,
    )
    extractor = nbis.new_nbis_extractor(settings)
    # Freed before the interpreter takes the binding's module apart (its destructor needs it).
    atexit.register(_extractor.cache_clear)
    return extractor


def grey_png(image: bytes) -> tuple[bytes, int, int]:
    """The image as 8-bit grey PNG (what MINDTCT reads best), with its width and height; raises
    `Unreadable` for bytes that are no image, or an image of a size no print has."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(image)) as im:
            width, height = im.size  # from the header: nothing decoded yet
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise Unreadable(f"{width}x{height} pixels")
            im.load()
            grey = im.convert("L")
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: Pillow raises many kinds on them
        raise Unreadable("not an image") from exc
    out = io.BytesIO()
    grey.save(out, format="PNG")
    return out.getvalue(), width, height


def template_of(image: bytes) -> Template:
    """The template of one print image (PNG, JPEG …, 500 ppi)."""
    png, _w, _h = grey_png(image)
    try:
        found = _extractor().extract_minutiae(png)
    except Exception as exc:  # noqa: BLE001 - NbisError, or the binding's InternalError
        raise Unreadable(str(exc)) from exc
    iso = bytes(found.to_iso_19794_2_2005())
    check(iso)
    count = minutiae_count(iso)
    if count < MIN_MINUTIAE:
        raise Unreadable(f"{count} minutiae")
    return Template(iso=iso, coarse=trim(iso, COARSE), minutiae=count)


def minutiae_count(iso: bytes) -> int:
    return iso[_HEADER + 3]


def check(iso: bytes) -> None:
    """Raise `Unreadable` unless `iso` is a record of the shape the module describes: the format's
    mark and version, its own length, and room for exactly its count of minutiae."""
    if len(iso) < _HEADER + _VIEW or iso[:8] != b"FMR\x00 20\x00":
        raise Unreadable("not an ISO/IEC 19794-2:2005 record")
    (length,) = struct.unpack(">I", iso[8:12])
    if length != len(iso) or len(iso) != _HEADER + _VIEW + _MINUTIA * minutiae_count(iso):
        raise Unreadable("a record of another layout than nbis-py 0.1.3's")


def trim(iso: bytes, keep: int) -> bytes:
    """The same record with only its `keep` most reliable minutiae (the quality byte of each;
    the earlier first among equals), in their original order."""
    check(iso)
    count = minutiae_count(iso)
    start = _HEADER + _VIEW
    minutiae = [iso[start + _MINUTIA * i : start + _MINUTIA * (i + 1)] for i in range(count)]
    best = sorted(range(count), key=lambda i: (-minutiae[i][5], i))[:keep]
    kept = [minutiae[i] for i in sorted(best)]
    body = b"".join(kept)
    length = _HEADER + _VIEW + len(body)
    view = iso[_HEADER : _HEADER + 3] + bytes([len(kept)])
    return iso[:8] + struct.pack(">I", length) + iso[12:_HEADER] + view + body


def _load(iso: bytes) -> Any:
    return _extractor().load_iso_19794_2_2005(iso)


def score(a: bytes, b: bytes) -> int:
    """Bozorth3's score of two templates."""
    return int(_load(a).compare(_load(b)))


@dataclass(frozen=True)
class Candidate:
    key: Any  # the caller's name for the template (e.g. card and finger)
    iso: bytes
    coarse: bytes


def search(probe: Template, candidates: Iterable[Candidate]) -> Iterator[tuple[Any, int]]:
    """The candidates whose whole template scores `THRESHOLD` or more against the probe, as
    (key, score), best first; two stages, as the module says."""
    coarse_probe = _load(probe.coarse)
    # The best SHORTLIST so far, the lowest on top; the earlier candidate wins a tie, so the
    # result does not depend on anything but the order given. Nothing else is kept in memory.
    best: list[tuple[int, int, Candidate]] = []
    for n, c in enumerate(candidates):
        s = int(coarse_probe.compare(_load(c.coarse)))
        if s <= 0:
            continue
        if len(best) < SHORTLIST:
            heapq.heappush(best, (s, -n, c))
        elif (s, -n) > best[0][:2]:
            heapq.heapreplace(best, (s, -n, c))
    whole_probe = _load(probe.iso)
    final = []
    for _s, _n, c in sorted(best, key=lambda e: (-e[0], -e[1])):
        s = int(whole_probe.compare(_load(c.iso)))
        if s >= THRESHOLD:
            final.append((c.key, s))
    final.sort(key=lambda ks: -ks[1])
    yield from final
