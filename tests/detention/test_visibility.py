"""An IVS officer opens the case of a detainee held in their facility, but reads only the
custody part of the file: the timeline and the case view leave the investigation out."""

from __future__ import annotations

from typing import Any


def test_detention_staff_read_the_custody_part_of_the_file(
    as_user: Any, open_case: str, admitted: str, add_person: Any
) -> None:
    add_person("witness", surname="Сыдыков", given_name="Эрмек", birth_date="1985-02-03")
    full = as_user("investigator").get(f"/cases/{open_case}/timeline").json()
    part = as_user("ivs_officer").get(f"/cases/{open_case}/timeline").json()

    full_kinds = {e["kind"] for e in full}
    assert {"registry.report.register", "registry.case.open", "detention.arrest"} <= full_kinds
    kinds = [e["kind"] for e in part]
    assert "detention.arrest" in kinds and "detention.admit" in kinds
    assert all(k.startswith(("detention.", "legalaid.", "courts.measure.decide")) for k in kinds)
    # The events shown are the ledger's own, in order, with their hashes.
    by_seq = {e["seq"]: e["hash"] for e in full}
    assert [e["seq"] for e in part] == sorted(e["seq"] for e in part)
    assert all(by_seq[e["seq"]] == e["hash"] for e in part)

    case = as_user("ivs_officer").get(f"/cases/{open_case}").json()
    assert case["partial"] is True and case["summary"] == "" and case["details"] == {}
    assert {p["role"] for p in case["participants"]} == {"suspect"}
    assert all(d["rule"].startswith(("detention.", "custody.")) for d in case["deadlines"])

    whole = as_user("investigator").get(f"/cases/{open_case}").json()
    assert "partial" not in whole and whole["summary"]
    assert {p["role"] for p in whole["participants"]} >= {"suspect", "witness"}
