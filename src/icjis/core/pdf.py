"""Printable documents: HTML → PDF with WeasyPrint, and QR codes drawn on the server.

Shared by the receipt of a crime report (registry) and the signed procedural documents
(documents); neither fetches anything from outside the document it renders.
"""

from __future__ import annotations

import logging

import segno
from django.utils.safestring import SafeString, mark_safe


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries (pango) are missing on this server."""


def render_pdf(html: str) -> bytes:
    """HTML → PDF with WeasyPrint, fetching nothing from outside the document."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise PdfUnavailable(str(exc)) from exc
    # fontTools logs every font subset at INFO: twenty lines per receipt in the server's log.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf()


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG, drawn on the server (no script, no external image)."""
    qr = segno.make_qr(url, error="m")
    svg = qr.svg_inline(
        scale=1, border=4, dark="#000", svgclass="qr", lineclass=None, omitsize=True, title=url
    )
    # segno writes the markup itself and escapes the title; the URL is built by us.
    return mark_safe(svg)  # noqa: S308
