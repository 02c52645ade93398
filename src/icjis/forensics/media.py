"""The photographs and video of an expert's examination of a person who states torture or cruel
treatment (CPC 179(11): the examination is photographed or filmed).

Photographs come with the opinion (`forensics.opinion.submit`), in base64, and are kept as
stored files under their SHA-256 (`documents.files`), which the event records; a video, too
large to pass through an act, is recorded by its SHA-256 and the carrier handed over with the
opinion, so that the film produced later can be checked against the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import pydantic
from django.http import HttpResponse
from django.utils.translation import gettext_noop

from icjis.core.models import Event
from icjis.core.refusals import Conflict, Invalid, NotFound, say
from icjis.detention.models import Complaint as DetentionComplaint
from icjis.documents import files
from icjis.forensics.models import Expertise

MAX_PHOTO = 2_000_000
"""Bytes of one photograph (a JPEG of a few megapixels)."""
MAX_PHOTOS = 5
"""Photographs with one opinion: five at their largest stay within a request's 16 MB."""
SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}

Photo = Annotated[
    str,
    pydantic.Field(
        min_length=8,
        max_length=4 * MAX_PHOTO // 3 + 4,
        description="a photograph of the examination, JPEG or PNG, base64",
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/jpeg"},
    ),
]


class Video(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    sha256: str = pydantic.Field(
        pattern=r"^[0-9a-f]{64}$",
        title="SHA-256",
        description="the SHA-256 of the video file, in hexadecimal",
    )
    carrier: str = pydantic.Field(
        min_length=3,
        max_length=200,
        description="where the video is kept: the carrier handed over with the opinion",
    )


def media_type(content: bytes) -> str:
    """The type of a stored photograph, from its first bytes ("" when neither JPEG nor PNG)."""
    return next((t for sig, t in SIGNATURES.items() if content.startswith(sig)), "")


def read_photos(given: list[str]) -> list[bytes]:
    """The bytes of each photograph given in base64, every one read before any is kept; a
    refusal names the photograph at fault."""
    photos = []
    for n, text in enumerate(given):
        field = f"photos.{n}"
        raw = files.image_bytes(field, text, MAX_PHOTO)
        if not media_type(raw):
            raise Invalid(
                say("A photograph is a JPEG or PNG image."),
                fields={field: gettext_noop("not JPEG or PNG")},
            )
        photos.append(raw)
    return photos


def keep_photos(photos: list[bytes], at: datetime) -> list[str]:
    return [files.store(raw, at) for raw in photos]


def on_statement_of_torture(expertise: Expertise) -> bool:
    """Whether the expertise examines a person who stated torture or cruel treatment in the case
    (`registry.torture.report`) or complained of violence as a detainee in it
    (`detention.complaint`), before or since it was ordered: such an examination is
    photographed or filmed (CPC 179(11)), whatever the case's rule pack times."""
    if not expertise.person or "medical" not in expertise.kinds:
        return False
    stated = Event.objects.filter(
        stream=f"case/{expertise.case_id}", kind="registry.torture.report"
    ).only("data")
    if any(event.payload.get("person") == expertise.person for event in stated):
        return True
    return DetentionComplaint.objects.filter(
        detention__case_id=expertise.case_id,
        detention__person_id=expertise.person,
        about_violence=True,
    ).exists()


def require_media(expertise: Expertise, photos: list[Any], video: Any) -> None:
    if (photos or video) or not on_statement_of_torture(expertise):
        return
    raise Invalid(
        say(
            "The examination of a person who stated torture or cruel treatment is photographed "
            "or filmed (CPC 179(11)): attach the photographs, or record the video's SHA-256 and "
            "carrier."
        ),
        fields={"photos": gettext_noop("required")},
    )


def photo_response(expertise: Expertise, n: int) -> HttpResponse:
    """Photograph `n` (from 1) of the expertise's examination, checked against the SHA-256 the
    ledger recorded before it is served: a photograph missing or altered is refused, never
    served. The caller has authorised and logged the read (`access_expertise`)."""
    if not 1 <= n <= len(expertise.photos):
        raise NotFound(say("No such photograph."), fields={"n": gettext_noop("unknown")})
    try:
        content = files.read(expertise.photos[n - 1])
    except files.FileAltered:
        raise Conflict(
            say("This photograph is not the one recorded; tell the administrator.")
        ) from None
    kind = media_type(content)
    response = HttpResponse(content, content_type=kind)
    extension = "png" if kind == "image/png" else "jpg"
    response["Content-Disposition"] = f'inline; filename="{expertise.id}-{n}.{extension}"'
    response["Cache-Control"] = "private, no-store"  # kept by no browser cache or proxy
    return response
