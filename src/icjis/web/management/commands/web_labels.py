"""`icjis web-labels`: rewrite `icjis/web/labels.py` from the act kinds now declared, so that a
new act's title, field labels and choices are marked for translation. Then run
`icjis makemessages -l ky -l ru --no-location --no-obsolete -i 'locale/*'` in src/icjis (see
labels.py) and translate the new entries; `tests/web/test_i18n.py`
fails until every entry has its Kyrgyz and Russian text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

import icjis.web.labels as labels_module
from icjis.core.acts import KINDS


def _walk(node: dict[str, Any], titles: set[str], choices: set[str]) -> None:
    for alternative in node.get("anyOf", []):
        _walk(alternative, titles, choices)
    if "items" in node:
        _walk(node["items"], titles, choices)
    if "enum" in node:
        choices.update(str(v) for v in node["enum"])
    for name, prop in node.get("properties", {}).items():
        titles.add(prop.get("title") or name.replace("_", " ").title())
        _walk(prop, titles, choices)


# Choices whose value is a code, not a word (the languages of a document, the services of the
# exchange).
NAMED = {
    "ky": "Kyrgyz",
    "ru": "Russian",
    "crime-report": "Crime reports sent to us",
    "case-status": "Where the reports sent stand",
    "field-act": "Acts recorded on a field node",
}


def _human(value: str) -> str:
    if value in NAMED:
        return NAMED[value]
    return value if value[0].isdigit() else value.replace("_", " ").capitalize()


def render(source: str) -> str:
    """labels.py with its three tables rebuilt from KINDS (the rest kept as it is)."""
    titles: set[str] = set()
    choices: set[str] = set()
    for kind in KINDS.values():
        schema = kind.schema.model_json_schema()
        for node in [schema, *schema.get("$defs", {}).values()]:
            _walk(node, titles, choices)
    head = source.split("ACT_TITLES = {")[0].rstrip("\n")
    tail = source.split("\n\ndef act_title", 1)[1]
    lines = [head, "", "ACT_TITLES = {"]
    lines += [f"    {k!r}: gettext_noop({KINDS[k].title!r})," for k in sorted(KINDS)]
    lines += ["}", "FIELD_TITLES = {"]
    lines += [f"    {t!r}: gettext_noop({t!r})," for t in sorted(titles)]
    lines += ["}", "CHOICES = {"]
    lines += [f"    {c!r}: gettext_noop({_human(c)!r})," for c in sorted(choices)]
    lines += ["}"]
    return "\n".join(lines) + "\n\ndef act_title" + tail


class Command(BaseCommand):
    help = "Rewrite icjis/web/labels.py from the declared act kinds (then run ruff format)."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(labels_module.__file__)
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"{path}: {len(KINDS)} act kinds; run `ruff format` on it.")
