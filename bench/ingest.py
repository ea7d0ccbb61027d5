"""Ingest throughput and peak memory against the number of files.

Each size runs in a fresh process (so peak RSS is that run's own). Memory should stay
flat as the number of files grows: the ratio of peak RSS between the largest and the
smallest batch is the figure to watch.

    .venv/bin/python bench/ingest.py [--sizes 100 1000 3000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = ("On m'a arrêté à Nampala en mars 2023, puis enfermé dans un conteneur au camp "
            "de Sévaré pendant trois semaines. Témoignage {i}. ")


def make_files(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"t{i:06d}.md").write_text("---\nlanguage: fr\n---\n" + SENTENCE.format(i=i) * 20,
                                             encoding="utf-8")


def run_one(count: int) -> dict[str, float]:
    from testimonia.crypto.keys import KeyMaterial, write_key_file
    from testimonia.service.ingest import IngestOptions, ingest_paths
    from testimonia.service.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        make_files(root / "in", count)
        write_key_file(root / "k.key")
        write_key_file(root / "me.key")
        with Workspace.create(root / "ws", KeyMaterial(key_file=root / "k.key"), "Bench",
                              user_material=KeyMaterial(key_file=root / "me.key")) as ws:
            started = time.perf_counter()
            report = ingest_paths(ws, [root / "in"], IngestOptions())
            seconds = time.perf_counter() - started
        assert report.count("ingested") == count
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"files": count, "seconds": round(seconds, 2), "files_per_s": round(count / seconds, 1),
            "peak_rss_mb": round(peak_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    rows = [json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                                      capture_output=True, text=True).stdout) for n in args.sizes]
    for row in rows:
        print(f"{row['files']:>6} files  {row['seconds']:>7.2f} s  {row['files_per_s']:>7.1f} files/s  "
              f"peak RSS {row['peak_rss_mb']:.1f} MB")
    print(f"peak RSS ratio {rows[-1]['files']}/{rows[0]['files']} files: "
          f"{rows[-1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
