"""The GeoJSON and CSV formats and the audiences' rules, on a small hand-built analysis:
RFC 7946 structure, coordinate order and antimeridian, the CSV layout, its codes and
codebook, the formula-injection guard, and what each audience may read."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from testimonia.errors import InvalidValue
from testimonia.export import csv_events, findings_json, gate, geojson
from testimonia.export.audiences import POLICIES, audience
from testimonia.export.public import Inputs
from testimonia.export.published import Context, date_precision, widen
from testimonia.export.redact import Redactor
from testimonia.model import Document, Source, SourceKind, StoredClaim
from testimonia.shapes import ResultsJson

CAMP = "site:supp:ml_sevare/military_camp"
CONTAINER = "site:supp:ml_sevare/shipping_container"
SUVA = "site:test:suva/prison"
APIA = "site:test:apia/prison"
NOWHERE = "site:name:the farm"
FORMULA = "site:test:formula"
RUSSIA = "site:geonames:2017370"


def _site(site_id: str, name: str, lat: float | None, lon: float | None, *, country: str | None = "ML",
          facility: str | None = None, precision: str = "settlement", parent: str | None = None) -> Any:
    return {"id": site_id, "name": name, "facility": facility, "country": country, "lat": lat,
            "lon": lon, "precision": precision, "parent": parent, "aliases": [],
            "first_reported": "2022-03-01", "last_reported": "2022-04-30",
            "forces": [{"canonical": "fama", "claims": 2}], "sources": [], "source_count": 0,
            "claim_count": 0, "from_town": [], "note": ""}


def _finding(site: str, allegation: str, claims: list[int], groups: list[list[str]],
             status: str = "corroborated", kinds: list[str] | None = None) -> Any:
    return {"site": site, "site_name": site, "allegation": allegation, "period": "2022-03",
            "period_start": "2022-03-01", "period_end": "2022-03-31", "status": status,
            "rationale": f"{len(groups)} independent sources at first hand: "
                         + "; ".join(" + ".join(g) for g in groups),
            "independent_sources": len(groups), "first_hand_sources": len(groups),
            "sources": sorted(s for g in groups for s in g), "hearsay_sources": [],
            "source_kinds": kinds or ["survivor", "witness"], "groups": groups,
            "unattributed_documents": [], "claims": claims, "contradicted_by": []}


def _claim(claim_id: int, source: str, document: str, *, act: str = "ill_treatment",
           methods: tuple[str, ...] = ("beating",), start: str | None = "2022-03-01",
           end: str | None = "2022-03-31", perpetrator: str = "les militaires",
           quote: str = "Ils m'ont battu dans le conteneur.") -> StoredClaim:
    body: Any = {
        "act": act, "methods": list(methods), "violations": [],
        "places": [{"name": "Sévaré", "id": "supp:ml_sevare", "country": "ML", "lat": 14.533,
                    "lon": -4.1, "facility": "shipping_container", "precision": "settlement"}],
        "perpetrators": [{"name": perpetrator, "canonical": None},
                         {"name": "FAMa", "canonical": "fama"}],
        "period": {"start": start, "end": end, "precision": "month"} if start or end else None,
        "victim": {"who": "self", "count": None}, "first_hand": True, "denial": False,
        "interrogation_languages": [], "component": "test", "transfer": None,
        "evidence": [{"start": 10, "end": 10 + len(quote), "quote": quote}]}
    return StoredClaim(claim_id, document, f"{document}.md", source, body, "survivor")


def _document(doc_id: str, consent: str, source: str) -> Document:
    return Document(doc_id, f"{doc_id}.md", 1, "text/markdown", "2024-01-01", "fr", "fr", 1.0, source,
                    "Sahel Desk", "extracted", "0" * 64, "markdown",
                    {"front_matter": {"consent": consent}})


def _inputs() -> Inputs:
    sites = [_site(CAMP, "Sévaré military camp", 14.533, -4.1, facility="military_camp"),
             _site(CONTAINER, "shipping container, Sévaré", 14.533, -4.1, facility="shipping_container",
                   parent=CAMP),
             _site(SUVA, "prison, Suva", -18.1416, 178.4419, country="FJ", facility="prison"),
             _site(APIA, "prison, Apia", -13.8333, -171.7667, country="WS", facility="prison"),
             _site(NOWHERE, "the farm", None, None, country=None, precision="unknown"),
             _site(FORMULA, '=HYPERLINK("http://example.org/x")', 14.0, -4.0),
             _site(RUSSIA, "Russia", 61.52, 105.32, country="RU", precision="country")]
    findings = [_finding(CONTAINER, "beating", [1, 2], [["Ana"], ["Bo"]]),
                _finding(CAMP, "beating", [1, 2, 3], [["Ana"], ["Bo", "Cy"]]),
                _finding(CAMP, "act:detention", [3], [["Cy"]], "single source", ["defector"]),
                _finding(SUVA, "act:detention", [4], [["Ana"]], "single source", ["survivor"]),
                _finding(NOWHERE, "act:detention", [5], [["Bo"]], "hearsay only"),
                _finding(FORMULA, "act:detention", [6], [["Cy"]], "single source"),
                _finding(RUSSIA, "act:detention", [7], [["Cy"]], "contested")]
    edges: Any = [{"from": SUVA, "to": APIA, "count": 1, "cross_border": True, "sources": ["Ana"],
                   "claims": [4], "from_name": "prison, Suva", "to_name": "prison, Apia"},
                  {"from": CAMP, "to": NOWHERE, "count": 1, "cross_border": False, "sources": ["Bo"],
                   "claims": [5]}]
    results: ResultsJson = {"sites": sites, "findings": findings, "patterns": {},
                            "transfers": {"edges": edges, "trajectories": []}}
    claims = {1: _claim(1, "Ana", "d-public", quote="Ils m'ont battu, Ana et moi."),
              2: _claim(2, "Bo", "d-consortium", start="2022-03-14", end="2022-03-14"),
              3: _claim(3, "Cy", "d-internal", act="detention", methods=(), start=None, end=None),
              4: _claim(4, "Ana", "d-public", act="detention", methods=(), start="2022-03-01",
                        end="2022-03-05"),
              5: _claim(5, "Bo", "d-consortium", act="detention", methods=(), start="2021-01-01",
                        end="2022-12-31"),
              6: _claim(6, "Cy", "d-internal", act="detention", methods=(), perpetrator="@cmd|calc"),
              7: _claim(7, "Cy", "d-internal", act="detention", methods=(), start="2022-03-01", end=None)}
    documents = {d.id: d for d in (_document("d-public", "public", "Ana"),
                                   _document("d-consortium", "consortium", "Bo"),
                                   _document("d-internal", "internal", "Cy"))}
    sources = {name: Source(i, name, kind, "Sahel Desk") for i, (name, kind) in enumerate(
        [("Ana", SourceKind.SURVIVOR), ("Bo", SourceKind.WITNESS), ("Cy", SourceKind.DEFECTOR)])}
    profiles = {"Ana": {"age_band": "30-39", "sex": "female"}}
    return Inputs("Sahel Desk", results, claims, documents, sources, profiles, {})


def _decision(period: str = "month", kind_level: int = 0) -> gate.Decision:
    return gate.Decision(True, 2, {"kind": kind_level, "period": 0}, {"period": period}, [], [], [],
                         "test", 2)


def _context(name: str, k: int = 2, decision: gate.Decision | None = None) -> Context:
    policy = POLICIES[name]
    if policy.gate and decision is None:
        decision = _decision()
    return Context(_inputs(), policy, Redactor([]), k, decision, False)


# --- GeoJSON ----------------------------------------------------------------------------

def _check_position(position: Any) -> None:
    assert isinstance(position, list) and len(position) == 2, position
    lon, lat = position
    assert -180 <= lon <= 180 and -90 <= lat <= 90, position


def _check_geometry(geometry: Any) -> None:
    """RFC 7946 §3.1: the geometry types this export writes."""
    if geometry is None:
        return
    kind, coordinates = geometry["type"], geometry["coordinates"]
    assert set(geometry) == {"type", "coordinates"}
    if kind == "Point":
        _check_position(coordinates)
    elif kind == "LineString":
        assert len(coordinates) >= 2 and all(_check_position(p) is None for p in coordinates)
    elif kind == "MultiLineString":
        for part in coordinates:
            _check_geometry({"type": "LineString", "coordinates": part})
            lons = [p[0] for p in part]  # no part spans more than half the world
            assert max(lons) - min(lons) <= 180
    else:
        raise AssertionError(f"unexpected geometry {kind}")


def _collection(name: str) -> dict[str, Any]:
    output = geojson.build(_context(name))
    assert list(output.files) == ["sites.geojson"]
    data: dict[str, Any] = json.loads(output.files["sites.geojson"])
    assert data["type"] == "FeatureCollection" and "crs" not in data  # RFC 7946 §4: no crs
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert isinstance(feature["id"], str)
        _check_geometry(feature["geometry"])
    return data


def test_geojson_is_an_rfc_7946_collection_of_sites_and_transfers() -> None:
    data = _collection("public")
    by_id = {f["id"]: f for f in data["features"]}
    assert by_id[CAMP]["geometry"] == {"type": "Point", "coordinates": [-4.1, 14.533]}  # [lon, lat]
    assert by_id[RUSSIA]["geometry"]["coordinates"] == [105.32, 61.52]
    assert by_id[NOWHERE]["geometry"] is None  # not placed: null geometry, still listed
    camp = by_id[CAMP]["properties"]
    assert camp["admin1"] == "Mopti Region" and camp["country"] == "Mali" and camp["geo_precision"] == 2
    assert camp["status"] == "corroborated" and camp["claims"] == 3
    assert camp["independent_sources"] == 2  # Ana; Bo + Cy, related: counted once
    assert camp["allegations"] == ["act:detention", "beating"] and camp["corroborated"] == ["beating"]
    assert camp["forces"] == ["Forces Armées Maliennes (FAMa)"]
    assert by_id[RUSSIA]["properties"]["geo_precision"] == 5
    assert by_id[APIA]["properties"]["findings"] == 0  # the end of a transfer, with no finding
    line = by_id[f"{CAMP}->{NOWHERE}"]
    assert line["geometry"] is None and line["properties"]["cross_border"] is False


def test_a_transfer_line_joins_its_two_sites() -> None:
    by_id = {f["id"]: f for f in _collection("internal")["features"]}
    transfer = by_id[f"{SUVA}->{APIA}"]
    parts = transfer["geometry"]["coordinates"]
    assert parts[0][0] == by_id[SUVA]["geometry"]["coordinates"]
    assert parts[-1][-1] == by_id[APIA]["geometry"]["coordinates"]
    assert transfer["properties"] | {"sources": []} == {
        "kind": "transfer", "from": SUVA, "to": APIA, "from_name": "prison, Suva",
        "to_name": "prison, Apia", "count": 1, "cross_border": True, "claims": 1, "sources": []}


def test_a_line_across_the_antimeridian_is_cut_there() -> None:
    east = geojson.line([178.0, -18.0], [-172.0, -14.0])  # Fiji to Samoa, 10 degrees apart
    assert east == {"type": "MultiLineString", "coordinates": [
        [[178.0, -18.0], [180.0, -17.2]], [[-180.0, -17.2], [-172.0, -14.0]]]}
    west = geojson.line([-172.0, -14.0], [178.0, -18.0])
    assert west["coordinates"] == [[[-172.0, -14.0], [-180.0, -17.2]], [[180.0, -17.2], [178.0, -18.0]]]
    assert geojson.line([37.66, 47.83], [38.91, 47.24]) == {
        "type": "LineString", "coordinates": [[37.66, 47.83], [38.91, 47.24]]}
    assert geojson.line([-179.0, 0.0], [179.0, 0.0])["type"] == "MultiLineString"
    assert geojson.line([-90.0, 0.0], [89.0, 0.0])["type"] == "LineString"  # 179 degrees: the short way


def test_public_geojson_names_no_source_and_quotes_nothing() -> None:
    text = json.dumps(_collection("public"), ensure_ascii=False)
    assert not any(name in text for name in ("Ana", "Bo\"", "Cy\"", "battu"))
    partner = {f["id"]: f for f in _collection("partner")["features"]}
    assert partner[CAMP]["properties"]["sources"] == ["Ana", "Bo", "Cy"]
    assert "battu" not in json.dumps(partner, ensure_ascii=False)  # a map layer: no quotes


def test_public_dates_are_no_finer_than_the_month_nor_the_gate() -> None:
    site = {f["id"]: f for f in _collection("public")["features"]}[CAMP]["properties"]
    assert (site["first_reported"], site["last_reported"]) == ("2022-03-01", "2022-04-30")
    yearly = Context(_inputs(), POLICIES["public"], Redactor([]), 2, _decision("suppressed"), False)
    data = json.loads(geojson.build(yearly).files["sites.geojson"])
    site = {f["id"]: f for f in data["features"]}[CAMP]["properties"]
    assert (site["first_reported"], site["last_reported"]) == ("2022-01-01", "2022-12-31")


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "level", "widened", "code"), [
    ("2022-03-14", "2022-03-14", "day", ("2022-03-14", "2022-03-14"), 1),
    ("2022-03-01", "2022-03-05", "day", ("2022-03-01", "2022-03-05"), 2),
    ("2022-03-01", "2022-03-31", "day", ("2022-03-01", "2022-03-31"), 3),
    ("2022-03-14", "2022-03-14", "month", ("2022-03-01", "2022-03-31"), 3),
    ("2022-02-10", "2022-03-14", "quarter", ("2022-01-01", "2022-03-31"), 4),
    ("2022-03", "2022-05", "day", ("2022-03-01", "2022-05-31"), 4),
    ("2024-02-10", "2024-02-10", "year", ("2024-01-01", "2024-12-31"), 4),
    ("2021-01-01", "2022-12-31", "day", ("2021-01-01", "2022-12-31"), 5),
    ("2022-03-01", None, "month", ("2022-03-01", None), 5),
    (None, None, "month", (None, None), 5),
])
def test_dates_are_widened_and_coded(start: str | None, end: str | None, level: str,
                                     widened: tuple[str | None, str | None], code: int) -> None:
    assert widen(start, end, level) == widened
    assert date_precision(*widened) == code


# --- CSV --------------------------------------------------------------------------------

def _events(name: str, context: Context | None = None) -> tuple[list[str], list[dict[str, str]], str]:
    output = csv_events.build(context or _context(name))
    assert sorted(output.files) == ["codebook.md", "events.csv"]
    text = output.files["events.csv"].decode()
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert output.items == len(rows)
    return list(reader.fieldnames or []), rows, output.files["codebook.md"].decode()


PUBLIC_COLUMNS = ["event_id", "event_date_start", "event_date_end", "date_precision", "event_type",
                  "sub_event_type", "act", "allegations", "actor1", "actor1_type", "actor2", "country",
                  "iso", "admin1", "admin2", "location", "site_id", "latitude", "longitude",
                  "geo_precision", "first_hand", "status", "sources", "independent_sources",
                  "source_kinds", "contradicted", "notes"]


def test_csv_columns_follow_the_audience() -> None:
    assert _events("public")[0] == PUBLIC_COLUMNS
    named = [*PUBLIC_COLUMNS[:1], "claim_id", *PUBLIC_COLUMNS[1:-1], "source", "notes"]
    assert _events("internal")[0] == _events("partner")[0] == named
    assert _events("legal")[0] == [*named[:-1], "document", "quote_start", "quote_end", "notes"]


def test_csv_rows_carry_acled_style_codes() -> None:
    _, rows, _ = _events("internal")
    by_claim = {int(r["claim_id"]): r for r in rows}
    assert len(rows) == 7 and [r["event_id"] for r in rows] == [f"TM-{n:06d}" for n in range(1, 8)]
    one = by_claim[1]  # at the container, the most specific of its sites; its beating finding
    assert (one["location"], one["site_id"], one["status"], one["independent_sources"]) == (
        "shipping container, Sévaré", CONTAINER, "corroborated", "2")
    assert (one["event_type"], one["sub_event_type"], one["act"], one["allegations"]) == (
        "Torture or ill-treatment", "Beating", "ill_treatment", "beating")
    assert (one["country"], one["iso"], one["admin1"], one["admin2"]) == ("Mali", "ML", "Mopti Region", "")
    assert (one["latitude"], one["longitude"], one["geo_precision"]) == ("14.533", "-4.1", "2")
    assert one["actor1"] == "les militaires; Forces Armées Maliennes (FAMa)"
    assert one["actor1_type"] == "State armed force" and one["actor2"] == "the source"
    assert [by_claim[i]["date_precision"] for i in (1, 2, 3, 4, 5, 7)] == ["3", "1", "5", "2", "5", "5"]
    assert by_claim[3]["event_date_start"] == by_claim[3]["event_date_end"] == ""
    assert (by_claim[3]["location"], by_claim[3]["status"]) == ("Sévaré military camp", "single source")
    assert by_claim[7]["geo_precision"] == "5" and by_claim[7]["admin1"] == ""
    assert by_claim[5]["latitude"] == by_claim[5]["longitude"] == by_claim[5]["geo_precision"] == ""


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe() -> None:
    assert [csv_events.cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", ""]
    assert [csv_events.cell(v) for v in (-4.1, 3, None)] == ["-4.1", "3", ""]  # numbers stay numbers
    _, rows, _ = _events("internal")
    row = next(r for r in rows if r["claim_id"] == "6")
    assert row["location"] == "'=HYPERLINK(\"http://example.org/x\")"
    assert row["actor1"].startswith("'@cmd|calc") and row["longitude"] == "-4.0"


def test_the_codebook_explains_every_column_and_code() -> None:
    columns, rows, codebook = _events("legal")
    assert all(f"| `{name}` |" in codebook for name in columns)
    assert all(f"| {code} |" in codebook for code in range(1, 6))
    assert "| `ill_treatment` | Torture or ill-treatment |" in codebook and "| `beating` | Beating |" in codebook
    assert "legal" in codebook and f"{len(rows)} rows" in codebook


# --- audiences --------------------------------------------------------------------------

def test_public_csv_quotes_nothing_names_nobody_and_withholds_kinds_beside_small_counts() -> None:
    _, rows, _ = _events("public", _context("public", k=2))
    text = json.dumps(rows, ensure_ascii=False)
    assert "«" not in text and not any(f'"{name}' in text or f" {name}" in text for name in ("Ana", "Bo", "Cy"))
    assert {r["site_id"] for r in rows} >= {CAMP, CONTAINER}
    kinds = {(r["site_id"], r["allegations"] or r["act"]): r["source_kinds"] for r in rows}
    assert kinds[(CONTAINER, "beating")] == "survivor; witness"  # 2 independent sources, k = 2
    assert kinds[(CAMP, "detention")] == "withheld"  # 1 source: "the defector" would single them out
    assert all(r["independent_sources"] in ("1", "2") for r in rows)  # counts as they are
    hidden = Context(_inputs(), POLICIES["public"], Redactor([]), 2, _decision(kind_level=1), False)
    assert {r["source_kinds"] for r in _events("public", hidden)[1]} == {"withheld"}  # gate hid kinds


def test_each_audience_quotes_only_documents_its_consent_covers() -> None:
    def quoted(name: str) -> set[str]:
        return {r["source"] for r in _events(name)[1] if "«" in r["notes"]}
    assert quoted("partner") == {"Ana", "Bo"}  # consent public and consortium
    assert quoted("internal") == quoted("legal") == {"Ana", "Bo", "Cy"}
    legal = next(r for r in _events("legal")[1] if r["claim_id"] == "1")
    assert (legal["document"], legal["quote_start"], legal["quote_end"]) == ("d-public", "10", "38")


def test_json_findings_follow_the_audience() -> None:
    public = json.loads(findings_json.build(_context("public")).files["findings.json"])
    assert public["format"] == "testimonia-public-findings/1" and "sources" not in public
    assert sorted(q["text"] for f in public["findings"] for q in f["quotes"]) == [
        "Ils m'ont battu dans le conteneur.", *["Ils m'ont battu, Ana et moi."] * 2]  # consent public
    assert {f["independent_sources"] for f in public["findings"]} == {1, 2}
    internal = json.loads(findings_json.build(_context("internal")).files["findings.json"])
    assert internal["format"] == "testimonia-findings/1" and "witness_accounts" not in internal
    assert internal["sources"][0] == {"pseudonym": "Ana", "kind": "survivor", "age_band": "30-39",
                                      "sex": "female"}
    partner = json.loads(findings_json.build(_context("partner")).files["findings.json"])
    assert partner["sources"][0] == {"pseudonym": "Ana", "kind": "survivor"}  # no profile
    legal = json.loads(findings_json.build(_context("legal")).files["findings.json"])
    assert {q["document"] for f in legal["findings"] for q in f["quotes"]} == {
        "d-public", "d-consortium", "d-internal"}


def test_an_unknown_audience_names_the_choices() -> None:
    with pytest.raises(InvalidValue, match=r"Unknown audience 'publik'\. Did you mean public") as error:
        audience("publik")
    assert error.value.fix is not None and "internal, partner, public, legal" in error.value.fix
