"""The printable label of an item: stuck on its packing, it names the case, the item's number
and id, what it is and the seal, and its QR code opens the item's page (for staff who may read
it — the code carries the address, never the item's contents)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from icjis.core.pdf import PdfUnavailable, qr_svg, render_pdf
from icjis.core.refusals import Unavailable, say
from icjis.evidence.models import Item


def item_url(request: HttpRequest, item: Item) -> str:
    return request.build_absolute_uri(reverse("evidence:item", args=[item.id]))


WORDS = {
    "title": gettext_noop("Item of material evidence"),
    "case": gettext_noop("Case"),
    "seized": gettext_noop("Seized"),
    "seal": gettext_noop("Seal"),
    "not_sealed": gettext_noop("not sealed"),
}
LANGUAGES = ("ky", "ru")
"""A label is read by whoever handles the packing: it speaks both languages of proceedings
(Constitution 13; CPC 21(1)), whatever the language of the official who prints it."""


def _both(text: str) -> str:
    said = []
    for language in LANGUAGES:
        with translation.override(language):
            said.append(translation.gettext(text))
    return " / ".join(dict.fromkeys(said))  # a word the same in both is said once


def label_pdf(request: HttpRequest, item: Item) -> bytes:
    url = item_url(request, item)
    number = {}
    for language in LANGUAGES:
        with translation.override(language):
            number[language] = translation.gettext("Item No. %(number)s") % {"number": item.number}
    context = {
        "item": item,
        "qr": qr_svg(url),
        "url": url,
        "words": {key: _both(text) for key, text in WORDS.items()},
        "number": " / ".join(dict.fromkeys(number.values())),
        "language": LANGUAGES[0],
    }
    try:
        return render_pdf(render_to_string("evidence/label.html", context))
    except PdfUnavailable as exc:
        raise Unavailable(
            say("Labels cannot be printed on this server now; try again later.")
        ) from exc
