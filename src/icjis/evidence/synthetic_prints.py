"""Synthetic fingerprints for the demo, the seeded stories and the tests — never a real person's.

A finger is a ridge pattern grown from a few random seeds by Gabor filters that follow an
orientation field with a core and a delta (the zero-pole model of Sherlock and Monro), the way
SFinGe-like generators make their masters; an impression of it is the master seen through an
oval pad, turned and shifted a little, with noise — so two impressions of one finger score high
under Bozorth3 and those of two fingers do not. Deterministic: the same seeds give the same
bytes.
"""

from __future__ import annotations

import io
from functools import lru_cache

HEIGHT, WIDTH = 380, 320  # pixels at 500 ppi: a plain impression
_BINS = 8
_ROUNDS = 8


def _orientation(rng, h: int, w: int):  # type: ignore[no-untyped-def]
    import numpy as np

    cx, cy = w / 2 + rng.uniform(-30, 30), h * 0.42 + rng.uniform(-30, 30)
    kind = int(rng.integers(0, 3))
    if kind == 0:  # a loop
        side = rng.choice([-1, 1])
        cores = [complex(cx, cy)]
        deltas = [complex(cx + side * rng.uniform(80, 120), cy + rng.uniform(110, 160))]
    elif kind == 1:  # a whorl
        cores = [complex(cx - 15, cy), complex(cx + 15, cy + 20)]
        deltas = [complex(cx - 120, cy + 150), complex(cx + 120, cy + 150)]
    else:  # an arch
        cores = [complex(cx, cy + 40)]
        deltas = [complex(cx + rng.uniform(-10, 10), cy + 60)]
    y, x = np.mgrid[0:h, 0:w].astype(float)
    z = x + 1j * y
    theta = np.zeros((h, w))
    for c in cores:
        theta += np.angle(z - c)
    for d in deltas:
        theta -= np.angle(z - d)
    return 0.5 * theta + rng.uniform(-0.2, 0.2)


def _gabor_bank(period: float, sigma: float = 3.5, size: int = 17):  # type: ignore[no-untyped-def]
    import numpy as np

    r = size // 2
    y, x = np.mgrid[-r : r + 1, -r : r + 1].astype(float)
    bank = []
    for i in range(_BINS):
        t = np.pi * i / _BINS
        along = x * np.cos(t) + y * np.sin(t)
        across = -x * np.sin(t) + y * np.cos(t)
        k = np.exp(-(along**2 + across**2) / (2 * sigma**2)) * np.cos(2 * np.pi * across / period)
        bank.append(k - k.mean())
    return bank


@lru_cache(maxsize=64)
def master(finger_seed: int) -> tuple[bytes, bytes]:
    """The finger's ridge pattern (float64 bytes, HEIGHT×WIDTH, in [-1, 1]) and its pad (bool
    bytes)."""
    import numpy as np

    rng = np.random.default_rng(finger_seed)
    h, w = HEIGHT, WIDTH
    theta = _orientation(rng, h, w)
    bins = (np.round(((theta % np.pi) / np.pi) * _BINS) % _BINS).astype(int)
    bank = _gabor_bank(period=rng.uniform(8.5, 10.0))
    # A border of 10 and 8 pixels (more than the filters' reach of 8) makes sizes whose FFT is
    # quick: 400 = 2^4·5^2, 336 = 2^4·3·7.
    py, px = 10, 8
    big = (h + 2 * py, w + 2 * px)
    spectra = [np.fft.rfft2(k, s=big) for k in bank]
    r = bank[0].shape[0] // 2
    img = np.zeros((h, w))
    seeds = rng.integers(0, [h, w], size=(40, 2))
    img[seeds[:, 0], seeds[:, 1]] = 1.0
    img += rng.normal(0, 0.02, (h, w))
    for _ in range(_ROUNDS):
        f = np.fft.rfft2(np.pad(img, ((py, py), (px, px))))
        out = np.zeros((h, w))
        for i, spectrum in enumerate(spectra):
            whole = np.fft.irfft2(f * spectrum, s=big)
            filtered = whole[py + r : py + r + h, px + r : px + r + w]
            here = bins == i
            out[here] = filtered[here]
        img = np.clip(out / (np.abs(out).max() + 1e-9) * 4, -1, 1)
    y, x = np.mgrid[0:h, 0:w]
    oval = ((x - w / 2) / (w * 0.46)) ** 2 + ((y - h / 2) / (h * 0.48)) ** 2 <= 1
    return img.tobytes(), oval.tobytes()


def impression(finger_seed: int, take: int) -> bytes:
    """One impression (`take`) of the finger as a grey PNG: ridges dark on white, turned up to
    12 degrees, shifted up to 15 pixels, with noise."""
    import numpy as np
    from PIL import Image

    ridges, pad = master(finger_seed)
    m = np.frombuffer(ridges, dtype=float).reshape(HEIGHT, WIDTH)
    oval = np.frombuffer(pad, dtype=bool).reshape(HEIGHT, WIDTH)
    rng = np.random.default_rng([finger_seed, take])
    grey = np.clip(255 - np.where(oval, (m + 1) / 2, 0) * 200, 0, 255).astype(np.uint8)
    im = Image.fromarray(grey).rotate(
        rng.uniform(-12, 12),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
        translate=(int(rng.integers(-15, 16)), int(rng.integers(-15, 16))),
    )
    noisy = np.asarray(im).astype(float) + rng.normal(0, 12, (HEIGHT, WIDTH))
    out = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def latent(finger_seed: int, take: int) -> bytes:
    """A partial print of the finger, as lifted from a surface: an impression of which only a
    window of about half its width and height is left, on white."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(impression(finger_seed, take))) as im:
        grey = np.asarray(im.convert("L")).copy()
    rng = np.random.default_rng([finger_seed, take, 7])
    h, w = int(HEIGHT * rng.uniform(0.5, 0.6)), int(WIDTH * rng.uniform(0.55, 0.65))
    top = int(HEIGHT * 0.25 + rng.uniform(-20, 20))
    left = int((WIDTH - w) / 2 + rng.uniform(-20, 20))
    kept = np.full_like(grey, 255)
    kept[top : top + h, left : left + w] = grey[top : top + h, left : left + w]
    out = io.BytesIO()
    Image.fromarray(kept).save(out, format="PNG")
    return out.getvalue()


def finger_seed(person_seed: int, position: int) -> int:
    """The finger `position` (1-10) of a synthetic person."""
    return person_seed * 16 + position
