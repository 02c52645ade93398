"""Warnings about a person that a module holds — a protection order in force that names them —
shown wherever the person is looked up (`GET /persons/{id}`, the person's page); and warnings
about an address — an order in force there, a hazard noted there — shown to a dispatcher taking
a call there.

A module declares a source with `warning_source` or `address_source`; core knows none of them
by name (apps depend on core, never the other way). A person's source decides itself who is
warned, and logs what it shows; an address's source answers whoever asks (the caller decides
who may ask, and logs the lookup)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

Warning_ = dict[str, Any]
Source = Callable[[Any, list[str], datetime], list[Warning_]]
SOURCES: list[Source] = []


def warning_source(fn: Source) -> Source:
    """Declare a source: called with the reader, the person's records (the person and those
    merged into them) and the time, it returns the warnings that reader is to see."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def warnings_for(user: Any, records: list[str], now: datetime) -> list[Warning_]:
    return [w for source in SOURCES for w in source(user, records, now)]


AddressSource = Callable[[str, str, datetime], list[Warning_]]
ADDRESS_SOURCES: list[AddressSource] = []


def address_source(fn: AddressSource) -> AddressSource:
    """Declare a source of warnings at an address: called with the region's code, the address
    as compared (`address_key`) and the time; each warning it returns names its record (`ref`)
    and the person it concerns (`person`, or None)."""
    if fn not in ADDRESS_SOURCES:
        ADDRESS_SOURCES.append(fn)
    return fn


def address_key(text: str) -> str:
    """An address as it is compared: lower case, words only, single spaces (`ул. Киевская, 12`
    and `ул Киевская 12` are one address)."""
    return " ".join(re.findall(r"\w+", text.casefold()))[:300]


def warnings_at(region: str, address: str, now: datetime) -> list[Warning_]:
    """Every module's warnings at an address in a region, in the order the sources were
    declared; none for an address too short to compare."""
    key = address_key(address)
    if len(key) < 3:
        return []
    return [w for source in ADDRESS_SOURCES for w in source(region[:8], key, now)]
