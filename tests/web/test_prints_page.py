"""Fingerprints on the pages: taken through the act's own form, a file per finger, and shown on
the case page with what the search of the register found."""

from __future__ import annotations

import base64
import io
import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from icjis.evidence import prints
from icjis.evidence import synthetic_prints as sp
from icjis.evidence.models import PrintCard

PERSON = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}


def _suspect(as_user, number):
    r = as_user("investigator").act(
        "registry.participant.add", {"role": "suspect", "person": PERSON}, case=number
    )
    assert r.status_code == 201, r.content
    return r.json()["result"]["person"]


def _open(as_user, new_case):
    number = new_case()
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    opening = {"article": "205", "part": 1}
    r = as_user("investigator").act("registry.case.open", opening, case=number)
    assert r.status_code == 201, r.content
    return number


def test_the_prints_are_uploaded_a_file_per_finger_and_the_case_page_shows_them(
    browser, as_user, new_case
):
    number = _open(as_user, new_case)
    suspect = _suspect(as_user, number)
    investigator = browser("investigator")
    url = reverse("web:act", args=[number, "evidence.prints.take"])
    form = unescape(investigator.get(url).content.decode())
    assert 'enctype="multipart/form-data"' in form
    inputs = re.findall(r'<input type="file" id="f-([a-z_]+)"', form)
    assert inputs == list(prints.FINGERS)

    blank = io.BytesIO()
    Image.new("L", (320, 380), 255).save(blank, format="PNG")
    refused = investigator.post(
        url,
        {
            "person": suspect,
            "idempotency_key": "prints-1",
            "right_index": SimpleUploadedFile("ri.png", blank.getvalue(), "image/png"),
        },
    )
    assert refused.status_code == 400
    page = unescape(refused.content.decode())
    assert 'id="f-right_index-error"' in page
    assert not PrintCard.objects.exists()

    answer = investigator.post(
        url,
        {
            "person": suspect,
            "idempotency_key": "prints-2",
            "right_index": SimpleUploadedFile(
                "ri.png", sp.impression(sp.finger_seed(7101, 2), 0), "image/png"
            ),
            "left_index": SimpleUploadedFile(
                "li.png", sp.impression(sp.finger_seed(7101, 7), 0), "image/png"
            ),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    card = PrintCard.objects.get()
    assert sorted(card.fingers.values_list("position", flat=True)) == [2, 7]

    page = unescape(investigator.get(f"/cases/{number}/").content.decode())
    assert "Fingerprints" in page and card.id in page and "right index, left index" in page
    assert "Waiting: the system compares the prints" in page
    prints.do_searches()
    page = unescape(investigator.get(f"/cases/{number}/").content.decode())
    assert "No match among 0 prints compared." in page


def test_the_russian_page_names_the_fingers_in_russian(browser, as_user, new_case):
    number = _open(as_user, new_case)
    suspect = _suspect(as_user, number)
    image = sp.impression(sp.finger_seed(7102, 1), 0)
    r = as_user("investigator").act(
        "evidence.prints.take",
        {"person": suspect, "right_thumb": base64.b64encode(image).decode()},
        case=number,
    )
    assert r.status_code == 201, r.content
    page = unescape(browser("investigator", "ru").get(f"/cases/{number}/").content.decode())
    assert "Отпечатки пальцев" in page and "большой палец правой руки" in page
