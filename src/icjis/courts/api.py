"""API routes of this module (mounted under /api/v1 by icjis.urls)."""

from ninja import Router

router = Router(tags=["courts"])
