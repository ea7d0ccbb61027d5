"""The fictional sample investigation goes in whole: every file, its language and source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from testimonia.crypto.keys import KeyMaterial
from testimonia.ingest.files import load_source_map
from testimonia.service.ingest import IngestOptions, ingest_paths
from testimonia.service.integrity import verify_workspace
from testimonia.service.sources import import_sources, list_relations
from testimonia.service.users import add_organization
from testimonia.service.workspace import Workspace
from testimonia.store import records

SAMPLE = Path(__file__).parents[1] / "examples" / "sample-investigation"
PARTNERS = {"Maison des Témoins": "mdt-admin", "Kyiv Investigations Unit": "kiu-admin"}
# file prefix -> (language, source), as in examples/sample-investigation/ANSWERS.md
EXPECTED = {
    "01": ("fr", "Wangrin"), "02": ("fr", "Aminata"), "03": ("fr", "Kadi"),
    "04": ("en", "Hamadoun"), "05": ("en", "FieldNote-Mbera-07"), "06": ("fr", "Tiéman"),
    "07": ("fr", "Oumou"), "08": ("fr", "Séga"), "09": ("ru", "Grach"), "10": ("en", "Amanar"),
    "11": ("en", "Corvin"), "12": ("en", "Marlow"), "13": ("uk", "Bilobrova"),
    "14": ("ru", "Verkhola"), "15": ("uk", "Sokolenko"), "16": ("uk", "Zhuravka"),
    "17": ("uk", "Dovhaniuk"), "18": ("ru", "Lisovenko"), "19": ("en", "Yavir"),
    "20": ("ru", "Ostrovtsev"), "21": ("en", "KIU-Brief-14"),
}


def test_sample_investigation_ingests_whole(ws: Workspace, material: KeyMaterial,
                                            opener: Callable[..., Workspace],
                                            user_key: Callable[[str], Path]) -> None:
    """Each organisation imports its sources and ingests its files from the same folder."""
    for org, admin in PARTNERS.items():
        add_organization(ws, org, admin, key_file=user_key(admin))
    ws.close()
    options = IngestOptions(source_map=load_source_map(SAMPLE / "sources.yaml"))
    expected = {ws.actor: (6, 1), "mdt-admin": (5, 2), "kiu-admin": (10, 2)}  # sources, relations
    for actor, (sources, relations) in expected.items():
        with opener(actor) as acting:
            imported = import_sources(acting, SAMPLE / "sources.yaml")
            assert (len(imported.sources), imported.relations) == (sources, relations)
            assert len(imported.elsewhere) == 21 - sources
    for actor, (sources, _) in expected.items():
        with opener(actor) as acting:
            report = ingest_paths(acting, [SAMPLE / "testimonies"], options)
            assert report.count("ingested") == sources and not report.failed
            assert report.count("elsewhere") == 21 - sources
    with opener() as host:
        with host.engine.connect() as conn:
            got = {d.file_name[:2]: (d.language, d.source) for d in records.list_documents(conn)}
        assert got == EXPECTED
        assert ("Aminata", "Wangrin") in {(r.a, r.b) for r in list_relations(host)}
        assert verify_workspace(host).ok


def test_every_sample_file_says_it_is_fictional() -> None:
    for path in sorted(SAMPLE.rglob("*")):
        if path.is_file():
            head = path.read_text(encoding="utf-8")[:400].upper()
            assert "FICTIONAL" in head, path
