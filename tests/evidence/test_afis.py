"""The fingerprint matcher (`evidence.afis`, NBIS through nbis-py) on synthetic prints: two
impressions of one finger match, those of two fingers do not, a partial latent print finds its
finger, and the cut template keeps the most reliable minutiae in a record NBIS reads."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from icjis.evidence import afis
from icjis.evidence import synthetic_prints as sp

FINGERS = [sp.finger_seed(900 + p, 2) for p in range(6)]


@pytest.fixture(scope="module")
def templates() -> dict[tuple[int, int], afis.Template]:
    return {(f, take): afis.template_of(sp.impression(f, take)) for f in FINGERS for take in (0, 1)}


def test_two_impressions_of_a_finger_match_and_two_fingers_do_not(templates):
    for f in FINGERS:
        for g in FINGERS:
            s = afis.score(templates[(f, 0)].iso, templates[(g, 1)].iso)
            if f == g:
                assert s >= 3 * afis.THRESHOLD, (f, s)
            else:
                assert s < afis.THRESHOLD, (f, g, s)


def test_a_search_finds_the_finger_first_and_no_other(templates):
    register = [afis.Candidate(f, templates[(f, 1)].iso, templates[(f, 1)].coarse) for f in FINGERS]
    for f in FINGERS:
        found = list(afis.search(templates[(f, 0)], register))
        assert [key for key, _s in found] == [f]


def test_a_latent_print_finds_its_finger(templates):
    register = [afis.Candidate(f, templates[(f, 0)].iso, templates[(f, 0)].coarse) for f in FINGERS]
    for f in FINGERS[:3]:
        probe = afis.template_of(sp.latent(f, 5))
        assert probe.minutiae < templates[(f, 0)].minutiae  # a part of the finger
        assert [key for key, _s in afis.search(probe, register)] == [f]


def test_the_same_image_gives_the_same_template():
    image = sp.impression(FINGERS[0], 0)
    assert afis.template_of(image) == afis.template_of(image)
    assert sp.impression(FINGERS[0], 0) == image  # the synthetic print is deterministic


def _png(width: int, height: int, colour: int = 255) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "image",
    [b"not an image at all", _png(100, 100), _png(2500, 400), _png(320, 380)],
    ids=["bytes", "too-small", "too-large", "blank"],
)
def test_what_is_no_print_is_unreadable(image):
    with pytest.raises(afis.Unreadable):
        afis.template_of(image)


@settings(max_examples=40, deadline=None)
@given(keep=st.integers(min_value=1, max_value=120), finger=st.sampled_from(FINGERS[:2]))
def test_a_cut_template_keeps_the_most_reliable_minutiae_in_order(templates, keep, finger):
    whole = templates[(finger, 0)].iso
    cut = afis.trim(whole, keep)
    n = afis.minutiae_count(whole)

    def minutiae(record: bytes) -> list[bytes]:
        count = afis.minutiae_count(record)
        return [record[26 + 6 * i : 26 + 6 * i + 6] for i in range(count)]

    kept, every = minutiae(cut), minutiae(whole)
    assert len(kept) == min(keep, n)
    # nbis-py 0.1.3's layout, read here without the module's offsets: a 22-byte header whose
    # bytes 8-11 give the record's length, a 4-byte view whose last byte counts the minutiae,
    # 6 bytes a minutia.
    assert cut[:8] == b"FMR\x00 20\x00" and cut[25] == len(kept)
    assert len(cut) == 22 + 4 + 6 * len(kept) == int.from_bytes(cut[8:12], "big")
    assert kept == [m for m in every if m in kept]  # a subsequence: the original order
    dropped = [m for m in every if m not in kept]
    if dropped:
        assert min(m[5] for m in kept) >= max(m[5] for m in dropped)
    if len(kept) >= 30:  # fewer, and Bozorth3 finds too few agreeing pairs (16 scored 22-31)
        assert afis.score(cut, whole) >= afis.THRESHOLD


@pytest.mark.parametrize(
    "damage",
    [lambda r: b"XMR" + r[3:], lambda r: r[:-1], lambda r: r + b"\x00" * 6],
    ids=["mark", "short", "long"],
)
def test_a_record_of_another_shape_is_refused(templates, damage):
    whole = templates[(FINGERS[0], 0)].iso
    afis.check(whole)
    with pytest.raises(afis.Unreadable):
        afis.check(damage(whole))
    with pytest.raises(afis.Unreadable):
        afis.trim(damage(whole), 10)


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
    keep=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_damaged_bytes_give_a_template_or_unreadable_and_nothing_else(cuts, keep):
    """Whatever bytes arrive (a print damaged on the way, anything at all), the matcher answers
    with a template or `Unreadable`: a refusal naming the finger, never a server error."""
    image = bytearray(sp.impression(FINGERS[0], 0))
    for where, value in cuts:
        image[where % len(image)] = value
    if keep is not None:
        image = image[: keep % len(image)]
    try:
        afis.template_of(bytes(image))
    except afis.Unreadable:
        pass
