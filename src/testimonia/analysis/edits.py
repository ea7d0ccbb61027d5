"""An analyst's corrections to a claim, as pure functions: the fields set from the
vocabularies and the gazetteer (an unknown value is refused with the closest known
ones), periods as analysts write them, and how two versions of a claim differ.
service/review.py records them; nothing here reads or writes a workspace."""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from testimonia.errors import InvalidValue, did_you_mean
from testimonia.places.gazetteer import get_gazetteer
from testimonia.shapes import ClaimJson, PeriodJson, PlaceJson
from testimonia.vocab import load_vocabulary

__all__ = ["ANALYST_COMPONENT", "PLAN_ACTIONS", "VICTIMS", "ClaimChanges", "Plan", "PlanDocument",
           "PlanEntry", "apply_changes", "changes_from", "claim_ref", "parse_plan",
           "differences", "digest", "parse_period", "parse_victim", "parse_ref", "place_json", "spans"]

VICTIMS = ("self", "other", "group", "unknown")
ANALYST_COMPONENT = "analyst@1"

@dataclass(frozen=True)
class ClaimChanges:
    """What an analyst sets on a claim; None leaves a field as it is."""

    act: str | None = None
    methods: tuple[str, ...] | None = None
    violations: tuple[str, ...] | None = None
    places: tuple[str, ...] | None = None
    period: str | None = None
    perpetrators: tuple[str, ...] | None = None
    victim: str | None = None
    first_hand: bool | None = None
    denial: bool | None = None

    def empty(self) -> bool:
        return all(value is None for value in vars(self).values())


def claim_ref(claim_id: int) -> str:
    """How a claim is named to people: its id, or r<decision> for a reviewed version that
    extraction no longer finds."""
    return f"r{-claim_id}" if claim_id < 0 else str(claim_id)


def parse_ref(ref: str | int) -> int:
    text = str(ref).strip().lower()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"r\d+", text):
        return -int(text[1:])
    raise InvalidValue(f"'{ref}' is not a claim id.", fix="Give the number shown by "
                       "`testimonia claims` or `testimonia review --list` (e.g. 17 or r3).")


def spans(body: ClaimJson) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((int(e["start"]), int(e["end"])) for e in body["evidence"]))


def digest(body: ClaimJson) -> str:
    """Of what a claim says (not of the component version that said it)."""
    content = {k: v for k, v in body.items() if k != "component"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def differences(before: ClaimJson, after: ClaimJson) -> list[str]:
    """The fields in which two versions of a claim differ, in words."""
    return [key for key in ("act", "methods", "violations", "places", "period", "perpetrators",
                            "victim", "first_hand", "denial", "transfer")
            if _summary(before, key) != _summary(after, key)]


def _summary(body: ClaimJson, key: str) -> Any:
    value = cast(dict[str, Any], body).get(key)
    if key == "places":
        return sorted(str(p.get("id") or p.get("name")) for p in value or [])
    if key == "perpetrators":
        return sorted(str(p.get("canonical") or p.get("name")) for p in value or [])
    if key == "period" and value:
        return (value.get("start"), value.get("end"))
    return value


def apply_changes(body: ClaimJson, changes: ClaimChanges) -> ClaimJson:
    """The claim with the analyst's fields set, each checked against the vocabularies and
    the gazetteer (an unknown value is refused with the closest known ones)."""
    vocab = load_vocabulary()
    new = cast(dict[str, Any], json.loads(json.dumps(body)))
    new["component"] = ANALYST_COMPONENT
    if changes.methods is not None:
        new["methods"] = [_known(m, vocab.methods, "method") for m in changes.methods]
    if changes.violations is not None:
        new["violations"] = [_known(v, vocab.violations, "violation") for v in changes.violations]
    if changes.act is not None:
        new["act"] = _known(changes.act, vocab.acts, "act")
    elif not new["act"]:
        implied = [vocab.methods[m].act for m in new["methods"]]
        new["act"] = implied[0] if implied else "detention"
    if changes.perpetrators is not None:
        new["perpetrators"] = [{"name": vocab.perpetrators[p].name, "canonical": p}
                               for p in (_known(x, vocab.perpetrators, "perpetrator")
                                         for x in changes.perpetrators)]
    if changes.places is not None:
        new["places"] = [place_json(p) for p in changes.places]
    if changes.period is not None:
        new["period"] = parse_period(changes.period)
    if changes.victim is not None:
        new["victim"] = parse_victim(changes.victim)
    if changes.first_hand is not None:
        new["first_hand"] = changes.first_hand
    if changes.denial is not None:
        new["denial"] = changes.denial
    if new["act"] != "transfer":
        new["transfer"] = None
    elif len(new["places"]) >= 2 and changes.places is not None:
        new["transfer"] = {"from": new["places"][0], "to": new["places"][-1]}
    return cast(ClaimJson, new)


def parse_victim(text: str) -> dict[str, Any]:
    """self, group, unknown, other — or other:NAME for a person the source names."""
    who, _, name = text.strip().partition(":")
    who = who.strip().lower()
    if who not in VICTIMS or (name.strip() and who != "other"):
        raise InvalidValue(f"Unknown victim '{text}'.",
                           fix=f"Use one of: {', '.join(VICTIMS)}, or other:NAME for a person named.")
    return {"who": who, **({"name": " ".join(name.split())} if name.strip() else {})}


def _known(value: str, known: Any, what: str) -> str:
    wanted = value.strip().lower().replace(" ", "_").replace("-", "_")
    if wanted in known:
        return wanted
    by_label = {str(getattr(v, "label", None) or getattr(v, "name", "")).lower(): k
                for k, v in known.items()}
    if value.strip().lower() in by_label:
        return str(by_label[value.strip().lower()])
    raise InvalidValue(f"Unknown {what} '{value}'.",
                       fix=did_you_mean(wanted, list(known), cutoff=0.5)
                       + f"`testimonia codes {what}s` lists them all.")


def _country_suffix(where: str) -> tuple[str, str | None]:
    """"Nara, ML" -> ("Nara", "ML"); a name without a country code as it is."""
    found = re.fullmatch(r"(.+?),\s*([A-Za-z]{2})", where)
    return (found.group(1).strip(), found.group(2).upper()) if found else (where, None)


def place_json(name: str) -> PlaceJson:
    """A place by any of its names, in any script, as the gazetteer knows it;
    "NAME, CC" the one in that country ("Nara, ML": the Malian town, not the Japanese
    city); "NAME@FACILITY" names the kind of place there ("Melitopol@police_station": a
    police station in Melitopol, a site apart from the town's other places of detention)."""
    where, _, facility = name.partition("@")
    where, country = _country_suffix(where.strip())
    found = [p for p in get_gazetteer().lookup(where, "und", [country] if country else [])
             if not country or p.country == country]
    if not found:
        raise InvalidValue(f"No place called '{where.strip()}' in the gazetteer.",
                           fix="Try another spelling, the nearest town, or the region; "
                           "`testimonia sites` lists the sites found so far.")
    place = found[0]
    kind = place.facility_type
    if facility.strip():
        kind = facility.strip().lower()
        known = load_vocabulary().facilities
        if kind not in known:
            raise InvalidValue(f"Unknown facility '{facility.strip()}' in '{name}'.",
                               fix=did_you_mean(kind, list(known), cutoff=0.5)
                               + "`testimonia codes facilities` lists them.")
    return cast(PlaceJson, {"name": place.name, "id": place.id, "country": place.country,
                            "lat": place.lat, "lon": place.lon, "facility": kind,
                            "precision": place.precision, "text": where.strip(),
                            "parent_id": place.parent_id, "facility_place": place.kind == "facility"})


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_period(text: str) -> PeriodJson | None:
    """YYYY, YYYY-MM, YYYY-MM-DD, or two of them as START..END; "none" clears it."""
    value = text.strip()
    if value.lower() in ("", "none", "unknown"):
        return None
    start_text, _, end_text = value.partition("..")
    first = _bounds(start_text)
    last = _bounds(end_text) if end_text else first
    if first is None or last is None or first[0] > last[1]:
        raise InvalidValue(f"'{text}' is not a period.",
                           fix="Use YYYY, YYYY-MM or YYYY-MM-DD, or START..END (2022-10..2022-12).")
    precision = first[2] if not end_text else "range"
    return cast(PeriodJson, {"start": first[0], "end": last[1], "precision": precision,
                             "duration_days": None, "approximate": False, "text": value})


def _bounds(text: str) -> tuple[str, str, str] | None:
    found = _DATE.match(text.strip())
    if not found:
        return None
    year, month, day = found.group(1), found.group(2), found.group(3)
    if month is None:
        return f"{year}-01-01", f"{year}-12-31", "year"
    if not 1 <= int(month) <= 12:
        return None
    last_day = calendar.monthrange(int(year), int(month))[1]
    if day is None:
        return f"{year}-{month}-01", f"{year}-{month}-{last_day:02d}", "month"
    if not 1 <= int(day) <= last_day:
        return None
    return f"{year}-{month}-{day}", f"{year}-{month}-{day}", "day"




# A review plan: decisions written down beforehand (a scripted review) -------------------

PLAN_ACTIONS = ("accept", "reject", "edit", "add")
_FIELDS = {"act": "act", "method": "methods", "violation": "violations", "place": "places",
           "period": "period", "perpetrator": "perpetrators", "victim": "victim"}


@dataclass(frozen=True)
class PlanEntry:
    action: str  # accept | reject | edit | add
    quote: str  # words of the document: the claim's evidence contains them (add: its evidence)
    was: str | None  # the act of the claim to find, when the quote alone is ambiguous
    changes: ClaimChanges
    reason: str | None


@dataclass(frozen=True)
class PlanDocument:
    file: str  # file name as ingested, or the first characters of the document id
    entries: tuple[PlanEntry, ...]
    reject_rest: str | None  # reject every claim still unreviewed after the entries, for this reason


@dataclass(frozen=True)
class Plan:
    documents: tuple[PlanDocument, ...]
    persons: tuple[tuple[str, tuple[str, ...]], ...]  # (name shown, names in the documents)


def parse_plan(data: Any, where: str) -> Plan:
    """A review plan from its YAML data (docs/review.md); InvalidValue naming the entry."""
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise InvalidValue(f"{where}: expected `documents:` (a list) and optionally `persons:`.")
    _only(data, ("documents", "persons"), where)
    documents = []
    for i, doc in enumerate(data.get("documents") or [], 1):
        here = f"{where}: document {i}"
        if not isinstance(doc, dict) or not doc.get("file"):
            raise InvalidValue(f"{here}: every document needs `file:` (its file name or id).")
        _only(doc, ("file", "claims", "reject_rest"), f"{here} ({doc['file']})")
        entries = tuple(_entry(e, f"{here} ({doc['file']}), entry {j}")
                        for j, e in enumerate(doc.get("claims") or [], 1))
        rest = doc.get("reject_rest")
        documents.append(PlanDocument(str(doc["file"]), entries, str(rest) if rest else None))
    persons = []
    for i, person in enumerate(data.get("persons") or [], 1):
        if not isinstance(person, dict) or not person.get("as") or not person.get("names"):
            raise InvalidValue(f"{where}: person {i} needs `as:` and `names:`.")
        _only(person, ("as", "names"), f"{where}: person {i}")
        persons.append((str(person["as"]), tuple(str(n) for n in person["names"])))
    return Plan(tuple(documents), tuple(persons))


def _only(data: dict[Any, Any], keys: tuple[str, ...], here: str) -> None:
    """A misspelt key is an error, never a part of the plan silently left out."""
    for key in data:
        if key not in keys:
            raise InvalidValue(f"{here}: unknown key {str(key)!r}.",
                               fix=did_you_mean(str(key), keys, n=1, cutoff=0.5)
                               + f"Known here: {', '.join(keys)}.")


def changes_from(fields: Mapping[str, Any]) -> ClaimChanges:
    """Changes from fields as a plan or the interactive review writes them: act, method,
    violation, place, period, perpetrator, victim (a value, or a list where several may
    be given), hearsay and denial (true or false); other keys are left to the caller."""
    values: dict[str, Any] = {}
    for key, field_name in _FIELDS.items():
        if key in fields:
            value = fields[key]
            many = field_name in ("methods", "violations", "places", "perpetrators")
            values[field_name] = tuple(str(v) for v in (value if isinstance(value, list) else [value])) \
                if many else str(value)
    if "hearsay" in fields:
        values["first_hand"] = not bool(fields["hearsay"])
    if "denial" in fields:
        values["denial"] = bool(fields["denial"])
    return ClaimChanges(**values)


def _entry(data: Any, here: str) -> PlanEntry:
    if not isinstance(data, dict) or len([a for a in PLAN_ACTIONS if a in data]) != 1:
        raise InvalidValue(f"{here}: give exactly one of {', '.join(PLAN_ACTIONS)}.")
    action = next(a for a in PLAN_ACTIONS if a in data)
    body = data[action]
    if isinstance(body, str):
        body = {"quote": body}
    if not isinstance(body, dict) or not str(body.get("quote") or "").strip():
        raise InvalidValue(f"{here}: `{action}` needs `quote:` (words of the document).")
    unknown = set(body) - {"quote", "was", "reason", "hearsay", "denial", *_FIELDS}
    if unknown:
        raise InvalidValue(f"{here}: unknown field {sorted(unknown)[0]!r}.",
                           fix=f"Use quote, was, reason, hearsay, denial, {', '.join(_FIELDS)}.")
    changes = changes_from(body)
    if action == "edit" and changes.empty():
        raise InvalidValue(f"{here}: an edit needs a field to change.")
    return PlanEntry(action, str(body["quote"]), str(body["was"]) if body.get("was") else None,
                     changes, str(body["reason"]) if body.get("reason") else None)
