"""The curated places supplement (vocab/places_supplement.csv) in the gazetteer index.

A supplement settlement stands for the GeoNames place it duplicates (the GeoNames id
named in `coord_source`, or a GeoNames settlement of the same country within SHADOW_KM
that shares one of its names): every name of that GeoNames place then leads to the
supplement place, which takes over its population. Admin1 names ("Donetsk Oblast",
"Ségou") become GeoNames admin1 codes where the gazetteer can tell. A note saying
"require ... context" marks a place whose bare name is also a common name (Kati, Boni):
the gazetteer accepts it only with its country in context or after a locative word.
Rows without coordinates are kept, with lat and lon None.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections.abc import Iterable
from pathlib import Path

from testimonia.errors import ConfigError
from testimonia.places.gazetteer_index import Index, Place, add_place, lookup, name_key

SHADOW_KM = 15.0
COLUMNS = ("id", "name", "alt_names", "country", "admin1", "lat", "lon", "precision", "kind",
           "facility_type", "parent_id", "coord_source", "notes")
PRECISIONS = frozenset({"settlement", "facility", "district", "region"})
KINDS = frozenset({"settlement", "facility"})
_GEONAMES_ID = re.compile(r"GeoNames\s+(\d+)", re.IGNORECASE)
_NEEDS_CONTEXT = re.compile(r"\brequire\b[^;.]*\bcontext\b", re.IGNORECASE)
_ADMIN_WORDS = re.compile(r"\b(?:oblast|region|province|district|autonomous republic of|"
                          r"republic of|région de|cercle de)\b", re.IGNORECASE)


def add_supplement(index: Index, path: Path) -> None:
    for line, row in _rows(path):
        place = _place(index, row, f"{path}, line {line}")
        names = [place.name, *filter(None, (n.strip() for n in row["alt_names"].split("|")))]
        number = add_place(index, place, names)
        if _NEEDS_CONTEXT.search(row.get("notes", "")):
            index.needs_context.add(number)
        if place.kind == "settlement":
            _stand_for(index, number, names, row.get("coord_source", ""))


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(f"{path}: the places supplement lacks the columns "
                                  f"{', '.join(missing)}.",
                                  fix=f"Its header must be {','.join(COLUMNS)}.")
            rows = [(number + 2, {k: (v or "").strip() for k, v in row.items() if k})
                    for number, row in enumerate(reader)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(f"Cannot read the places supplement {path}: {error}.",
                          fix="Check that the file exists and is UTF-8 CSV.") from error
    return [(line, row) for line, row in rows if row.get("id")]


def _place(index: Index, row: dict[str, str], where: str) -> Place:
    if row["precision"] not in PRECISIONS or row["kind"] not in KINDS:
        raise ConfigError(f"{where}: precision {row['precision']!r} / kind {row['kind']!r}.",
                          fix=f"Use precision one of {sorted(PRECISIONS)} and kind one of "
                              f"{sorted(KINDS)}.")
    if not row["name"] or len(row["country"]) != 2:
        raise ConfigError(f"{where}: a name and a two-letter country are required.",
                          fix="Fill in name and country (ISO 3166-1 alpha-2).")
    lat, lon = _coordinates(row, where)
    country = row["country"].upper()
    parent = row.get("parent_id") or None
    if parent and ":" not in parent:
        parent = f"supp:{parent}"
    ident = row["id"] if ":" in row["id"] else f"supp:{row['id']}"
    return Place(ident, row["name"], country, _admin1(index, country, row.get("admin1", "")),
                 lat, lon, row["precision"], row["kind"], row.get("facility_type") or None,
                 parent, 0, "supplement")


def _coordinates(row: dict[str, str], where: str) -> tuple[float | None, float | None]:
    if not row["lat"] and not row["lon"]:
        return None, None
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError as error:
        raise ConfigError(f"{where}: lat/lon {row['lat']!r}, {row['lon']!r} are not numbers.",
                          fix="Give decimal degrees (14.5333,-4.0917) or leave both empty.") from error
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"{where}: lat/lon {lat}, {lon} are out of range.",
                          fix="Latitude comes first, in decimal degrees.")
    return lat, lon


def _admin1(index: Index, country: str, text: str) -> str | None:
    """GeoNames admin1 code for an admin1 name: a built-in region of that name, else the
    region of the biggest settlement named like it; the text itself when neither fits."""
    if not text or text.isdigit():
        return text or None
    key = name_key(text)
    for number in lookup(index.exact, key):
        place = index.place(number)
        if place.kind == "region" and place.country == country and place.admin1:
            return place.admin1
    bare = name_key(_ADMIN_WORDS.sub(" ", text))
    towns = [n for n in lookup(index.exact, bare)
             if n < len(index.geo.name) and index.geo.country[n] == country]
    if towns:
        return index.geo.admin1[max(towns, key=lambda n: index.geo.population[n])] or text
    return text


def _stand_for(index: Index, number: int, names: Iterable[str], coord_source: str) -> None:
    place = index.extra[number - len(index.geo.name)]
    geo = index.geo
    twins: set[int] = set()
    for match in _GEONAMES_ID.finditer(coord_source):
        gid = int(match.group(1))
        if gid in geo.gid:
            twins.add(geo.gid.index(gid))
    if place.lat is not None and place.lon is not None:
        for key in {name_key(n) for n in names}:
            twins.update(n for n in lookup(index.exact, key)
                         if n < len(geo.name) and geo.country[n] == place.country
                         and _km(geo.lat[n], geo.lon[n], place.lat, place.lon) <= SHADOW_KM)
    if not twins:
        return
    for twin in twins:
        index.redirect[twin] = number
    biggest = max(twins, key=lambda n: geo.population[n])
    index.extra[number - len(geo.name)] = dataclasses.replace(
        place, population=max(geo.population[n] for n in twins),
        admin1=geo.admin1[biggest] or place.admin1)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
