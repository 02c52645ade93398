"""A name in the reader's language, for the models that keep one per language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def localised(obj: Any, field: str = "name") -> str:
    """`obj.<field>_<language>` (name_ky, name_ru, name_en …), falling back to Russian."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return str(getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_ru", ""))
