"""`--format csv`: one row per claim in a layout familiar from ACLED and UCDP GED,
`events.csv`, with its codebook beside it, `codebook.md`.

A row is a claim a counted finding rests on (for the public), or any counted claim (for
the other audiences: also arrests, transfers, releases and denials, which support no
finding). Its place is the most specific site of its findings (a container rather than
the camp it is in), or, for a claim with no finding, the first place it names with
coordinates; its counts and status are those of its finding of the claim's act at that
site (else of its first method or violation there).

Spreadsheets run a cell that starts with = + - @, a tab or a carriage return as a
formula, so such text cells get a leading apostrophe (OWASP, "CSV injection"); numbers
are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from testimonia.export import hierarchy
from testimonia.export.published import (
    DATE_PRECISION,
    GEO_PRECISION,
    STATUSES,
    Context,
    Output,
    claims_basis,
    date_level,
    date_precision,
    geo_precision,
    kinds,
    perpetrators,
    place_admin1,
    place_fields,
    quote,
    widen,
)
from testimonia.model import StoredClaim
from testimonia.shapes import ClaimJson, FindingJson, PlaceJson
from testimonia.vocab import load_vocabulary

__all__ = ["CODEBOOK", "COLUMNS", "Column", "EVENTS", "build", "cell", "columns"]

EVENTS = "events.csv"
CODEBOOK = "codebook.md"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "
VICTIMS = {"self": "the source", "other": "another person", "group": "a group",
           "unknown": "unknown"}

Cell = str | int | float | None
Row = dict[str, Cell]


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    audiences: frozenset[str] = frozenset({"internal", "partner", "public", "legal"})


_NAMED = frozenset({"internal", "partner", "legal"})
COLUMNS = (
    Column("event_id", "This file's id of the row (TM-000001...), in order of date and place."),
    Column("claim_id", "The workspace's id of the claim.", _NAMED),
    Column("event_date_start", "First day the claim's period may cover (ISO 8601); empty when undated."),
    Column("event_date_end", "Last day it may cover; empty when undated or open-ended."),
    Column("date_precision", "How precisely the dates are known: codes below."),
    Column("event_type", "The act (vocabulary label): detention, torture or ill-treatment, killing..."),
    Column("sub_event_type", "The methods and violations reported (vocabulary labels, '; ' between)."),
    Column("act", "The act's code."),
    Column("allegations", "The methods' and violations' codes."),
    Column("actor1", "The perpetrators: organisations by name"
           " (for internal and legal exports also as told when no organisation is recognised)."),
    Column("actor1_type", "The perpetrators' types (state armed force, intelligence service...)."),
    Column("actor2", "The victim: the source, another person, a group (with its size when told), unknown."),
    Column("country", "Country of the place (English name)."),
    Column("iso", "Its ISO 3166-1 alpha-2 code."),
    Column("admin1", "First-level region, where the gazetteer knows it."),
    Column("admin2", "Second-level unit: always empty (the gazetteer has no second-level names)."),
    Column("location", "The site: a facility and its town, a town, a region or a country."),
    Column("site_id", "The analysis's id of the site (stable across re-extraction)."),
    Column("latitude", "WGS 84 latitude of the site; empty when it cannot be placed."),
    Column("longitude", "WGS 84 longitude."),
    Column("geo_precision", "How precisely the coordinates place it: codes below; empty when not placed."),
    Column("first_hand", "1 when the source tells what happened to them or what they saw, else 0."),
    Column("status", "Status of the finding the row belongs to (empty: it supports no finding)."),
    Column("sources", "Sources behind that finding (counted and second-hand)."),
    Column("independent_sources", "Independent sources at first hand behind it."),
    Column("source_kinds", "Kinds of those sources; for the public only when the gate published source "
           "kinds and the finding rests on at least k independent sources, else 'withheld'."),
    Column("contradicted", "1 when a denial contradicts the finding, else 0."),
    Column("source", "The source's pseudonym.", _NAMED),
    Column("document", "The document's id (SHA-256 of the original file).", frozenset({"legal"})),
    Column("quote_start", "Where the quote starts in the document's text (characters).", frozenset({"legal"})),
    Column("quote_end", "Where it ends.", frozenset({"legal"})),
    Column("notes", "What the row rests on, in words; the quote of the act where the audience may read it "
           "(redacted; never for the public)."),
)


def columns(audience: str) -> list[Column]:
    return [column for column in COLUMNS if audience in column.audiences]


def build(ctx: Context) -> Output:
    quoted: dict[str, int] = {}
    rows = _rows(ctx, quoted)
    names = [c.name for c in columns(ctx.audience.name)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(names)
    writer.writerows([cell(row.get(name)) for name in names] for row in rows)
    facts = {str(row[key]) for row in rows for key in ("location", "country", "admin1", "event_date_start",
                                                       "event_date_end") if row.get(key)}
    files = {EVENTS: buffer.getvalue().encode(), CODEBOOK: _codebook(ctx, rows).encode()}
    return Output(files, len(rows), "events", quoted, facts=frozenset(facts))


def cell(value: Cell) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


# --- rows -------------------------------------------------------------------------------

def _rows(ctx: Context, quoted: dict[str, int]) -> list[Row]:
    found: dict[int, list[FindingJson]] = defaultdict(list)
    for finding in ctx.inputs.results["findings"]:
        for claim_id in finding.get("claims", []):
            found[claim_id].append(finding)
    rows = []
    for claim_id in sorted(ctx.inputs.claims):
        if found.get(claim_id) or not ctx.audience.gate:
            rows.append(_row(ctx, ctx.inputs.claims[claim_id], found.get(claim_id, []), quoted))
    rows.sort(key=lambda r: (str(r["event_date_start"] or "9999"), str(r["location"]), int(str(r["_id"]))))
    for number, row in enumerate(rows, start=1):
        row["event_id"] = f"TM-{number:06d}"
    return rows


def _row(ctx: Context, claim: StoredClaim, findings: list[FindingJson], quoted: dict[str, int]) -> Row:
    body = claim.body
    period = body["period"] or {}
    start, end = widen(period.get("start"), period.get("end"), date_level(ctx))
    allegations = [*body["methods"], *body["violations"]]
    finding = _finding(ctx, body["act"], allegations, findings)
    evidence = body["evidence"][0]
    row: Row = {
        "_id": claim.id, "claim_id": claim.id, "event_date_start": start, "event_date_end": end,
        "date_precision": date_precision(start, end),
        "event_type": _label(body["act"]), "sub_event_type": SEPARATOR.join(map(_label, allegations)),
        "act": body["act"], "allegations": SEPARATOR.join(allegations),
        "actor1": SEPARATOR.join(perpetrators(ctx, body)),
        "actor1_type": SEPARATOR.join(_actor_types(body)), "actor2": _victim(body),
        "first_hand": int(body["first_hand"]), "admin2": "",
        "source": claim.source or "", "document": claim.document_id,
        "quote_start": evidence["start"], "quote_end": evidence["end"],
    }
    row |= _place(ctx, finding, body["places"])
    row |= _finding_cells(ctx, finding)
    row["notes"] = _notes(ctx, claim, finding, quoted)
    return row


def _finding(ctx: Context, act: str, allegations: Sequence[str],
             findings: list[FindingJson]) -> FindingJson | None:
    """The finding a row belongs to: at the most specific of the claim's sites (not one
    another of them lies in), the one of its act, else of its first method or violation."""
    if not findings:
        return None
    sites = {f["site"] for f in findings}
    outer = {ctx.sites[s].get("parent") for s in sites}
    inner = sites - outer or sites
    order = [f"act:{act}", *allegations]
    candidates = [f for f in findings if f["site"] in inner]
    return min(candidates, key=lambda f: (order.index(f["allegation"]) if f["allegation"] in order
                                          else len(order), f["site"], f.get("period_start") or ""))


def _place(ctx: Context, finding: FindingJson | None, places: list[PlaceJson]) -> Row:
    if finding is not None:
        site = ctx.sites[finding["site"]]
        fields = place_fields(site)
        return {"country": fields["country"], "iso": fields["country_code"], "admin1": fields["admin1"],
                "location": fields["name"], "site_id": site["id"], "latitude": fields["lat"],
                "longitude": fields["lon"], "geo_precision": fields["geo_precision"]}
    place = next((p for p in places if p.get("lat") is not None and p.get("lon") is not None),
                 places[0] if places else None)
    if place is None:
        return {}
    country = str(place.get("country") or "")
    located = place.get("lat") is not None and place.get("precision") != "unknown"
    return {"country": hierarchy.country_name(country) if country else "", "iso": country,
            "admin1": place_admin1(str(place.get("id") or "")),
            "location": str(place.get("name") or ""), "latitude": place.get("lat") if located else None,
            "longitude": place.get("lon") if located else None,
            "geo_precision": geo_precision(str(place.get("precision")), place.get("facility"))
            if located else None}


def _finding_cells(ctx: Context, finding: FindingJson | None) -> Row:
    if finding is None:
        return {}
    shown = kinds(ctx, finding)
    return {"status": finding["status"],
            "sources": len({*finding.get("sources", []), *finding.get("hearsay_sources", [])}),
            "independent_sources": finding["independent_sources"],
            "source_kinds": "withheld" if shown is None else SEPARATOR.join(shown),
            "contradicted": int(bool(finding.get("contradicted_by")))}


def _notes(ctx: Context, claim: StoredClaim, finding: FindingJson | None,
           quoted: dict[str, int]) -> str:
    told = "Told at first hand" if claim.body["first_hand"] else "Told at second hand"
    if claim.body["denial"]:
        told = "A denial"
    if finding is None:
        told += "; supports no finding"
    else:
        told += (f"; finding: {finding['allegation']} at {finding.get('site_name') or finding['site']}, "
                 f"{finding['status']}, {finding['independent_sources']} independent source(s)")
    if claim.document_id in ctx.quotable and ctx.audience.pseudonyms:
        quoted[claim.document_id] = quoted.get(claim.document_id, 0) + 1
        said = quote(ctx, claim)
        told += f". {said['source'] or 'Unattributed'}: «{said['text']}»"
    return told + "."


def _actor_types(body: ClaimJson) -> list[str]:
    vocab = load_vocabulary()
    types = [vocab.perpetrators[c].type for p in body["perpetrators"]
             if (c := p.get("canonical")) is not None and c in vocab.perpetrators]
    return list(dict.fromkeys(vocab.perpetrator_types[t].label if t in vocab.perpetrator_types else t
                              for t in types))


def _victim(body: ClaimJson) -> str:
    victim = body["victim"]
    who = VICTIMS.get(str(victim.get("who") or "unknown"), "unknown")
    return f"{who} of {victim['count']}" if who == "a group" and victim.get("count") else who


def _label(code: str) -> str:
    vocab = load_vocabulary()
    for table in (vocab.acts, vocab.methods, vocab.violations):
        if code in table:
            return table[code].label
    return code


# --- the codebook -----------------------------------------------------------------------

def _codebook(ctx: Context, rows: list[Row]) -> str:
    lines = [
        f"# Codebook of {EVENTS}", "",
        f"Audience: {ctx.audience.name} ({ctx.audience.reader}). Written "
        f"{datetime.now(UTC):%Y-%m} from {claims_basis(ctx)}: {len(rows)} rows, one per claim. "
        "UTF-8, comma-separated, RFC 4180 quoting; a text cell that starts with = + - @ or a tab "
        "has a leading apostrophe added so that no spreadsheet runs it as a formula.", "",
        "The layout follows ACLED and UCDP GED where they have an equivalent: one event per row, "
        "dates with a precision code, actors, the place with its region, coordinates and a "
        "geo precision code. A row is a claim, not a verified event: see `status` and "
        "`independent_sources` (docs/analysis.md, Corroboration).", "",
        "## Columns", "", "| column | meaning |", "|---|---|",
        *[f"| `{c.name}` | {c.meaning} |" for c in columns(ctx.audience.name)], "",
        "## date_precision", "", "| code | the dates cover |", "|---|---|",
        *[f"| {code} | {text} |" for code, text in DATE_PRECISION.items()], "",
        _dates_note(ctx), "",
        "## geo_precision", "", "| code | the coordinates are |", "|---|---|",
        *[f"| {code} | {text} |" for code, text in GEO_PRECISION.items()], "",
        "## status", "", "Strongest first: " + ", ".join(f"`{s}`" for s in STATUSES)
        + " (docs/analysis.md).", "",
        "## event_type and sub_event_type", "", "| code | label |", "|---|---|",
    ]
    codes = sorted({str(r["act"]) for r in rows}) + sorted(
        {a for r in rows for a in str(r["allegations"]).split(SEPARATOR) if a})
    lines += [f"| `{code}` | {_label(code)} |" for code in codes]
    return "\n".join(lines) + "\n"


def _dates_note(ctx: Context) -> str:
    level = date_level(ctx)
    if level == "day":
        return "Dates are the claim's period as extracted and reviewed."
    return (f"Dates are widened to the whole {level} they fall in: a public export never dates a "
            "claim more finely than the month, nor than the re-identification gate let the "
            "witness accounts be dated.")
