"""The API's errors, `{error, message}`, in the caller's language: English, or Kyrgyz or Russian
when the request's Accept-Language asks for it. One answer for the API's own handlers and for
the errors made before a request reaches them (`core.middleware`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from icjis.core.refusals import Said


def asked_language(request: HttpRequest) -> str | None:
    """The first language the caller's Accept-Language names (by its weights) that the
    catalogues have: ky, ru or en; None when it names none of them. Unlike a page, the API
    falls back on neither a cookie nor the site's default: without the header it answers in
    English, as it always has."""
    for code, _weight in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def in_asked_language(language: str | None, message: str) -> tuple[str, str]:
    """A sentence in the `language` the caller asks for (`asked_language`), and that language's
    code: a sentence made by `say` is said again from its template's catalogue entry, its
    values as a page says them (`web.refusals.localise_said`); any other, and any when no
    language is asked, in English."""
    if language in (None, "en") or not isinstance(message, Said):
        return str(message), "en"
    from icjis.web.refusals import localise_said

    with translation.override(language):
        return localise_said(message), language


def error_response(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> JsonResponse:
    """The error body `{error, message, …}`, the message in the asked language, which the answer
    names in Content-Language and varies by."""
    said, language = in_asked_language(asked_language(request), message)
    body = {"error": code, "message": said, **extra}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response
