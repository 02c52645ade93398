"""Demo experts of the forensic laboratories: the demo `expert` of each laboratory and two more,
each qualified for some kinds of expertise, so that a commission can sit and the load decides
who is assigned. Synthetic: no real person's data."""

from __future__ import annotations

import functools
import io

from django.db import transaction

from icjis.core import clock
from icjis.core.demo import demo_password_hash
from icjis.core.models import Unit, User
from icjis.core.seeding import world_seeder
from icjis.forensics.models import Expert

# (username suffix-less, specialisations), in each demo laboratory
EXPERTS = [
    ("expert", ["medical", "biological", "psychiatric", "dactyloscopic", "trace"]),
    ("expert_2", ["ballistic", "trace", "chemical", "psychiatric", "computer"]),
    ("expert_3", ["handwriting", "document", "economic", "medical", "psychiatric"]),
]
LABS = (("GB-SSE", ""), ("OSH-SSE", "_osh"))


@world_seeder
@transaction.atomic
def seed_experts() -> None:
    """Idempotent: users and experts that exist are left alone; labs missing are skipped."""
    password = demo_password_hash()
    for code, suffix in LABS:
        lab = Unit.objects.filter(code=code).first()
        if lab is None:
            continue
        for name, specialisations in EXPERTS:
            user, _ = User.objects.get_or_create(
                username=name + suffix,
                defaults={
                    "full_name": f"Demo {name}{suffix}",
                    "agency_id": lab.agency_id,
                    "unit": lab,
                    "roles": ["expert"],
                    "is_demo": True,
                    "created_at": clock.now(),
                    "password": password,
                },
            )
            Expert.objects.get_or_create(
                user=user, defaults={"lab": lab, "specialisations": specialisations}
            )


@functools.cache
def synthetic_photo() -> bytes:
    """The photograph the demo's examinations carry (CPC 179(11)): a drawn card saying it is
    synthetic, no one's body. The same bytes every time, so every story's is one stored file."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (214, 196, 182))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 80, 200, 140), fill=(120, 90, 140))
    draw.text((12, 12), "ICJIS demo: synthetic photograph", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
