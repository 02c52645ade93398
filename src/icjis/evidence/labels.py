"""The printable label of an item: stuck on its packing, it names the case, the item's number
and id, what it is and the seal, and its QR code opens the item's page (for staff who may read
it — the code carries the address, never the item's contents)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from icjis.core.pdf import PdfUnavailable, qr_svg, render_pdf
from icjis.core.refusals import Unavailable, say
from icjis.evidence.models import Item


def item_url(request: HttpRequest, item: Item) -> str:
    return request.build_absolute_uri(reverse("evidence:item", args=[item.id]))


def label_pdf(request: HttpRequest, item: Item) -> bytes:
    url = item_url(request, item)
    context = {
        "item": item,
        "qr": qr_svg(url),
        "url": url,
        "language": get_language() or settings.LANGUAGE_CODE,
    }
    try:
        return render_pdf(render_to_string("evidence/label.html", context))
    except PdfUnavailable as exc:
        raise Unavailable(
            say("Labels cannot be printed on this server now; try again later.")
        ) from exc
