"""Generalisation hierarchies of the quasi-identifiers a public export declares: each
value becomes a chain from most specific to most general, which the gate
(protect/gate.py) cuts at one level per attribute.

period: month → quarter → year · site: site → the site containing it → country ·
home: region → country (the village itself is a protected identifier, never published) ·
age band: ten years → twenty years →
adult/minor · source kind, sex, ethnicity, occupation: the value, then suppressed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from testimonia.places.gazetteer import get_gazetteer
from testimonia.places.gazetteer_data import country_names, regions
from testimonia.shapes import SiteJson

Chain = tuple[str, ...]
LEVEL_NAMES = {
    "period": ("month", "quarter", "year"),
    "site": ("site", "containing site", "country"),
    "home": ("region", "country"),
    "age_band": ("ten years", "twenty years", "adult or minor"),
}
_BAND = re.compile(r"(\d{1,2})(?:-(\d{1,3})|\+)")


def period_chain(month: str | None) -> Chain:
    """"2022-03" → ("2022-03", "2022-Q1", "2022"); () when unknown."""
    if not month or not re.fullmatch(r"\d{4}-\d{2}", month):
        return (month[:4],) if month and re.fullmatch(r"\d{4}.*", month) else ()
    year, number = month[:4], int(month[5:7])
    return (month, f"{year}-Q{(number - 1) // 3 + 1}", year)


def age_chain(band: str | None) -> Chain:
    """"30-39" → ("30-39", "20-39", "adult"); "70+" → ("70+", "60+", "adult")."""
    match = _BAND.fullmatch(band or "")
    if match is None:
        return ()
    low = int(match.group(1))
    twenty = low - low % 20
    wide = f"{twenty}+" if match.group(2) is None or twenty >= 60 else f"{twenty}-{twenty + 19}"
    return (band or "", wide, "minor" if low < 18 else "adult")


def value_chain(value: str | None) -> Chain:
    return (value,) if value else ()


def site_chain(site: SiteJson, sites: Mapping[str, SiteJson]) -> Chain:
    parent = sites.get(str(site.get("parent") or ""))
    chain = [str(site["name"])]
    if parent is not None:
        chain.append(str(parent["name"]))
    chain.append(country_name(str(site.get("country") or "")))
    return tuple(dict.fromkeys(c for c in chain if c))


def home_chain(home: str | None) -> Chain:
    """A home village or town → (its region, its country) when the gazetteer knows it;
    () otherwise: the village itself is never published."""
    places = get_gazetteer().lookup(home, "und") if home else []
    if not places:
        return ()
    place = places[0]
    region = _region_names().get((place.country, place.admin1 or ""))
    return tuple(dict.fromkeys(c for c in (region, country_name(place.country)) if c))


def region_name(country: str, admin1: str | None) -> str:
    """A first-level region's name from its GeoNames code ("ML", "04" → "Mopti Region");
    "" when the built-in table of regions (Mali, Ukraine, four Russian oblasts) lacks it."""
    return _region_names().get((country, admin1 or ""), "")


def country_name(iso: str) -> str:
    names = country_names().get(iso)
    return names.names[0] if names else iso


@functools.cache
def _region_names() -> dict[tuple[str, str], str]:
    return {(r.country, r.admin1): r.name for r in regions() if r.admin1}
