"""The examination on a statement of torture through the pages (CPC 179(11)): the expert's opinion
form takes several photographs at once, and the expertise's page shows them."""

from __future__ import annotations

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.forensics.conftest import order
from tests.registry.test_filings import counsel
from tests.registry.test_procedure import ok
from tests.registry.test_torture import SAID, png

from icjis.forensics.models import Assignment, Expertise


def test_the_expert_uploads_the_photographs_with_the_opinion(browser, as_user):
    number, person = counsel(as_user)
    ok(as_user("lawyer").act("registry.torture.report", {"person": person, "text": SAID}, number))
    ordered = ok(order(as_user("investigator"), number, kind="medical", person=person))
    expertise = ordered["result"]["expertise"]
    [assigned] = Assignment.objects.filter(expertise_id=expertise).values_list("expert", flat=True)
    expert = browser(assigned)
    url = reverse("web:act", args=[number, "forensics.opinion.submit"])
    form = unescape(expert.get(url, {"expertise": expertise}).content.decode())
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input type="file" id="f-photos" name="photos"[^>]* multiple', form), form
    fields = {
        "expertise": expertise,
        "research": "Осмотр проведён, выявлены кровоподтёки предплечий.",
        "answers": "Кровоподтёки\n3-5 суток",
        "idempotency_key": "opinion-1",
    }
    refused = expert.post(url, fields)
    assert refused.status_code == 400 and "179(11)" in unescape(refused.content.decode())
    photos = [png(10), png(250)]
    uploads = [SimpleUploadedFile(f"{n}.png", p, "image/png") for n, p in enumerate(photos)]
    answer = expert.post(url, {**fields, "idempotency_key": "opinion-2", "photos": uploads})
    assert answer.status_code == 302, unescape(answer.content.decode())[:3000]
    assert len(Expertise.objects.get(pk=expertise).photos) == 2
    page = unescape(expert.get(reverse("forensics:expertise", args=[expertise])).content.decode())
    for n in (1, 2):
        assert f'src="/forensics/{expertise}/photos/{n}"' in page
    assert expert.get(f"/forensics/{expertise}/photos/1").content == photos[0]
