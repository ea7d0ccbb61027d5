"""Search at scale: one organisation's encrypted index (store/search_index.py) over a
million generated passages; the time to answer a search, p50 and p95, and peak memory;
the time to build the index and to update it after some documents changed.

Passages are fictional words in the four languages (made of each language's letters,
3,000 words each, drawn by Zipf's law: at a million passages the commonest word of a
language is in 218,000 of its 250,000 passages, the 100th in 4,400), grouped as
documents of ten passages: the document's text and nine claims. Each passage has the
facets a real one has: language, source kind, organisation, review state, and for claims
a site (400, Zipf), one or two methods (30), the years of its period (2014–2025) and a
perpetrator (150). The index is built once into --keep (reused by later runs: building
takes minutes), then --queries searches are timed, a third each: words (one or two),
words with one or two facets, facets only; each through the same code the workspace's
search runs (the index query, then the snippets of the hits, service/search.py); then
--rounds - 1 more rounds of as many new queries, with the pages the earlier ones read
still in the index's page cache, as in a server (with --warm, the index is first read
into its page cache, as `testimonia serve` does in the background when it opens one).
Last, --changed documents are
rewritten and the index updated in one transaction, as after an ingest, extraction or
review of that many.
The bench measures the index, not reading the workspace: opening the changed
documents and claims (decrypting them) is measured by bench/web.py.

    .venv/bin/python bench/search.py [--passages 1000000] [--keep /tmp/bench-search] [--warm]
"""

from __future__ import annotations

import argparse
import random
import resource
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from testimonia.service.search import SearchIndex
from testimonia.store.search_index import Entry, IndexFile, IndexLock, Item, build
from testimonia.text.lemmas import load as load_lemmas

LETTERS = {
    "en": ("bcdfghklmnprstvw", "aeiou"),
    "fr": ("bcdfglmnprstv", "aeiouéèàâ"),
    "ru": ("бвгдзклмнпрстфхцчшщ", "аеиоуыэюя"),
    "uk": ("бвгґдзклмнпрстфхцчшщ", "аеиоуіїєюя"),
}
VOCABULARY = 3_000  # words per language
PER_DOCUMENT = 10
STATES = ["unreviewed"] * 5 + ["accepted"] * 3 + ["edited", "rejected", "added"]
KINDS = ["survivor", "survivor", "witness", "relative", "report"]
ORGS = ["Bench Desk"] * 8 + ["Partner One"] * 3 + ["Partner Two"]
YEARS = list(range(2014, 2026))


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    words = {}
    for language, (consonants, vowels) in LETTERS.items():
        found: dict[str, None] = {}
        while len(found) < VOCABULARY:
            syllables = rng.choice((2, 2, 3, 3, 4))
            found["".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))] = None
        words[language] = list(found)
    return words


def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.word_weights = list(__import__("itertools").accumulate(zipf_weights(VOCABULARY)))
        self.sites = [f"Site {self.rng.choice('KLMNPRST')}{i:03d}" for i in range(400)]
        self.site_weights = list(__import__("itertools").accumulate(zipf_weights(400)))
        self.methods = [f"method_{i:02d}" for i in range(30)]
        self.perpetrators = [f"Unit {i:03d}" for i in range(150)]

    def sentence(self, language: str, count: int) -> str:
        chosen = self.rng.choices(self.words[language], cum_weights=self.word_weights, k=count)
        return " ".join(chosen).capitalize() + "."

    def document(self, number: int, version: int = 0) -> Entry:
        rng = self.rng
        language = rng.choice(sorted(LETTERS))
        document_id = f"{number:064x}"
        file_name = f"doc-{number:07d}.md"
        common = {"language": [language], "source_kind": [rng.choice(KINDS)],
                  "organization": [rng.choice(ORGS)]}
        claims = []
        for c in range(PER_DOCUMENT - 1):
            start = rng.choice(YEARS)
            facets = {**common, "site": rng.choices(self.sites, cum_weights=self.site_weights),
                      "method": rng.sample(self.methods, rng.choice((1, 1, 2))),
                      "period": [str(y) for y in range(start, min(start + rng.choice((0, 0, 1)), 2025) + 1)],
                      "perpetrator": [rng.choice(self.perpetrators)], "review_state": [rng.choice(STATES)]}
            text = f"{facets['site'][0]} · {self.sentence(language, rng.randint(8, 20))}"
            claims.append(Item("claim", document_id, file_name, language, text, facets,
                               claim_id=number * PER_DOCUMENT + c, title=f"c{c} detention"))
        body = " ".join(self.sentence(language, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))
        if version:
            body += f" Corrected {version}."
        doc_facets = {**common, **{name: sorted({v for c in claims for v in c.facets[name]})
                                   for name in ("site", "method", "period", "perpetrator")},
                      "review_state": [c.facets["review_state"][0] for c in claims]}
        document = Item("document", document_id, file_name, language, body, doc_facets, title=file_name)
        return Entry(document_id, f"v{version}", file_name, language, (document, *claims))

    def queries(self, count: int) -> list[tuple[str, str, dict[str, list[str]]]]:
        """(kind, words, filters): words, words with facets, facets only, in turn."""
        rng = self.rng
        found = []
        for n in range(count):
            language = rng.choice(sorted(LETTERS))
            words = " ".join(rng.choices(self.words[language], cum_weights=self.word_weights,
                                         k=rng.choice((1, 1, 2))))
            filters = self.filters(language)
            kind = ("words", "words+facets", "facets")[n % 3]
            found.append((kind, words if kind != "facets" else "", filters if kind != "words" else {}))
        return found

    def filters(self, language: str) -> dict[str, list[str]]:
        rng = self.rng
        choices = {
            "language": lambda: [language],
            "review_state": lambda: [rng.choice(STATES)],
            "site": lambda: rng.choices(self.sites, cum_weights=self.site_weights),
            "method": lambda: rng.sample(self.methods, rng.choice((1, 1, 2))),
            "period": lambda: [str(rng.choice(YEARS))],
            "perpetrator": lambda: [rng.choice(self.perpetrators)],
            "source_kind": lambda: [rng.choice(KINDS)],
            "organization": lambda: [rng.choice(ORGS)],
        }
        names = rng.sample(sorted(choices), rng.choice((1, 1, 2)))
        return {name: choices[name]() for name in names}


def documents(generator: Generator, count: int) -> Iterator[Entry]:
    for number in range(count):
        yield generator.document(number)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--changed", type=int, default=1_000, help="documents changed for the update")
    parser.add_argument("--keep", help="build the index here, or reuse the one built here")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --queries new queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm", action="store_true",
                        help="read the index into its page cache first, as `testimonia serve` does")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "bench.key"  # a bench's throwaway key, kept to reuse the index
    if not key_file.exists():
        key_file.write_bytes(secrets.token_bytes(32))
    key = key_file.read_bytes()
    path = folder / f"index-{args.passages}.db"
    count = args.passages // PER_DOCUMENT
    generator = Generator(args.seed)
    try:
        if not path.exists():
            started = time.perf_counter()
            with IndexLock(path.with_suffix(".lock"), 60).held():
                build(path, key, 1, documents(generator, count))
            print(f"build: {count:,} documents, {args.passages:,} passages in "
                  f"{time.perf_counter() - started:.0f} s; file {path.stat().st_size / 2**20:.0f} MB")
        else:
            print(f"reusing {path} ({path.stat().st_size / 2**20:.0f} MB)")
        generator.rng.seed(args.seed + 1)
        index = IndexFile(path, key)
        if args.warm:  # what `testimonia serve` does (cli/web.py)
            started = time.perf_counter()
            load_lemmas()
            print(f"dictionaries loaded (as the server starts): {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            read = index.warm()
            print(f"index read into its page cache (in the background, once opened): "
                  f"{read / 2**20:.0f} MB in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        searching = SearchIndex(index)
        searching.search("a")
        print(f"first search of the process (opens, reads facet names): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        for round_ in range(1, args.rounds + 1):
            queries = generator.queries(args.queries)  # new ones each round
            times: dict[str, list[float]] = {}
            totals: dict[str, list[int]] = {}
            for kind, words, filters in queries:
                started = time.perf_counter()
                found = searching.search(words, filters)
                times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                totals.setdefault(kind, []).append(found.total)
            print(f"round {round_}: " + ("the first queries of the process" if round_ == 1 else
                                         "other queries, the pages the first ones read still cached"))
            print(f"{'queries':<14}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'median hits':>13}")
            everything = [t for ts in times.values() for t in ts]
            for kind, ts in [*times.items(), ("all", everything)]:
                hits = totals.get(kind, [n for ns in totals.values() for n in ns])
                print(f"{kind:<14}{len(ts):>5}{statistics.median(ts):>9.1f}{_p95(ts):>9.1f}{max(ts):>9.1f}"
                      f"{statistics.median(hits):>13,.0f}")
        changed = [generator.document(n, version=int(time.time())) for n in
                   generator.rng.sample(range(count), min(args.changed, count))]
        started = time.perf_counter()
        with IndexLock(path.with_suffix(".lock"), 60).held():
            index.update(index.generation() + 1, [], changed)
        print(f"update: {len(changed):,} documents changed ({len(changed) * PER_DOCUMENT:,} passages) "
              f"in {time.perf_counter() - started:.1f} s")
        index.close()
        print(f"peak RSS {peak_mb():.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
