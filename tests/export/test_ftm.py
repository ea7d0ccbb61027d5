"""`--format ftm`: FollowTheMoney entities as JSON lines. On the hand-built analysis of
test_formats.py: the mapping of each concept to its schema and properties, what each
audience gets, stable ids that reveal nothing. With the followthemoney library (the `ftm`
extra): every entity loaded back and every value checked against its schema, for every
audience, on the hand-built analysis and on the sample investigation."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_formats import _context

from testimonia.errors import PublicationRefused
from testimonia.export import ftm
from testimonia.export.choices import AUDIENCES
from testimonia.export.published import Context
from testimonia.service.audit import read_audit
from testimonia.service.export import export
from testimonia.service.workspace import Workspace

KEY = b"k" * 32
SHA1 = {"d-public": "a" * 40, "d-consortium": "b" * 40, "d-internal": "c" * 40}
REFERENCES = {"addressEntity", "organizer", "involved", "proof", "startLocation", "endLocation",
              "document", "entity", "subject", "object"}
VAULT = ("Amadou", "Exemple", "70 00 00 01", "Dogofry")
PSEUDONYMS = ("Wangrin", "Aminata", "Sokolenko", "Oumou", "Tiéman")


def _entities(name: str, key: bytes = KEY, sha1: dict[str, str] = SHA1) -> list[dict[str, Any]]:
    base = _context(name)
    ctx = Context(base.inputs, base.audience, base.redactor, base.k, base.decision, False,
                  id_key=key, original_sha1=sha1)
    output = ftm.build(ctx)
    assert list(output.files) == ["entities.ftm.json"] and output.what == "entities"
    lines = output.files["entities.ftm.json"].decode().splitlines()
    assert output.items == len(lines)
    return [json.loads(line) for line in lines]


def _by_name(entities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["properties"]["name"][0]: e for e in entities if "name" in e["properties"]}


def _schemas(entities: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["schema"] for e in entities)


# --- structure, without the library ---------------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_line_is_an_entity_whose_links_resolve(audience: str) -> None:
    entities = _entities(audience)
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for entity in entities:
        assert list(entity) == ["id", "schema", "properties"]
        assert re.fullmatch(r"tm-[0-9a-f]{40}", entity["id"])
        for name, values in entity["properties"].items():
            assert values and all(isinstance(v, str) and v.strip() for v in values), (name, values)
            assert len(values) == len(set(values))
            if name in REFERENCES:
                assert set(values) <= ids, (entity["schema"], name)


def test_sites_are_addresses_with_coordinates() -> None:
    addresses = {e["properties"]["name"][0]: e["properties"] for e in _entities("public")
                 if e["schema"] == "Address"}
    assert addresses["shipping container, Sévaré"] == {
        "city": ["Sévaré"], "country": ["ml"], "full": ["shipping container, Sévaré, Mopti Region, Mali"],
        "latitude": ["14.533"], "longitude": ["-4.1"], "name": ["shipping container, Sévaré"],
        "region": ["Mopti Region"],
        "summary": ["Facility: Shipping container; Coordinates: a facility or part of a town, placed at "
                    "the town's coordinates (geo precision 2)."]}
    assert addresses["Russia"]["full"] == ["Russia"] and addresses["Russia"]["longitude"] == ["105.32"]
    assert "latitude" not in addresses["the farm"] and "country" not in addresses["the farm"]
    assert "prison, Apia" in addresses  # the end of a transfer, with no finding


def test_findings_are_events_at_their_site_organised_by_the_forces() -> None:
    entities = _entities("public")
    ids = {e["id"]: e for e in entities}
    beating = _by_name(entities)["Beating at shipping container, Sévaré"]["properties"]
    assert ids[beating["addressEntity"][0]]["properties"]["name"] == ["shipping container, Sévaré"]
    assert [ids[o]["properties"]["name"][0] for o in beating["organizer"]] == ["Forces Armées Maliennes (FAMa)"]
    assert ids[beating["organizer"][0]]["properties"]["country"] == ["ml"]
    assert beating["location"] == ["shipping container, Sévaré, Mopti Region, Mali"]
    assert (beating["startDate"], beating["endDate"], beating["date"]) == (["2022-03"], ["2022-03"], ["2022-03"])
    assert beating["summary"] == ["corroborated: 2 independent source(s) at first hand."]
    assert beating["keywords"] == ["beating", "corroborated"]
    assert beating["notes"] == ["«Ils m'ont battu, Ana et moi.»"]  # consent public only; no source named
    assert "involved" not in beating and "proof" not in beating and "description" not in beating
    assert _by_name(entities)["Detention in Russia"]["properties"]["startDate"] == ["2022-03"]


def test_a_transfer_is_a_trip_between_two_addresses() -> None:
    entities = _entities("internal")
    ids = {e["id"]: e for e in entities}
    trip = _by_name(entities)["Transfer from prison, Suva to prison, Apia"]
    assert trip["schema"] == "Trip"
    ends = [ids[trip["properties"][p][0]]["properties"]["name"] for p in ("startLocation", "endLocation")]
    assert ends == [["prison, Suva"], ["prison, Apia"]]
    assert trip["properties"]["summary"] == ["Told in 1 document(s), 1 claim(s); crosses a border."]
    assert (trip["properties"]["startDate"], trip["properties"]["endDate"]) == (["2022-03-01"], ["2022-03-05"])
    assert [ids[i]["properties"]["name"] for i in trip["properties"]["involved"]] == [["Ana"]]
    public = _by_name(_entities("public"))["Transfer from prison, Suva to prison, Apia"]["properties"]
    assert "involved" not in public and "startDate" not in public


def test_what_each_audience_gets() -> None:
    counts = {name: _schemas(_entities(name)) for name in AUDIENCES}
    assert counts["public"] == {"Address": 7, "Organization": 1, "Event": 7, "Trip": 2}  # findings only
    assert counts["partner"] == {"Address": 7, "Organization": 1, "Person": 3, "Event": 7 + 7, "Trip": 2}
    assert counts["internal"] == counts["legal"] == counts["partner"] + Counter({"Document": 3, "Documentation": 7 + 3})
    assert {a for a in AUDIENCES if "Document" in counts[a]} == ftm.DOCUMENT_AUDIENCES


def test_sources_are_persons_named_by_pseudonym_where_the_audience_reads_them() -> None:
    internal = _by_name(_entities("internal"))
    assert internal["Ana"]["schema"] == "Person" and internal["Ana"]["properties"] == {
        "gender": ["female"], "name": ["Ana"], "summary": ["Pseudonym of a source (survivor); age 30-39."]}
    assert internal["Cy"]["properties"]["summary"] == ["Pseudonym of a source (defector)."]
    assert _by_name(_entities("partner"))["Ana"]["properties"] == {
        "name": ["Ana"], "summary": ["Pseudonym of a source (survivor)."]}  # no profile
    public = json.dumps(_entities("public"), ensure_ascii=False)
    assert not re.search(r"\b(Ana|Bo|Cy)\b", public.replace("Ana et moi", ""))


def test_claims_are_events_with_their_document_for_internal_and_legal() -> None:
    entities = _entities("legal")
    ids = {e["id"]: e for e in entities}
    claim = next(e["properties"] for e in entities if e["properties"].get("recordId") == ["2"])
    assert claim["name"] == ["Torture or ill-treatment (Beating) at shipping container, Sévaré"]
    assert (claim["startDate"], claim["endDate"], claim["date"]) == (["2022-03-14"], ["2022-03-14"], ["2022-03-14"])
    assert claim["summary"] == ["Told at first hand."]
    assert claim["description"] == ["Victim: the source. Perpetrators as told: les militaires; FAMa."]
    assert claim["notes"] == ["«Ils m'ont battu dans le conteneur.» (Bo)"]
    document = ids[claim["proof"][0]]["properties"]
    assert document == {
        "author": ["Bo"], "contentHash": ["b" * 40],
        "description": ["SHA-256 of the original file: d-consortium."], "fileName": ["d-consortium.md"],
        "fileSize": ["1"], "language": ["fra"], "mimeType": ["text/markdown"], "retrievedAt": ["2024-01-01"],
        "title": ["Testimony of Bo"]}
    links = [e["properties"] for e in entities if e["schema"] == "Documentation"
             and e["properties"]["entity"] == [next(i for i, x in ids.items() if x["properties"] is claim)]]
    assert links == [{"document": claim["proof"], "entity": links[0]["entity"], "role": ["evidence"],
                      "summary": ["Claim 2; characters 10-44 of its text."]}]  # offsets: legal only
    internal = [e for e in _entities("internal") if e["schema"] == "Documentation" and "summary" in e["properties"]]
    assert {e["properties"]["summary"][0] for e in internal} == {f"Claim {i}." for i in range(1, 8)}
    partner = next(e["properties"] for e in _entities("partner") if e["properties"].get("recordId") == ["2"])
    assert partner["description"] == ["Victim: the source."] and "proof" not in partner


def test_ids_are_stable_keyed_and_reveal_nothing() -> None:
    first, again = _entities("partner"), _entities("partner")
    assert first == again
    other = _entities("partner", key=b"another workspace key...........")
    assert {e["id"] for e in first}.isdisjoint({e["id"] for e in other})
    ana = _by_name(first)["Ana"]["id"]
    assert ana == ftm.entity_id(KEY, "source", "Ana")
    plain = {hashlib.sha1(b).hexdigest() for b in (b"Ana", b"source|Ana", b"source\x1fAna")}
    assert ana.removeprefix("tm-") not in plain
    with pytest.raises(ValueError, match="id key"):
        ftm.entity_id(b"", "source", "Ana")
    assert _by_name(_entities("public"))["prison, Suva"]["id"] == _by_name(first)["prison, Suva"]["id"]


def test_facts_cover_the_places_and_dates_written() -> None:
    base = _context("public")
    output = ftm.build(Context(base.inputs, base.audience, base.redactor, base.k, base.decision, False,
                               id_key=KEY))
    assert {"Sévaré", "Mopti Region", "Mali", "shipping container, Sévaré, Mopti Region, Mali",
            "2022-03"} <= output.facts


# --- against the schema, with the followthemoney library -------------------------------

def check_with_followthemoney(entities: list[dict[str, Any]]) -> None:
    """Every entity loaded back with the followthemoney library, strictly: a schema that
    exists and is not abstract, its required properties present, every property known and
    settable, every value valid for its type and unchanged by the library's cleaning (dates
    ISO, countries as codes), numbers written as decimal numbers (which the library does
    not check) and coordinates in range, and every link to an entity of the file
    whose schema the property's range admits."""
    ftmlib = pytest.importorskip("followthemoney", reason="the ftm extra (pip install -e '.[ftm]')")
    model = ftmlib.model
    schemas = {e["id"]: e["schema"] for e in entities}
    for entity in entities:
        schema = model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity["schema"]
        assert set(schema.required) <= set(entity["properties"]), entity
        for name, values in entity["properties"].items():
            prop = schema.get(name)
            assert prop is not None and not prop.stub and not prop.deprecated, (entity["schema"], name)
            assert prop.validate(values) is None, (entity["schema"], name, values)
            assert [prop.type.clean(v) for v in values] == values, (entity["schema"], name, values)
            if prop.type == ftmlib.registry.number:  # the library keeps any string; a reader needs a number
                assert all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values), (entity["schema"], name, values)
                bound = {"latitude": 90, "longitude": 180}.get(name)
                assert bound is None or all(abs(float(v)) <= bound for v in values), (name, values)
            if prop.type == ftmlib.registry.entity:
                assert all(model.get(schemas[v]).is_a(prop.range) for v in values), (entity["schema"], name)
        proxy = model.get_proxy(entity, cleaned=False)  # the library's own cleaning of untrusted input
        assert proxy.to_dict()["properties"] == entity["properties"]
        schema.validate(entity)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_entity_is_valid_followthemoney(audience: str) -> None:
    check_with_followthemoney(_entities(audience))


@pytest.mark.parametrize(("schema", "name", "value"), [
    ("Document", "contentHash", "0" * 64),  # a SHA-256: FollowTheMoney's checksum is a SHA-1
    ("Address", "country", "ML"),  # codes are lower case
    ("Address", "latitude", "14,533"),
    ("Address", "longitude", "-190.5"),
    ("Event", "startDate", "14/03/2022"),
    ("Event", "proof", "tm-" + "0" * 40),  # a link to no entity of the file
    ("Event", "addressEntity", "SELF"),  # a link to an Event where an Address is due
    ("Event", "location_", "x"),  # no such property
])
def test_the_schema_check_rejects_what_followthemoney_would(schema: str, name: str, value: str) -> None:
    entities = _entities("legal")
    entity = next(e for e in entities if e["schema"] == schema)
    entity["properties"][name] = [entity["id"] if value == "SELF" else value]
    with pytest.raises((AssertionError, KeyError)):
        check_with_followthemoney(entities)


# --- the sample investigation, through the service -------------------------------------

def _read(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "entities.ftm.json").read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_the_sample_as_followthemoney_for_every_audience(sample: Workspace, tmp_path: Path) -> None:
    for audience in AUDIENCES:
        folder = tmp_path / audience
        report = export(sample, folder, format="ftm", audience=audience)
        text = (folder / "entities.ftm.json").read_text(encoding="utf-8")
        assert [v for v in VAULT if v in text] == [], audience
        named = [p for p in PSEUDONYMS if p in text]
        assert named == [] if audience == "public" else named == list(PSEUDONYMS), audience
        entities = _read(folder)
        assert report.items == len(entities) and report.what == "entities"
        schemas = _schemas(entities)
        assert schemas["Event"] and schemas["Address"] and schemas["Organization"] and schemas["Trip"]
        assert ("Person" in schemas) == (audience != "public")
        assert ("Document" in schemas) == (audience in ("internal", "legal"))
        check_with_followthemoney(entities)
        if audience == "legal":  # each Document's hashes are those of its original
            entry = read_audit(sample).entries[-1]
            assert entry.details["files"]["entities.ftm.json"] == hashlib.sha256(text.encode()).hexdigest()
            documents = [e["properties"] for e in entities if e["schema"] == "Document"]
            assert documents and all(len(d["contentHash"][0]) == 40 for d in documents)
            assert all(d["description"][0].startswith("SHA-256 of the original file: ") for d in documents)
    again = export(sample, tmp_path / "again", format="ftm", audience="partner")
    assert again.items and _read(tmp_path / "again") == _read(tmp_path / "partner")  # stable ids, same content


@pytest.mark.slow
def test_a_leak_in_an_entity_refuses_the_export(sample: Workspace, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    status = ftm._status

    def leaky(finding: Any) -> str:
        return status(finding) + " Amadou EXEMPLE said so."

    monkeypatch.setattr(ftm, "_status", leaky)
    with pytest.raises(PublicationRefused, match="leak scan") as refused:
        export(sample, tmp_path / "out", format="ftm", audience="internal")
    assert "Amadou" not in str(refused.value) and "entities.ftm.json" in str(refused.value)
    assert not (tmp_path / "out").exists()

