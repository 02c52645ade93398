"""What the language tests read: the catalogues (.po, parsed here so the tests need no compiled
.mo to say what is missing), the strings marked in templates and code, and the English strings
that must never show on a Kyrgyz or Russian page."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from django.template import Engine
from django.template.base import Node
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

import icjis

SRC = Path(icjis.__file__).resolve().parent
LOCALE = SRC / "locale"
LANGUAGES = ("ky", "ru")
# The templates these catalogues cover: every app's templates (staff pages, the public portal,
# the register's receipts, the courts' screens, draws and verdicts).
TEMPLATE_DIRS = sorted(SRC.glob("*/templates"))
# Every module: the pages' own strings, and the refusals' templates wherever they are raised.
PYTHON_FILES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)
# `say` makes a refusal's sentence (`core.refusals`); `icjis makemessages` extracts it too.
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "say"}


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


@cache
def catalogue(language: str) -> dict[str, dict[str, object]]:
    """msgid → {"str": msgstr or [plural forms], "fuzzy": bool, and "plural": msgid_plural for
    a plural}, from the .po file."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries: dict[str, dict[str, object]] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = _unquote(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        if "msgid_plural" in fields:
            forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr[")]
            entries[fields["msgid"]] = {
                "str": forms,
                "fuzzy": fuzzy,
                "plural": fields["msgid_plural"],
            }
        else:
            entries[fields["msgid"]] = {"str": fields.get("msgstr", ""), "fuzzy": fuzzy}
    return entries


def _walk(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        for attr in getattr(node, "child_nodelists", ()):
            out.extend(_walk(getattr(node, attr, None) or []))
    return out


def template_files() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def template_msgids(path: Path) -> set[str]:
    """The strings a template marks for translation ({% translate %}, {% blocktranslate %})."""
    engine = Engine(
        libraries={"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"}
    )
    source = path.read_text(encoding="utf-8")
    # Parse the template alone: {% extends %} and {% include %} need no loader for this.
    source = re.sub(r"{%\s*(extends|include)\s[^%]*%}", "", source)
    template = engine.from_string(source)
    found: set[str] = set()
    for node in _walk(list(template.nodelist)):
        if isinstance(node, TranslateNode):
            literal = node.filter_expression.var.literal
            if isinstance(literal, str):
                # As Django looks it up: {% translate %} doubles a literal "%".
                found.add(str(literal).replace("%", "%%"))
        elif isinstance(node, BlockTranslateNode):
            singular, _vars = node.render_token_list(node.singular)  # trims if asked
            found.add(singular)
    return found


def python_msgids(path: Path) -> set[str]:
    """The literal strings passed to gettext and its kin in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT_CALLS and node.args and isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
    return found


def all_msgids() -> dict[str, str]:
    """Every marked string → where it was found."""
    out: dict[str, str] = {}
    for path in template_files():
        for msgid in template_msgids(path):
            out.setdefault(msgid, str(path.relative_to(SRC)))
    for path in PYTHON_FILES:
        for msgid in python_msgids(path):
            out.setdefault(msgid, str(path.relative_to(SRC)))
    return out


@cache
def english_strings() -> frozenset[str]:
    """English strings that have a Kyrgyz or Russian translation different from themselves:
    if one of them shows on a ky or ru page, something was left untranslated."""
    from icjis.core.acts import KINDS
    from icjis.web import labels

    english: set[str] = set()
    ky, ru = catalogue("ky"), catalogue("ru")
    for msgid, entry in ky.items():
        if (
            isinstance(entry["str"], str)
            and entry["str"] != msgid
            and ru.get(msgid, {}).get("str") != msgid
        ):
            english.add(msgid)
    english.update(k.title for k in KINDS.values())
    english.update(labels.FIELD_TITLES)
    english.update(v for v in labels.CHOICES.values() if not re.fullmatch(r"[\d()]+|[FM]", v))
    return frozenset(s for s in english if re.search(r"[A-Za-z]{2}", s))


# The refusal classes (`core.refusals`), as the modules call them.
REFUSALS = {"Refusal", "Invalid", "Unauthenticated", "Forbidden", "NotFound", "Conflict"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def refusal_msgids(path: Path) -> set[str]:
    """The refusals' templates (`say`) and the field codes marked beside them in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "say" and node.args and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
        if name in REFUSALS:
            for keyword in node.keywords:
                if keyword.arg == "fields" and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        if (
                            isinstance(value, ast.Call)
                            and getattr(value.func, "id", None) == "gettext_noop"
                            and isinstance(value.args[0], ast.Constant)
                        ):
                            found.add(str(value.args[0].value))
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _unmarked_field_codes(call: ast.Call, where: str) -> list[str]:
    """The words beside a refusal's fields (`fields=...`) that are not marked for the
    catalogue (`gettext_noop`, or `say` with values); a code without a letter ("1", "≤ 0",
    f"{low}-{high}") needs none."""
    found = []
    for keyword in call.keywords:
        if keyword.arg == "fields":
            for text in _field_words(keyword.value):
                if re.search(r"[^\W\d_]", text):
                    found.append(f"{where}: the field code {text!r} is not marked")
    return found


def _field_words(node: ast.AST) -> list[str]:
    """The literal texts a `fields=` expression puts beside fields (not its field names)."""
    if isinstance(node, ast.Dict):
        return [text for value in node.values for text in _field_words(value)]
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in {"gettext_noop", "say"}:
            return []
        values = node.args[1:] if name == "fromkeys" else node.args  # fromkeys(names, value)
        return [text for arg in values for text in _field_words(arg)]
    if isinstance(node, ast.JoinedStr):  # an f-string: its words
        return ["".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return []


def refusal_problems(path: Path, root: Path = SRC) -> list[str]:
    """Where a refusal is made of anything but `say(...)` or a name bound to one, where a `say`
    call's template is not a literal or its values do not fill it exactly, and where a field
    code beside it is not marked for the catalogue."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        where = f"{path.relative_to(root)}:{node.lineno}"
        if name in REFUSALS:
            problems += _unmarked_field_codes(node, where)
        if name in REFUSALS and node.args:
            first = node.args[0]
            is_say = isinstance(first, ast.Call) and (
                getattr(first.func, "id", None) or getattr(first.func, "attr", None)
            ) in {"say"}
            if not (is_say or isinstance(first, ast.Name | ast.Attribute | ast.Subscript)):
                problems.append(f"{where}: {name}(…) is not made by say()")
        if name == "say":
            template = node.args[0] if node.args else None
            if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
                problems.append(f"{where}: say() needs a literal template")
                continue
            values = {k.arg for k in node.keywords}
            if None in values or values != placeholders(template.value):
                problems.append(
                    f"{where}: say()'s values {sorted(map(str, values))} do not fill "
                    f"{sorted(placeholders(template.value))}"
                )
    return sorted(problems, key=lambda p: int(p.split(":")[1]))
