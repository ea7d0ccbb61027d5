"""Protection at scale: redaction, the leak scan and the k-anonymity gate.

- Redaction of a 1,000,000-character text in four languages with 500 protected names,
  against tokenising the same text (what any reading of it costs), same process.
- Leak scan of a 7 MB JSON export, against tokenising its text.
- The gate over 2,000 and 20,000 witness records with 8 quasi-identifiers of 3-4 levels,
  against one count of their groups as recorded.

    .venv/bin/python bench/protect.py
"""

from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from testimonia.export import gate
from testimonia.export.leakscan import scan_tree
from testimonia.export.redact import Protected, Redactor
from testimonia.text.textfold import tokens

SENTENCES = [
    "They held us in a container at the camp near Sévaré for three weeks in March 2022.",
    "Ils nous ont frappés avec des câbles et ont mis de la musique très fort la nuit.",
    "Нас тримали в підвалі відділку поліції в Херсоні, били і погрожували розстрілом.",
    "Допросы вели люди из ФСБ, они говорили по-русски и пытали током.",
]
GIVEN = ["Oleksandr", "Mariam", "Amadou", "Olena", "Petro", "Aminata", "Boubacar", "Iryna"]
FAMILY = ["Vigadanko", "Exemplova", "Fictivenko", "Inventé", "Prykladna", "Nepravda"]


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def names(count: int, rng: random.Random) -> list[Protected]:
    return [Protected(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}{i}", "name", "[witness]")
            for i in range(count)]


def bench_redaction(rng: random.Random) -> None:
    text = " ".join(rng.choice(SENTENCES) for _ in range(13_000))[:1_000_000]
    redactor = Redactor(names(500, rng))
    baseline = timed(lambda: tokens(text))
    redacting = timed(lambda: redactor.redact(text))
    print(f"redaction  {len(text):,} chars, 500 names: {redacting:.2f} s "
          f"({len(text) / redacting / 1e6:.2f} M chars/s); tokenising {baseline:.2f} s; "
          f"ratio {redacting / baseline:.1f}")


def bench_leak_scan(rng: random.Random) -> None:
    rows = [{"text": rng.choice(SENTENCES), "site": "Sévaré", "year": "2022", "n": i}
            for i in range(40_000)]
    redactor = Redactor(names(500, rng))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.json"
        path.write_text(json.dumps({"findings": rows}, ensure_ascii=False), encoding="utf-8")
        size = path.stat().st_size
        baseline = timed(lambda: tokens(path.read_text(encoding="utf-8")))
        scanning = timed(lambda: scan_tree(Path(folder), redactor))
    print(f"leak scan  {size / 1e6:.1f} MB JSON: {scanning:.2f} s ({size / scanning / 1e6:.2f} MB/s); "
          f"tokenising {baseline:.2f} s; ratio {scanning / baseline:.1f}")


def bench_gate(count: int, rng: random.Random) -> None:
    records = [gate.Record(f"W{i}", {
        "site": (f"site {rng.randrange(40)}", f"camp {rng.randrange(10)}", rng.choice(["ML", "UA"])),
        "period": _period(rng), "kind": (rng.choice(["survivor", "witness", "relative"]),),
        "age_band": rng.choice([("20-29", "20-39", "adult"), ("30-39", "20-39", "adult"),
                                ("40-49", "40-59", "adult"), ("70+", "60+", "adult")]),
        "sex": (rng.choice(["female", "male"]),), "ethnicity": (rng.choice(["A", "B", "C"]),),
        "occupation": (rng.choice(["herder", "trader", "teacher", "driver"]),),
        "home": (f"region {rng.randrange(12)}", rng.choice(["Mali", "Ukraine"])),
    }) for i in range(count)]
    attributes = [gate.Attribute(n, 8.0 if n == "site" else 1.0) for n in records[0].values]
    baseline = timed(lambda: gate.at_risk(records, attributes, 5))
    deciding = timed(lambda: gate.generalise(records, attributes, 5))
    print(f"gate       {count:,} records, 8 attributes, k=5: {deciding:.2f} s; one count of the "
          f"groups {baseline:.3f} s; ratio {deciding / baseline:.0f}")


def _period(rng: random.Random) -> tuple[str, ...]:
    year, month = rng.choice(["2022", "2023"]), rng.randrange(1, 13)
    return (f"{year}-{month:02d}", f"{year}-Q{(month - 1) // 3 + 1}", year)


def main() -> None:
    rng = random.Random(7)
    bench_redaction(rng)
    bench_leak_scan(rng)
    for count in (2_000, 20_000):
        bench_gate(count, rng)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
