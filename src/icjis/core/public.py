"""Headers of the public pages reached by a code printed on paper (a receipt, a document)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

# Short enough that a revoked code stops showing within a minute even from a browser's cache.
PUBLIC_MAX_AGE = 60


def public_headers(response: HttpResponse, referrer: str = "no-referrer") -> HttpResponse:
    """`private`: the pages carry the site header's CSRF cookie, which a shared cache must not
    hand to others; the code in the address must not leak by Referer, nor be indexed. A page
    with a form posting to itself says `same-origin`: under `no-referrer` a browser sends
    `Origin: null` with the form, which the CSRF check rightly refuses."""
    patch_cache_control(response, private=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Accept"])
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
