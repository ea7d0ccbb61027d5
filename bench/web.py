"""The web workspace at scale: search and the findings matrix on 10,000 documents and
100,000 claims, p50 and p95 of the time to answer, through the application itself.

Builds a workspace (or reuses the one --keep names): --documents fictional testimonies in
the four languages, ingested through the service, with --sources sources; each document
then gets --claims synthetic claims through the extraction service — the extractor is
replaced by a generator here, since this measures the workspace and bench/extract.py
measures the extractor — and a third of the claims are accepted in review. Then signs an
analyst in through the application (in process, starlette's TestClient: no network) and
times each request:

- search: the first search (builds the organisation's encrypted index, or updates the
  one a previous run left), then --repeat searches of single words and word pairs, with
  and without facets, and one after the index was let go (as a new process: the file
  opened again);
- findings matrix: the first request after the workspace was built (the analysis runs
  and is stored), --repeat requests (the stored analysis, looked up), and the first
  request of a new process (the stored analysis decrypted and parsed once);
- after a review decision: the next findings matrix (recomputed) and the next search
  (the index updated with the one document that changed).

    .venv/bin/python bench/web.py [--documents 10000] [--claims 10] [--keep /tmp/bench-web]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PLACES = [  # name, country, lat, lon: real towns; the events are invented
    ("Sévaré", "ML", 14.53, -4.10), ("Mopti", "ML", 14.49, -4.20), ("Kati", "ML", 12.74, -8.07),
    ("Bamako", "ML", 12.65, -8.00), ("Nampala", "ML", 15.28, -5.55), ("Gao", "ML", 16.27, -0.04),
    ("Kidal", "ML", 18.44, 1.41), ("Tessalit", "ML", 20.20, 1.01), ("Kherson", "UA", 46.64, 32.61),
    ("Melitopol", "UA", 46.85, 35.37), ("Izium", "UA", 49.21, 37.26), ("Bucha", "UA", 50.54, 30.21),
    ("Olenivka", "UA", 47.85, 37.58), ("Taganrog", "RU", 47.24, 38.90), ("Kursk", "RU", 51.73, 36.19),
    ("Bryansk", "RU", 53.25, 34.37), ("Donskoy", "RU", 53.97, 38.33), ("Rylsk", "RU", 51.57, 34.68),
]
FACILITIES = ["shipping_container", "military_camp", "basement", "pretrial_detention_centre",
              "penal_colony", "temporary_detention_facility", "pit", None]
TEXTS = {
    "en": "(Fictional.) In {month} {year} soldiers held me in a {what} at {place} and {how}. "
          "Account {i}: the guards came back every night; my cellmate {name} saw it too.",
    "fr": "(Fictif.) En {month} {year}, des militaires m'ont détenu dans un {what} à {place} et {how}. "
          "Témoignage {i} : les gardiens revenaient chaque nuit ; mon codétenu {name} l'a vu aussi.",
    "ru": "(Вымысел.) В {month} {year} года военные держали меня в {what} в {place} и {how}. "
          "Рассказ {i}: охранники приходили каждую ночь; мой сокамерник {name} тоже это видел.",
    "uk": "(Вигадка.) У {month} {year} року військові тримали мене в {what} у {place} і {how}. "
          "Розповідь {i}: охоронці приходили щоночі; мій співкамерник {name} теж це бачив.",
}
WORDS = {  # per language: month, what, how
    "en": (["March", "April", "May"], ["container", "basement", "pit"],
           ["beat me with cables", "gave me electric shocks", "poured water on my face"]),
    "fr": (["mars", "avril", "mai"], ["conteneur", "sous-sol", "trou"],
           ["m'ont battu avec des câbles", "m'ont électrocuté", "m'ont versé de l'eau sur le visage"]),
    "ru": (["марте", "апреле", "мае"], ["контейнере", "подвале", "яме"],
           ["били кабелем", "пытали током", "лили воду на лицо"]),
    "uk": (["березні", "квітні", "травні"], ["контейнері", "підвалі", "ямі"],
           ["били кабелем", "катували струмом", "лили воду на обличчя"]),
}
QUERIES = ["container", "cables", "Sévaré", "Sevare", "током", "підвалі", "électrocuté",
           "water face", "guards night", "Kherson basement", "пытали током", "cellmate",
           "Taganrog", "sous-sol", "Kidal", "кабелем", "Melitopol container", "nuit", "Account 77",
           "pit Gao"]
FACETS = [{}, {"language": "en"}, {"review_state": "accepted"}, {"language": "ru", "method": "beating"}]
ORG, USER = "Bench Desk", "analyst"


def build(root: Path, documents: int, sources: int, per_document: int) -> None:
    """The workspace, its users' key files beside it, documents, claims, review."""
    from testimonia.crypto.keys import KeyMaterial, write_key_file
    from testimonia.service import users
    from testimonia.service.sources import import_sources
    from testimonia.service.workspace import Workspace

    rng = random.Random(13)
    write_key_file(root / "workspace.key")
    write_key_file(root / "admin.key")
    names = [f"W{i:04d}" for i in range(sources)]
    (root / "sources.yaml").write_text(
        "# FICTIONAL: pseudonyms of invented sources.\nsources:\n"
        + "".join(f"  - pseudonym: {n}\n    kind: {rng.choice(['survivor', 'witness', 'relative'])}\n"
                  for n in names), encoding="utf-8")
    folder = root / "in"
    folder.mkdir()
    for i in range(documents):
        language = ("en", "fr", "ru", "uk")[i % 4]
        month, what, how = (rng.choice(options) for options in WORDS[language])
        text = TEXTS[language].format(month=month, year=rng.choice([2022, 2023, 2024]), what=what,
                                      place=rng.choice(PLACES)[0], how=how, i=i, name=rng.choice(names))
        (folder / f"t{i:06d}.md").write_text(
            f"---\nsource: {names[i % sources]}\nlanguage: {language}\n---\n{text}\n", encoding="utf-8")
    key = KeyMaterial(key_file=root / "workspace.key")
    with Workspace.create(root / "ws", key, ORG, settings={"actor": "admin"},
                          user_material=KeyMaterial(key_file=root / "admin.key")) as ws:
        users.add_user(ws, USER, "analyst", key_file=root / f"{USER}.key")
        import_sources(ws, root / "sources.yaml")
    finish(root, documents, per_document)


def finish(root: Path, documents: int, per_document: int) -> None:
    """The steps of the build not done yet (each leaves a mark: a build cut short goes on)."""
    from testimonia.crypto.keys import KeyMaterial
    from testimonia.service import extraction, ingest
    from testimonia.service.review import decide, review_queue
    from testimonia.service.workspace import Workspace

    with Workspace.open(root / "ws", KeyMaterial(key_file=root / "workspace.key"), flags={"actor": "admin"},
                        user_material=KeyMaterial(key_file=root / "admin.key")) as ws:
        if _step(root, "ingested"):
            report = ingest.ingest_paths(ws, [root / "in"], ingest.IngestOptions())
            assert report.count("ingested") + report.count("duplicate") == documents, report
            _done(root, "ingested", f"{documents:,} documents")
        if _step(root, "extracted"):
            extraction.extract_text = _generator(per_document)  # type: ignore[assignment]
            extraction.extract_workspace(ws)
            _done(root, "extracted", f"{documents * per_document:,} claims stored")
        if _step(root, "accepted"):
            queue = review_queue(ws)
            decide(ws, [c.id for c in queue[::3]], "accepted")
            _done(root, "accepted", f"{len(queue[::3]):,} claims accepted")


def _step(root: Path, name: str) -> bool:
    if (root / f".{name}").exists():
        return False
    (root / f".{name}.started").write_text(str(time.perf_counter()), encoding="ascii")
    return True


def _done(root: Path, name: str, what: str) -> None:
    seconds = time.perf_counter() - float((root / f".{name}.started").read_text(encoding="ascii"))
    (root / f".{name}").write_text(what, encoding="utf-8")
    print(f"{what} in {seconds:.0f} s", flush=True)


def _generator(per_document: int) -> Callable[..., Any]:
    """Stands in for extract_text: `per_document` claims over the document's words, at
    the places the text names (plus some elsewhere, as real extraction gives)."""
    from testimonia.extract.pipeline import pipeline_version
    from testimonia.model import Claim, Evidence
    from testimonia.vocab import load_vocabulary

    methods = sorted(load_vocabulary().methods)
    component = f"bench@{pipeline_version()}"

    def generate(text: str, language: str, reference: Any = None) -> Any:
        rng = random.Random(text)
        named = next((p for p in PLACES if p[0] in text), PLACES[0])
        sentence = re.search(r"[^.]*\.", text[text.index(")") + 1:])
        start = text.index(")") + 2
        end = start + (len(sentence.group(0)) - 1 if sentence else 40)
        claims = []
        for n in range(per_document):
            where = named if n < per_document // 2 else rng.choice(PLACES)
            year = rng.choice(["2022", "2023", "2024"])
            place = {"name": where[0], "id": f"bench:{where[0]}", "country": where[1], "lat": where[2],
                     "lon": where[3], "precision": "settlement", "text": where[0], "parent_id": None,
                     "facility_place": False, "facility": rng.choice(FACILITIES)}
            claims.append(Claim(
                act="ill_treatment", methods=tuple(rng.sample(methods, rng.randint(1, 2))), violations=(),
                places=(place,), perpetrators=({"name": "soldiers", "canonical": rng.choice(
                    ["fama", "wagner_group", "fsb", "russian_armed_forces"])},),
                period={"start": f"{year}-03-01", "end": f"{year}-05-31", "text": year},
                victim={"who": "self", "count": None}, first_hand=rng.random() < 0.7,
                denial=False, interrogation_languages=(), component=component,
                evidence=(Evidence(start, end, text[start:end]),)))
        return _Extracted(claims)

    return generate


class _Extracted:
    def __init__(self, claims: list[Any]) -> None:
        self.claims = claims
        self.mentions: list[Any] = []


def measure(root: Path, repeat: int) -> dict[str, list[float]]:
    """Sign in through the app and time its answers (seconds per request, by kind)."""
    from fastapi.testclient import TestClient

    from testimonia.crypto.keys import KeyMaterial
    from testimonia.service.search import OPEN
    from testimonia.service.workspace import Workspace
    from testimonia.web.app import create_app

    timings: dict[str, list[float]] = {}

    def timed(kind: str, client: TestClient, url: str, params: dict[str, Any] | None = None) -> str:
        started = time.perf_counter()
        response = client.get(url, params=params)
        timings.setdefault(kind, []).append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        return response.text

    with Workspace.open(root / "ws", KeyMaterial(key_file=root / "workspace.key")) as ws, \
            TestClient(create_app(ws)) as client:
        _sign_in(client, (root / f"{USER}.key").read_text(encoding="ascii"))
        timed("findings: first request of this process", client, "/findings")
        for _ in range(repeat):
            timed("findings: stored analysis", client, "/findings")
        timed("search: first (builds or updates the index)", client, "/search", {"q": "container"})
        for n in range(repeat):
            query, facets = QUERIES[n % len(QUERIES)], FACETS[n % len(FACETS)]
            timed("search: a word or two, with facets", client, "/search", {"q": query, **facets})
        OPEN.forget()
        timed("search: the index opened again (a new process)", client, "/search", {"q": "cables"})
        html = timed("review queue", client, "/review")
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        claim = re.search(r'action="/claims/(\d+)/accept"', html)
        if found and claim:
            response = client.post(f"/claims/{claim.group(1)}/accept", data={"csrf_token": found.group(1)})
            assert response.status_code == 200, response.text[:300]
            timed("findings: after a review decision (recomputed)", client, "/findings")
            timed("search: after a review decision (index updated)", client, "/search", {"q": "cables"})
    return timings


def _sign_in(client: Any, key_text: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text)
    assert token
    response = client.post("/signin", data={"user": USER, "passphrase": "", "key_text": key_text,
                                            "csrf_token": token.group(1)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]


def report(timings: dict[str, list[float]]) -> None:
    print(f"{'request':<52}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{kind:<52}{len(values):>4}{statistics.median(values) * 1000:>9.0f}{p95 * 1000:>9.0f}")


def _workspace(keep: str | None) -> Iterator[Path]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield Path(keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=10, help="claims per document")
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", help="build the workspace here, or reuse the one built here")
    parser.add_argument("--measure-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:  # a fresh process: nothing of the build kept in memory
        report(measure(Path(args.measure_only), args.repeat))
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        return
    for root in _workspace(args.keep):
        if not (root / "ws").exists():
            for leftover in ("workspace.key", "admin.key", f"{USER}.key", "sources.yaml", "in"):
                if (root / leftover).is_dir():
                    shutil.rmtree(root / leftover)
                (root / leftover).unlink(missing_ok=True)
            build(root, args.documents, args.sources, args.claims)
        else:
            finish(root, args.documents, args.claims)
        subprocess.run([sys.executable, __file__, "--measure-only", str(root), "--repeat", str(args.repeat)],
                       check=True)


if __name__ == "__main__":
    main()
