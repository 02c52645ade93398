"""API routes of the register of crimes (mounted under /api/v1 by icjis.urls)."""

from ninja import Router

router = Router(tags=["registry"])
