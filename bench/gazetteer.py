"""Gazetteer load time, peak memory and matching speed.

    PYTHONPATH=src python bench/gazetteer.py

Runs two fresh processes: a cold load (GeoNames index built and written to a temporary
cache folder) and a warm one (read from that cache), then times `find` on a mixed-language
paragraph. Peak RSS is the process maximum (resource.getrusage), load included.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    "Former detainees said Wagner Group operatives and Malian soldiers held them in shipping "
    "containers at the army camp in Sévaré in 2023, then in Nampala and Kidal. "
    "Ils m'ont arrêté à Nampala en mars 2023 et m'ont enfermé dans un conteneur au camp de "
    "Sévaré, puis à Mopti. Меня держали в СИЗО-2 Таганрога, потом в Кривом Роге и под Киевом. "
    "Мене тримали в підвалі в Херсоні понад тиждень, потім вивезли до Таганрога, потім у "
    "Курськ і в Оленівку. They took us from Izyum to Belgorod. I was in the army camp. "
    "We were hungry. Мы были там. Так было. Bodies were found in Bucha and Melitopol."
)


def measure(cache: Path, seconds: float) -> dict[str, float]:
    from testimonia.places.gazetteer import Gazetteer

    start = time.perf_counter()
    gazetteer = Gazetteer.load(cache=cache)
    load = time.perf_counter() - start
    found = gazetteer.find(PARAGRAPH, "en")
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        gazetteer.find(PARAGRAPH, "en")
        runs += 1
    elapsed = time.perf_counter() - start
    return {"load_s": round(load, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "finds_per_s": round(runs / elapsed, 1),
            "chars_per_s": round(runs * len(PARAGRAPH) / elapsed),
            "places_in_paragraph": len(found)}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(Path(sys.argv[2]), 3.0)))
        return
    with tempfile.TemporaryDirectory() as folder:
        for label in ("cold (builds the cache)", "warm (reads the cache)"):
            result = subprocess.run([sys.executable, __file__, "--child", folder],
                                    check=True, capture_output=True, text=True)
            print(f"{label}: {result.stdout.strip()}")
    print(f"paragraph: {len(PARAGRAPH)} characters")


if __name__ == "__main__":
    main()
