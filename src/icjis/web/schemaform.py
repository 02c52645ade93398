"""Forms generated from an act's pydantic schema (`core.acts.KINDS[...].schema`).

The JSON schema of the act is flattened into fields (nested objects become dotted names such as
`place.region`); what the user types is turned back into the act's data, and the act's own
refusal (`Invalid.fields`, keyed by the same dotted names) is shown beside the field it concerns.
Nothing here decides what is valid: the act does, exactly as through the API.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from icjis.web.labels import choice_label, field_label


@dataclass
class Field:
    """One input of a generated form."""

    name: str  # dotted path into the act's data
    title: str  # the schema's English title (the msgid of the label)
    # text, textarea, select, multi (boxes to tick), datetime, date, number, checkbox, lines,
    # json, fixed, file (a string the act takes in base64: an image …), files (a list of them)
    widget: str
    required: bool
    choices: list[str] = field(default_factory=list)
    max_length: int | None = None
    pattern: str | None = None
    integer: bool = False
    value: Any = ""
    error: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) for pickers

    @property
    def label(self) -> str:
        return field_label(self.title)

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def choice_labels(self) -> list[tuple[str, str]]:
        if self.options:
            return self.options
        return [(c, choice_label(c)) for c in self.choices]


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return defs[node["$ref"].split("/")[-1]]
    return node


def _unwrap(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The first non-null alternative of `anyOf`, and whether null was allowed."""
    node = _resolve(node, defs)
    if "anyOf" in node:
        alternatives = [_resolve(a, defs) for a in node["anyOf"]]
        nullable = any(a.get("type") == "null" for a in alternatives)
        real = [a for a in alternatives if a.get("type") != "null"]
        first = dict(real[0]) if real else {"type": "string"}
        for key in ("title", "description", "default"):
            if key in node and key not in first:
                first[key] = node[key]
        return first, nullable
    return node, False


def fields_of(schema: dict[str, Any]) -> list[Field]:
    """The inputs of the act whose JSON schema is `schema`, in the schema's order."""
    defs = schema.get("$defs", {})
    out: list[Field] = []

    def walk(node: dict[str, Any], prefix: str, required_here: bool) -> None:
        required = set(node.get("required", ()))
        for name, prop in node.get("properties", {}).items():
            if prop.get("system"):
                continue  # given by the system alone (`json_schema_extra={"system": True}`)
            inner, nullable = _unwrap(prop, defs)
            path = f"{prefix}{name}"
            is_required = required_here and name in required and not nullable
            title = prop.get("title") or inner.get("title") or name.replace("_", " ").title()
            if inner.get("type") == "object" or "properties" in inner:
                walk(inner, path + ".", is_required)
                continue
            out.append(_field(path, title, inner, is_required))

    walk(schema, "", True)
    return out


def _field(path: str, title: str, node: dict[str, Any], required: bool) -> Field:
    kind = node.get("type")
    f = Field(name=path, title=title, widget="text", required=required)
    if "enum" in node:
        f.widget = "select"
        f.choices = [str(c) for c in node["enum"]]
    elif kind == "string" and node.get("format") == "date-time":
        f.widget = "datetime"
    elif kind == "string" and node.get("format") == "date":
        f.widget = "date"
    elif kind in ("integer", "number"):
        f.widget = "number"
        f.integer = kind == "integer"
    elif kind == "boolean":
        f.widget = "checkbox"
    elif kind == "array":
        items = node.get("items", {})
        if "enum" in items:  # a set of choices: a box to tick for each
            f.widget = "multi"
            f.choices = [str(c) for c in items["enum"]]
        elif items.get("contentEncoding") == "base64":  # files: photographs …
            f.widget = "files"
            f.max_length = items.get("maxLength")
        else:
            f.widget = "lines" if items.get("type") == "string" else "json"
    elif kind == "string" and node.get("contentEncoding") == "base64":
        f.widget = "file"
        f.max_length = node.get("maxLength")
    elif kind == "string":
        f.max_length = node.get("maxLength")
        f.pattern = node.get("pattern")
        if (f.max_length or 0) > 300:
            f.widget = "textarea"
    return f


def parse(
    fields: list[Field], post: Any, uploads: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The act's data from a submitted form, and the errors of values that cannot even be read
    (a number that is not one); everything else is left to the act's own validation. A file
    chosen for a `file` field is given to the act in base64 (read no further than the act's
    limit allows, so that a larger one is refused by the act, not held in memory)."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    zone = ZoneInfo(settings.TIME_ZONE)
    for f in fields:
        if f.widget in ("file", "files"):
            chosen = uploads.getlist(f.name) if uploads is not None else []
            read = [
                base64.b64encode(
                    u.read(f.max_length * 3 // 4 + 3) if f.max_length else u.read()
                ).decode("ascii")
                for u in chosen
            ]
            if read:
                _put(data, f.name, read if f.widget == "files" else read[0])
            continue
        if f.widget == "multi":
            f.value = [v for v in post.getlist(f.name) if v in f.choices]
            if f.value:
                _put(data, f.name, f.value)
            continue
        raw = post.get(f.name, "")
        f.value = raw
        if f.widget == "checkbox":
            _put(data, f.name, raw in ("on", "true", "1"))
            continue
        raw = raw.strip()
        if raw == "":
            continue
        value: Any = raw
        try:
            if f.widget == "number":
                value = int(raw) if f.integer else float(raw.replace(",", "."))
            elif f.widget == "datetime":
                value = datetime.fromisoformat(raw).replace(tzinfo=zone).isoformat()
            elif f.widget == "lines":
                value = [line.strip() for line in raw.splitlines() if line.strip()]
            elif f.widget == "json":
                value = json.loads(raw)
        except ValueError:
            errors[f.name] = _("This value could not be read; check its format.")
            continue
        _put(data, f.name, value)
    return data, errors


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[leaf] = value


# The messages of the schema's own validation (pydantic), as the API returns them in English,
# and what the form says instead in the user's language.
_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^Field required$"), lambda m: _("This field is required.")),
    (
        re.compile(r"^String should have at least (\d+) characters?$"),
        lambda m: _("Write at least %(n)s characters.") % {"n": m.group(1)},
    ),
    (
        re.compile(r"^String should have at most (\d+) characters?$"),
        lambda m: _("Write at most %(n)s characters.") % {"n": m.group(1)},
    ),
    (
        re.compile(r"^String should match pattern"),
        lambda m: _("The value does not have the expected form."),
    ),
    (
        re.compile(r"^Input should be greater than or equal to (.+)$"),
        lambda m: _("The value must be at least %(n)s.") % {"n": m.group(1)},
    ),
    (
        re.compile(r"^Input should be less than or equal to (.+)$"),
        lambda m: _("The value must be at most %(n)s.") % {"n": m.group(1)},
    ),
    (
        re.compile(r"^Input should be "),
        lambda m: _("This value could not be read; check its format."),
    ),
    (
        re.compile(r"^Extra inputs are not permitted$"),
        lambda m: _("This field is not expected here."),
    ),
]


def field_message(message: str) -> str:
    """A validation message of the act's schema in the user's language; the act's own
    refusals (already sentences a clerk can act on) are shown as they are."""
    for pattern, rephrase in _MESSAGES:
        found = pattern.search(message)
        if found:
            return str(rephrase(found))
    from icjis.web.refusals import localise_field_code

    return localise_field_code(message) or message


def attach_errors(fields: list[Field], errors: dict[str, str]) -> dict[str, str]:
    """Put each refusal message beside its field; what matches no field is returned."""
    by_name = {f.name: f for f in fields}
    rest: dict[str, str] = {}
    for where, message in errors.items():
        target = by_name.get(where)
        if target is None:
            # A union's alternative shows in the path (`person.PersonInput.surname`): drop it.
            parts = where.split(".")
            for i in range(len(parts)):
                candidate = ".".join(parts[:i] + parts[i + 1 :])
                if candidate in by_name:
                    target = by_name[candidate]
                    break
        if target is None:
            rest[where] = field_message(message)
        elif not target.error:
            target.error = field_message(message)
    return rest


def fix(field: Field, value: str, label: str) -> None:
    """A field the page has filled: shown by `label`, sent as `value`."""
    field.widget, field.value, field.options = "fixed", value, [(value, label)]
