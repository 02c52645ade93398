"""Tests of the offence catalogues (``icjis.legal.catalogues``) and of the script that builds them.

(a) completeness: every article of the official texts is in the catalogues (read from
    ``../shared/legal-texts`` when present; committed expectations otherwise);
(b) a hand-checked sample of Criminal Code parts whose category was determined by reading the
    sanction and CC art. 19;
(c) a hand-checked sample of Code of Offences articles, including arts. 70 and 71;
(d) the loader's errors.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icjis.legal import catalogues as cat
from icjis.legal.catalogues import (
    ArticleNotFoundError,
    CatalogueFormatError,
    PartNotFoundError,
    UnknownCodeError,
    load_catalogue,
    load_catalogue_file,
    lookup,
)

REPO = Path(__file__).resolve().parents[2]
TEXTS_DIR = Path(os.environ.get("ICJIS_LEGAL_TEXTS", REPO.parent / "shared" / "legal-texts"))
CC_TEXT = TEXTS_DIR / "kg-criminal-code-2021.txt"
COO_TEXT = TEXTS_DIR / "kg-code-of-offences-2021.txt"
SCRIPT = REPO / "scripts" / "build_offence_catalogues.py"

needs_texts = pytest.mark.skipif(
    not (CC_TEXT.is_file() and COO_TEXT.is_file()),
    reason=f"official texts not found in {TEXTS_DIR} (set ICJIS_LEGAL_TEXTS); the committed "
    "expectations below still check completeness",
)

# ---------------------------------------------------------------------------------------------
# Committed expectations (checked against the official texts of 28.07.2025 / 13.08.2025):
# article counts, and per chapter the first and last article and the number of articles.
# ---------------------------------------------------------------------------------------------

EXPECTED_COUNTS = {
    "kg-cc-2021": {"general": 122, "special": 308},
    "kg-coo-2021": {"general": 58, "special": 470, "procedural": 133},
}

CC_CHAPTERS = {
    "1": ("1", "10", 10), "2": ("11", "17", 7), "3": ("18", "23", 6), "4": ("24", "28", 5),
    "5": ("29", "32", 4), "6": ("33", "38", 6), "7": ("39", "45", 7), "8": ("46", "52", 7),
    "9": ("53", "54", 2), "10": ("55", "58", 4), "11": ("59", "70", 12),
    "12": ("71", "71-1", 2), "13": ("72", "81", 10), "14": ("82", "84", 3),
    "15": ("85", "94", 10), "16": ("95", "95", 1), "17": ("96", "113", 18),
    "18": ("114", "121", 8), "19": ("122", "129", 8), "20": ("130", "139", 10),
    "21": ("140", "145", 6), "22": ("146", "153", 9), "23": ("154", "156", 3),
    "24": ("157", "164", 9), "25": ("165", "171", 7), "26": ("172", "188", 17),
    "27": ("189", "204", 16), "28": ("205", "217", 17), "29": ("218", "231-1", 17),
    "30": ("232", "237", 6), "31": ("238", "244", 8), "32": ("245", "251", 7),
    "33": ("252", "271", 20), "34": ("272", "277", 6), "35": ("278", "281", 4),
    "36": ("282", "291", 10), "37": ("292", "297", 7), "38": ("298", "310", 13),
    "39": ("311", "318", 8), "40": ("319", "322", 4), "41": ("323", "335", 14),
    "42": ("336", "348", 14), "43": ("349", "353", 5), "44": ("354", "367", 14),
    "45": ("368", "373", 6), "46": ("374", "384", 11), "47": ("385", "385", 1),
    "48": ("386", "396", 11), "49": ("397", "401", 5), "50": ("402", "409", 8),
    "51": ("410", "416", 7),
}  # fmt: skip

COO_CHAPTERS = {
    "1": ("1", "2", 2), "2": ("3", "5", 3), "3": ("6", "13", 8), "4": ("14", "19", 6),
    "5": ("20", "26", 7), "6": ("27", "33", 8), "7": ("34", "41", 10), "8": ("42", "54", 13),
    "9": ("55", "55", 1), "10": ("56", "59", 4), "11": ("60", "69", 10),
    "12": ("70", "74-1", 6), "13": ("75", "95", 25), "14": ("96", "101-1", 7),
    "15": ("102", "109-3", 17), "16": ("110", "125", 16), "17": ("126", "143", 20),
    "18": ("144", "149", 6), "19": ("150", "165", 16), "20": ("166", "176", 11),
    "21": ("177", "200-2", 27), "22": ("201", "202", 2), "23": ("203", "213-4", 16),
    "24": ("214", "222-6", 15), "25": ("223", "227-1", 7), "26": ("228", "228-1", 2),
    "26-1": ("228-2", "228-10", 9), "27": ("229", "252", 29), "28": ("253", "270", 18),
    "29": ("271", "273", 3), "30": ("274", "281", 11), "31": ("282", "294", 17),
    "32": ("295", "298", 4), "33": ("299", "307", 10), "34": ("308", "325", 28),
    "34-1": ("325-1", "325-2", 2), "35": ("326", "353", 28), "36": ("354", "354", 1),
    "37": ("355", "355", 1), "38": ("356", "356", 1), "39": ("357", "380", 25),
    "40": ("381", "384", 4), "41": ("385", "396", 12), "42": ("397", "399", 3),
    "43": ("400", "413-5", 19), "44": ("414", "417", 4), "45": ("418", "426", 9),
    "46": ("427", "428", 2), "47": ("429", "432", 4), "48": ("433", "441", 10),
    "49": ("442", "446", 5), "50": ("447", "450", 4), "51": ("451", "496-1", 50),
    "52": ("497", "505", 9), "53": ("506", "516", 11), "54": ("517", "521", 5),
    "55": ("522", "530", 10), "56": ("531", "546", 16), "57": ("547", "554", 8),
    "58": ("555", "567", 15), "59": ("568", "574", 9),
}  # fmt: skip

# Articles inserted between others (superscript numbers in the official text, e.g. 152¹).
CC_INSERTED = [
    "71-1", "152-1", "160-1", "205-1", "209-1", "212-1", "212-2", "219-1", "228-1", "231-1",
    "240-1", "292-1", "332-1", "338-1",
]  # fmt: skip
COO_INSERTED = [
    "31-1", "38-1", "39-1", "74-1", "77-1", "83-1", "87-1", "90-1", "101-1", "102-1", "102-2",
    "102-3", "102-4", "107-1", "108-1", "109-1", "109-2", "109-3", "127-1", "142-1", "192-1",
    "200-1", "200-2", "212-1", "213-1", "213-2", "213-3", "213-4", "222-1", "222-2", "222-3",
    "222-4", "222-5", "222-6", "224-1", "227-1", "228-1", "228-2", "228-3", "228-4", "228-5",
    "228-6", "228-7", "228-8", "228-9", "228-10", "236-1", "239-1", "245-1", "245-2", "245-3",
    "274-1", "274-2", "274-3", "284-1", "284-2", "286-1", "293-1", "303-1", "308-1", "309-1",
    "309-2", "309-3", "309-4", "311-1", "316-1", "316-2", "316-3", "317-1", "325-1", "325-2",
    "372-1", "413-1", "413-2", "413-3", "413-4", "413-5", "435-1", "457-1", "466-1", "494-1",
    "496-1", "529-1", "564-1", "564-2", "571-1", "572-1",
]  # fmt: skip


def _chapters(code_id: str) -> dict[str, tuple[str, str, int]]:
    """Chapter -> (first article, last article, number of articles) from a catalogue."""
    grouped: dict[str, list[str]] = {}
    for art in load_catalogue(code_id).articles:
        grouped.setdefault(art["chapter"]["number"], []).append(art["number"])
    return {ch: (nums[0], nums[-1], len(nums)) for ch, nums in grouped.items()}


@pytest.mark.parametrize(
    ("code_id", "chapters", "inserted"),
    [("kg-cc-2021", CC_CHAPTERS, CC_INSERTED), ("kg-coo-2021", COO_CHAPTERS, COO_INSERTED)],
)
def test_catalogue_matches_committed_expectations(
    code_id: str, chapters: dict[str, tuple[str, str, int]], inserted: list[str]
) -> None:
    """Counts, chapter boundaries and inserted articles agree with the committed lists."""
    catalogue = load_catalogue(code_id)
    counts = Counter(a["part_of_code"] for a in catalogue.articles)
    assert dict(counts) == EXPECTED_COUNTS[code_id]
    assert catalogue.header["article_count"] == sum(EXPECTED_COUNTS[code_id].values())
    assert _chapters(code_id) == chapters
    assert [n for n in catalogue.numbers() if "-" in n] == inserted
    # no gaps: every base number from 1 to the last one is present
    bases = {int(n.split("-")[0]) for n in catalogue.numbers()}
    assert bases == set(range(1, max(bases) + 1))


def _text_article_keys(path: Path) -> Counter[str]:
    """Article numbers of the headings "Статья N." of a text, as bare digits.

    The export writes inserted articles as "1521", "152¹" or "152-1" (and once with a Cyrillic
    "З" for "3"); comparing digits only keeps this check independent of the build script.
    """
    keys: Counter[str] = Counter()
    heading = re.compile(r"^\s*Статья\s*([0-9З][0-9З\s\-‑]*[¹²³⁴⁵⁶⁷⁸⁹]*)\s*\.")
    for line in path.read_text(encoding="utf-8").splitlines():
        m = heading.match(line)
        if m:
            raw = m.group(1).replace("З", "3").translate(str.maketrans("¹²³⁴⁵⁶⁷⁸⁹", "123456789"))
            keys[re.sub(r"\D", "", raw)] += 1
    return keys


@needs_texts
@pytest.mark.parametrize(("code_id", "path"), [("kg-cc-2021", CC_TEXT), ("kg-coo-2021", COO_TEXT)])
def test_every_article_of_the_text_is_catalogued(code_id: str, path: Path) -> None:
    """(a) Each "Статья N." heading of the official text has exactly one catalogue entry."""
    in_text = _text_article_keys(path)
    in_catalogue = Counter(n.replace("-", "") for n in load_catalogue(code_id).numbers())
    assert in_text == in_catalogue


@needs_texts
@pytest.mark.parametrize(("code_id", "path"), [("kg-cc-2021", CC_TEXT), ("kg-coo-2021", COO_TEXT)])
def test_chapters_start_where_the_text_says(code_id: str, path: Path) -> None:
    """(a) The first article after each "Глава N." heading opens that chapter in the catalogue."""
    firsts: dict[str, str] = {}
    chapter = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*Глава\s+(\d+(?:-\d+)?)\.", line)
        if m:
            chapter = m.group(1)
            continue
        m = re.match(r"^\s*Статья\s*([0-9З][0-9З\-]*[¹]?)\s*\.", line)
        if m and chapter:
            firsts[chapter] = re.sub(r"\D", "", m.group(1).replace("З", "3").replace("¹", "1"))
            chapter = None
    catalogued = {ch: first.replace("-", "") for ch, (first, _, _) in _chapters(code_id).items()}
    assert firsts == catalogued


def _load_script() -> Any:
    """Import scripts/build_offence_catalogues.py as a module."""
    spec = importlib.util.spec_from_file_location("build_offence_catalogues", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@needs_texts
def test_committed_catalogues_are_reproducible(tmp_path: Path) -> None:
    """Rebuilding from the texts gives exactly the committed files (same generation date)."""
    script = _load_script()
    committed = {
        name: json.loads((cat.DATA_DIR / name).read_text(encoding="utf-8"))
        for name in ("kg-cc-2021.json", "kg-coo-2021.json")
    }
    generated_on = committed["kg-cc-2021.json"]["header"]["generated_on"]
    report = script.build_all(CC_TEXT, COO_TEXT, tmp_path, generated_on)
    assert report["problems"] == []
    assert report["warnings"] == []
    for name, data in committed.items():
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == data, name


# ---------------------------------------------------------------------------------------------
# Headers and general consistency
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code_id", cat.CODE_IDS)
def test_headers_name_their_source(code_id: str) -> None:
    """Each file names its source, its maker, its article count and its generation date."""
    header = load_catalogue(code_id).header
    assert header["code_id"] == code_id
    source = header["source"]
    assert source["title"] and source["number"] and re.match(r"\d{4}-\d\d-\d\d$", source["date"])
    assert header["generated_by"]
    assert re.match(r"\d{4}-\d\d-\d\d$", header["generated_on"])
    assert header["article_count"] == len(load_catalogue(code_id))


def test_2021_headers_state_the_version_of_the_text() -> None:
    """The 2021 catalogues are complete and say which amended version they reflect."""
    cc = load_catalogue("kg-cc-2021").header
    assert cc["complete"] is True
    assert cc["generated_by"] == "scripts/build_offence_catalogues.py"
    assert (cc["source"]["number"], cc["source"]["date"]) == ("127", "2021-10-28")
    assert cc["source"]["amended_to"] == "2025-07-28"
    assert cc["source"]["last_amending_law"] == {"date": "2025-07-28", "number": "160"}
    coo = load_catalogue("kg-coo-2021").header
    assert coo["complete"] is True
    assert (coo["source"]["number"], coo["source"]["date"]) == ("128", "2021-10-28")
    assert coo["source"]["amended_to"] == "2025-08-13"
    assert {"date": "2025-04-29", "number": "88"} in coo["source"]["deferred_amendments"]


@pytest.mark.parametrize("code_id", ["kg-cc-2017", "kg-cc-1997"])
def test_older_codes_are_marked_incomplete(code_id: str) -> None:
    """The 1997 and 2017 catalogues carry only verified entries and say they are incomplete."""
    catalogue = load_catalogue(code_id)
    assert catalogue.complete is False
    for art in catalogue.articles:
        assert art["source_ref"] in {s["id"] for s in catalogue.header["sources"]}


def _strings(value: Any) -> list[str]:
    """All strings inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("code_id", ["kg-cc-2021", "kg-coo-2021"])
def test_catalogue_does_not_reproduce_the_text(code_id: str) -> None:
    """Only titles and derived facts: no sanction wording, no long passages."""
    data = json.loads((cat.DATA_DIR / f"{code_id}.json").read_text(encoding="utf-8"))
    for text in _strings(data["articles"]):
        assert len(text) <= 400, text[:80]
        assert not re.search(r"наказыва|влеч[её]т|влекут", text), text[:80]


def test_article_category_is_the_most_serious_part() -> None:
    """Every live Special Part article has a category equal to its most serious part's."""
    for art in load_catalogue("kg-cc-2021").articles:
        if art["part_of_code"] != "special" or art["repealed"]:
            continue
        live = [p for p in art["parts"] if not p.get("repealed")]
        assert live, art["number"]
        assert all(p["category"] in cat.CATEGORIES for p in live), art["number"]
        assert art["category"] == cat.most_serious(p["category"] for p in live)


def test_life_imprisonment_parts() -> None:
    """Life imprisonment is where CC art. 68(1) lists it, plus art. 406 (its own sanction)."""
    found = {
        (a["number"], p["number"])
        for a in load_catalogue("kg-cc-2021").articles
        for p in a["parts"]
        if p.get("life_imprisonment")
    }
    art68 = {
        ("122", "2"), ("154", "3"), ("154", "4"), ("155", "3"), ("155", "4"), ("156", "3"),
        ("252", "3"), ("402", None), ("403", None), ("405", None), ("410", "3"),
    }  # fmt: skip
    assert found == art68 | {("406", None)}


def test_repealed_articles_are_kept() -> None:
    """Articles that lapsed stay in the catalogue with ``repealed: true``."""
    ref = lookup("kg-cc-2021", "219")
    assert ref.repealed and ref.category is None
    assert ref.data["repealed_by"] == {"date": "2022-06-30", "number": "51"}
    assert lookup("kg-coo-2021", "324").repealed
    # repealed by a law whose entry into force is deferred (notice at the head of the text)
    assert lookup("kg-coo-2021", "408").data.get("repeal_deferred") is True


# ---------------------------------------------------------------------------------------------
# (b) Hand-checked Criminal Code sample. Expected values were read from the sanctions in the
# text and classified by CC art. 19(2): no imprisonment -> minor gravity; intentional <= 5
# years or negligent <= 10 -> less grave; intentional > 5 to 10 -> grave; > 10 or life ->
# especially grave. Columns: article, part, category, maximum fixed term (years), guilt.
# ---------------------------------------------------------------------------------------------

INT, NEG = "intentional", "negligent"
CC_SAMPLE = [
    ("122", "1", "especially_grave", 12, INT),  # murder: 8-12 years
    ("122", "2", "especially_grave", 15, INT),  # aggravated murder: 12-15 years or life
    ("123", "1", "less_grave", 3, INT),  # murder in a state of passion: up to 3 years
    ("123", "2", "less_grave", 5, INT),
    ("126", None, "grave", 6, INT),  # euthanasia: up to 6 years
    ("127", "1", "less_grave", 3, NEG),  # causing death by negligence
    ("127", "2", "less_grave", 5, NEG),
    ("128", "1", "grave", 6, INT),  # driving to suicide (see the report: read as intentional)
    ("130", "1", "grave", 7, INT),  # grave bodily harm: 5-7 years
    ("130", "2", "grave", 8, INT),
    ("130", "3", "especially_grave", 12, INT),  # ... causing death by negligence: 8-12
    ("134", None, "less_grave", 3, NEG),  # grave bodily harm by negligence
    ("136", None, "minor_gravity", None, INT),  # light bodily harm: fine or community work
    ("154", "1", "grave", 8, INT),  # rape: 5-8 years
    ("154", "3", "especially_grave", 15, INT),  # 15 years or life
    ("165", "3", "minor_gravity", None, INT),  # kidnapping, victim freed: no imprisonment
    ("166", "4", "less_grave", 5, INT),  # trafficking in a child without coercion
    ("177", None, "less_grave", 5, INT),  # family violence: community work or 2-5 years
    ("205", "1", "minor_gravity", None, INT),  # theft, insignificant amount: fine/community work
    ("205", "2", "less_grave", 2, INT),
    ("205", "3", "less_grave", 5, INT),
    ("205", "4", "grave", 8, INT),
    ("205-1", "4", "especially_grave", 12, INT),  # livestock theft, especially large: 8-12
    ("206", "3", "grave", 8, INT),  # open theft with violence: 5-8
    ("206", "4", "especially_grave", 12, INT),
    ("207", "1", "less_grave", 5, INT),  # robbery: 2-5
    ("207", "3", "especially_grave", 11, INT),  # armed robbery: 7-11
    ("208", "4", "grave", 10, INT),  # extortion by an organised group: 7-10
    ("209", "1", "minor_gravity", None, INT),  # fraud, insignificant amount: fine
    ("209", "3", "less_grave", 5, INT),  # part "3" has no full stop in the text
    ("209", "4", "grave", 10, INT),
    ("221", "1-1", "minor_gravity", None, INT),  # part 1¹: advertising a pyramid: fine
    ("240-1", None, "minor_gravity", None, INT),  # breaking a seal: fine ("влекут" wording)
    ("270", "2", "less_grave", 10, NEG),  # negligent guarding of weapons: 5-10, negligent
    ("278", "1", "grave", 10, INT),  # organising mass riots: 7-10
    ("280", "1", "less_grave", 3, INT),  # hooliganism: fine or up to 3 years
    ("280", "2", "less_grave", 5, INT),
    ("282", "1", "grave", 8, INT),  # drugs for sale: 5-8
    ("282", "3", "especially_grave", 15, INT),  # especially large amount or sale to a child
    ("283", "1", "less_grave", 5, INT),  # drugs without intent to sell, large amount
    ("283", "2", "grave", 10, INT),
    ("312", "3", "less_grave", 8, NEG),  # traffic offence causing death: negligent, 5-8
    ("312", "4", "less_grave", 10, NEG),  # ... while intoxicated: 8-10
    ("336", "1", "especially_grave", 12, INT),  # corruption: 10-12
    ("337", "1", "less_grave", 2, INT),  # abuse of office: harm "умышленно либо по неосторожности"
    ("337", "4", "grave", 10, INT),
    ("342", "1", "less_grave", 5, INT),  # taking a bribe: 2-5
    ("342", "3", "grave", 10, INT),
    ("345", "1", "less_grave", 2, INT),  # giving a bribe
    ("345", "3", "grave", 7, INT),
    ("348", "2", "less_grave", 5, NEG),  # official negligence
    ("389", "1", "minor_gravity", None, INT),  # absence without leave: disciplinary unit
    ("396", "2", "less_grave", 2, NEG),  # garrison service, negligent harm; fine without unit
    ("406", None, "especially_grave", 15, INT),  # weapons of mass destruction: 12-15 or life
    ("416", "1", "grave", 10, INT),  # recruiting mercenaries: 7-10
    ("416", "3", "especially_grave", 15, INT),
]


@pytest.mark.parametrize(("article", "part", "category", "max_years", "guilt"), CC_SAMPLE)
def test_cc_hand_checked_sample(
    article: str, part: str | None, category: str, max_years: int | None, guilt: str
) -> None:
    """(b) Category, maximum term and form of guilt of hand-checked Criminal Code parts."""
    ref = lookup("kg-cc-2021", article, part)
    assert ref.category == category
    assert ref.max_imprisonment_years == max_years
    if part is not None:
        assert ref.guilt == guilt
    else:
        assert ref.data["parts"][0]["guilt"] == guilt


def test_cc_sample_covers_all_categories_and_many_chapters() -> None:
    """The sample is spread over the four categories and at least ten chapters."""
    assert {row[2] for row in CC_SAMPLE} == set(cat.CATEGORIES)
    chapters = {lookup("kg-cc-2021", row[0]).chapter["number"] for row in CC_SAMPLE}
    assert len(chapters) >= 10
    assert len(CC_SAMPLE) >= 30


def test_cc_article_level_lookup() -> None:
    """Article-level look-up gives the title and the most serious category of the parts."""
    theft = lookup("kg-cc-2021", 205)
    assert (theft.title, theft.category, theft.parts) == ("Кража", "grave", ("1", "2", "3", "4"))
    assert theft.chapter["title"] == "Преступления против собственности"
    assert lookup("kg-cc-2021", "122").category == "especially_grave"
    assert lookup("kg-cc-2021", "280").category == "less_grave"
    assert lookup("kg-cc-2021", "136").category == "minor_gravity"
    assert lookup("kg-cc-2021", "19").part_of_code == "general"
    assert lookup("kg-cc-2021", "19").category is None


def test_cc_sanction_summary() -> None:
    """Sanction summaries list the kinds of punishment with their limits."""
    sanction = lookup("kg-cc-2021", "205", "2").sanction
    assert sanction["main"] == ["correctional_work", "fine", "imprisonment"]
    assert sanction["fine_calculation_units"] == {"min": 500, "max": 1000}
    assert sanction["correctional_work_months"] == {"min": 2, "max": 12}
    assert sanction["imprisonment_months"] == {"min": None, "max": 24}
    murder = lookup("kg-cc-2021", "122", "2").sanction
    assert murder["life_imprisonment"] is True
    assert murder["additional"] == ["confiscation"]
    assert lookup("kg-cc-2021", "342", "1").sanction["deprivation_of_right_lifelong"] is True
    assert lookup("kg-cc-2021", "389", "1").sanction["disciplinary_military_unit_months"] == {
        "min": 3,
        "max": 3,
    }


# ---------------------------------------------------------------------------------------------
# (c) Hand-checked Code of Offences sample (penalties read from the text).
# ---------------------------------------------------------------------------------------------

COO_SAMPLE: list[tuple[str, str | None, dict[str, Any]]] = [
    (
        "70",  # family violence
        None,
        {"kinds": ["community_work", "arrest"], "community_work_hours": {"min": 40, "max": 40},
         "arrest_days": {"min": 3, "max": 7}},
    ),
    (
        "71",  # breach of a temporary protection order
        None,
        {"kinds": ["community_work", "arrest"], "community_work_hours": {"min": 40, "max": 40},
         "arrest_days": {"min": 3, "max": 7}},
    ),
    ("72", None, {"kinds": ["community_work"], "community_work_hours": {"min": 40, "max": 40}}),
    (
        "57",
        None,
        {"kinds": ["community_work", "arrest"], "community_work_hours": {"min": 40, "max": 40},
         "arrest_days": {"min": 3, "max": 7}},
    ),
    (
        "58",
        None,
        {"kinds": ["fine", "community_work"], "community_work_hours": {"min": 20, "max": 30},
         "fine_calculation_units": [{"subject": "any", "min": 100, "max": 100}]},
    ),
    (
        "98",
        "1",
        {"kinds": ["fine"], "fine_calculation_units": [
            {"subject": "natural_persons", "min": 125, "max": 125},
            {"subject": "legal_entities", "min": 350, "max": 350}]},
    ),
    (
        "132",
        None,
        {"kinds": ["fine"],
         "fine_calculation_units": [{"subject": "natural_persons", "min": 55, "max": 55}]},
    ),
    (
        "139",
        None,
        {"kinds": ["fine"], "fine_calculation_units": [{"subject": "any", "min": 30, "max": 30}]},
    ),
    (
        "193",
        "1",
        {"kinds": ["deprivation_of_driving_right"],
         "deprivation_of_driving_right_months": {"min": 12, "max": 12}},
    ),
    ("193", "2-1", {"kinds": ["arrest"], "arrest_days": {"min": 5, "max": 5}}),
    (
        "299",
        "1",
        {"kinds": ["fine"], "fine_calculation_units": [
            {"subject": "natural_persons", "min": 175, "max": 175},
            {"subject": "legal_entities", "min": 550, "max": 550}]},
    ),
    (
        "390",
        "1",
        {"kinds": ["fine"], "fine_calculation_units": [
            {"subject": "natural_persons", "min": 165, "max": 165},
            {"subject": "legal_entities", "min": 510, "max": 510}]},
    ),
    (
        "450",
        None,
        {"kinds": ["fine"],
         "fine_calculation_units": [{"subject": "natural_persons", "min": 100, "max": 100}]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("article", "part", "penalties"), COO_SAMPLE)
def test_coo_hand_checked_sample(article: str, part: str | None, penalties: dict[str, Any]) -> None:
    """(c) Penalties of hand-checked Code of Offences articles, including arts. 70 and 71."""
    assert lookup("kg-coo-2021", article, part).penalties == penalties


def test_coo_titles_and_parts_of_code() -> None:
    """Titles and the division of the Code of Offences into general, special, procedural."""
    assert lookup("kg-coo-2021", "70").title == "Семейное насилие"
    assert lookup("kg-coo-2021", "71").title == "Неисполнение условий временного охранного ордера"
    assert lookup("kg-coo-2021", "70").chapter["number"] == "12"
    assert lookup("kg-coo-2021", "55").part_of_code == "general"
    assert lookup("kg-coo-2021", "56").part_of_code == "special"
    assert lookup("kg-coo-2021", "451").part_of_code == "procedural"
    # "Статья З093" (Cyrillic З) in the text is article 309-3
    assert lookup("kg-coo-2021", "309-3").title.startswith("Нарушение требований")


# ---------------------------------------------------------------------------------------------
# (d) Loader errors
# ---------------------------------------------------------------------------------------------


def test_unknown_code() -> None:
    """An unknown code is named in the error, with the known ones."""
    with pytest.raises(UnknownCodeError, match=r"'kg-cc-1960'.*kg-cc-2021") as exc:
        lookup("kg-cc-1960", "1")
    assert isinstance(exc.value, KeyError)


def test_missing_article_names_code_and_article() -> None:
    """The error names the code, the article and the range the catalogue holds."""
    with pytest.raises(ArticleNotFoundError, match=r"kg-cc-2021: article 417 .*1-416"):
        lookup("kg-cc-2021", "417")
    with pytest.raises(ArticleNotFoundError, match=r"kg-coo-2021: article 9999"):
        lookup("kg-coo-2021", 9999)
    with pytest.raises(ArticleNotFoundError, match=r"kg-cc-2021: not an article number"):
        lookup("kg-cc-2021", "ст. сто")


def test_missing_part_lists_existing_parts() -> None:
    """A missing part is reported with the parts that exist."""
    with pytest.raises(PartNotFoundError, match=r"article 122 \(Убийство\) has no part 3 "):
        lookup("kg-cc-2021", "122", 3)
    with pytest.raises(PartNotFoundError, match=r"parts: 1, 2"):
        lookup("kg-cc-2021", "122", "3")
    with pytest.raises(PartNotFoundError, match="no numbered parts"):
        lookup("kg-cc-2021", "124", "1")
    with pytest.raises(ArticleNotFoundError):  # PartNotFoundError is an ArticleNotFoundError
        lookup("kg-coo-2021", "70", "2")


def test_incomplete_catalogue_says_so() -> None:
    """Absent articles of an incomplete catalogue point to the full-catalogue loader."""
    with pytest.raises(ArticleNotFoundError, match=r"kg-cc-2017: article 130 .*incomplete"):
        lookup("kg-cc-2017", "130")
    assert lookup("kg-cc-1997", "97").title == "Убийство"
    assert lookup("kg-cc-1997", "172-2").title.startswith("Самовольное занятие")
    with pytest.raises(ArticleNotFoundError, match=r"kg-cc-1997: article 98 .*load_catalogue_file"):
        lookup("kg-cc-1997", "98")


def _minimal(code_id: str = "kg-cc-2017", **header: Any) -> dict[str, Any]:
    """A small valid catalogue document."""
    return {
        "header": {
            "code_id": code_id,
            "format_version": 1,
            "source": {"title": "Уголовный кодекс Кыргызской Республики", "number": "19",
                       "date": "2017-02-02"},
            "generated_by": "test",
            "generated_on": "2026-01-01",
            "article_count": 2,
            "complete": True,
            **header,
        },
        "articles": [
            {"number": "1", "title": "Уголовный закон", "part_of_code": "general", "parts": []},
            {
                "number": "130",
                "title": "Убийство",
                "part_of_code": "special",
                "category": "especially_grave",
                "parts": [
                    {"number": "1", "category": "grave", "guilt": "intentional"},
                    {"number": "2", "category": "especially_grave", "guilt": "intentional"},
                ],
            },
        ],
    }  # fmt: skip


def _write(tmp_path: Path, doc: Any, name: str = "full.json") -> Path:
    """Write a catalogue document to a file."""
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_full_catalogue_can_be_loaded_and_registered(tmp_path: Path) -> None:
    """A full catalogue file is validated, registered and then used by lookup()."""
    catalogue = load_catalogue_file(_write(tmp_path, _minimal()), code_id="kg-cc-2017")
    assert len(catalogue) == 2 and "130" in catalogue and catalogue.complete
    cat.register_catalogue(catalogue)
    try:
        ref = lookup("kg-cc-2017", "130", "2")
        assert (ref.title, ref.category, ref.citation) == (
            "Убийство",
            "especially_grave",
            "kg-cc-2017 art. 130(2)",
        )
    finally:
        cat.unregister_catalogue("kg-cc-2017")
    with pytest.raises(ArticleNotFoundError, match="incomplete"):
        lookup("kg-cc-2017", "130")


def _mutate(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set ``value`` at a dotted ``path`` ("articles.1.parts.0.category") of ``doc``."""
    target: Any = doc
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("header", _DELETE, r"header: missing"),
        ("header.code_id", 5, r"header.code_id: missing or not a string"),
        ("header.source", {}, r"header.source: missing"),
        ("header.complete", "yes", r"header.complete"),
        ("header.article_count", 3, r"header.article_count: says 3 but the file lists 2"),
        ("header.format_version", 9, r"unsupported version 9"),
        ("articles.1.number", "0130", r"article 0130: number not canonical \(use '130'\)"),
        ("articles.1.number", "130a", r"articles\[1\]: bad article number '130a'"),
        ("articles.1.number", "1", r"article 1: duplicate \(also articles\[0\]\)"),
        ("articles.1.title", "", r"article 130: missing title"),
        ("articles.1.part_of_code", "annex", r"article 130: part_of_code 'annex'"),
        ("articles.1.category", "serious", r"article 130: unknown category 'serious'"),
        ("articles.1.category", "grave", r"not the most serious of its parts"),
        ("articles.1.parts.1.number", "1", r"article 130, parts\[1\]: duplicate part '1'"),
        ("articles.1.parts.0.guilt", "reckless", r"unknown guilt 'reckless'"),
        ("articles.1.parts.0.category", "bad", r"parts\[0\]: unknown category 'bad'"),
    ],
)
def test_invalid_catalogue_files_name_the_problem(
    tmp_path: Path, path: str, value: Any, message: str
) -> None:
    """(d) Each kind of defect is reported with the file name and where the problem is."""
    file = _write(tmp_path, _mutate(_minimal(), path, value))
    with pytest.raises(CatalogueFormatError, match=message) as exc:
        load_catalogue_file(file)
    assert str(file) in str(exc.value)


def test_invalid_files(tmp_path: Path) -> None:
    """Broken JSON, wrong order, a wrong code id and a missing file are reported clearly."""
    broken = _write(tmp_path, '{"header": {', "broken.json")
    with pytest.raises(CatalogueFormatError, match=r"broken.json: line 1 column \d+: invalid"):
        load_catalogue_file(broken)
    doc = _minimal()
    doc["articles"].reverse()
    with pytest.raises(CatalogueFormatError, match=r"article 1: out of order"):
        load_catalogue_file(_write(tmp_path, doc, "order.json"))
    with pytest.raises(CatalogueFormatError, match=r"is 'kg-cc-2017', expected 'kg-cc-1997'"):
        load_catalogue_file(_write(tmp_path, _minimal(), "code.json"), code_id="kg-cc-1997")
    with pytest.raises(CatalogueFormatError, match=r"top level"):
        load_catalogue_file(_write(tmp_path, "[]", "list.json"))
    with pytest.raises(FileNotFoundError):
        load_catalogue_file(tmp_path / "absent.json")


@pytest.mark.parametrize("code_id", cat.CODE_IDS)
def test_bundled_catalogues_validate(code_id: str) -> None:
    """The bundled files pass the same validation as any external file."""
    data = json.loads((cat.DATA_DIR / f"{code_id}.json").read_text(encoding="utf-8"))
    cat.validate_catalogue(data, code_id)


@given(base=st.integers(1, 999), suffix=st.integers(1, 9))
def test_article_number_spellings(base: int, suffix: int) -> None:
    """Every spelling of an inserted article number normalises to "N-M"."""
    sup = "¹²³⁴⁵⁶⁷⁸⁹"[suffix - 1]
    expected = f"{base}-{suffix}"
    for spelling in (expected, f" {base} - {suffix} ", f"{base}{sup}", f"{base}.{suffix}"):
        assert cat.normalize_article_number(spelling) == expected
    assert cat.normalize_article_number(base) == str(base)
    assert cat.normalize_article_number(f"00{base}") == str(base)
