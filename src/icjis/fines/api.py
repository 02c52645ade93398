"""API routes of the fines module (mounted under /api/v1 by icjis.urls)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["fines"])
