"""The pages' context on a field node: its code, for the link to the journal in every page's
navigation (empty on any other install)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def field_node(request: HttpRequest) -> dict[str, str]:
    return {"field_node": settings.FIELD_NODE}
