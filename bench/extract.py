"""Extraction speed: the full pipeline against NER alone on the same text, same run.

For each language, the sample investigation's texts in that language (or, with --texts
eval, the evaluation passages of tests/eval/real: short, report-style, dense with names)
are repeated to about --words words; the runs are warmed up first (model loading is not
timed), then timed --rounds times, NER and full in turn, and each keeps its best round (a
busy machine's pauses and the odd full garbage collection stay out of the ratio).

- `full/NER`: the whole pipeline against the NER model reading every sentence (target:
  about 1.5 or less). `median` is the median of each round's own ratio (its NER and full
  runs next to each other in time), steadier where the machine's speed drifts over
  seconds, as a shared one's does.
- `asked`: the share of the text the NER model reads in the full pipeline. It leaves
  out the sentences where no name it would keep can stand (extract/names.py
  `name_free`), but for a few words around those it reads (extract/ner.py
  `with_context`), so the full run reads less than NER alone does.
- `rules/NER`: the pipeline without its names component (the rules, gazetteer, periods
  and claims alone) against NER alone: the pipeline's own work.

Peak RSS is the whole process's, all four languages' models loaded.

    .venv/bin/python bench/extract.py [--words 20000] [--rounds 5] [--texts sample|eval]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import time
from collections import defaultdict
from pathlib import Path

from testimonia.extract.names import NamesComponent, name_free
from testimonia.extract.ner import ner_model, with_context
from testimonia.extract.pipeline import components, extract_text
from testimonia.extract.sentences import split_sentences
from testimonia.ingest.readers import reader_for
from testimonia.ingest.readers.base import ReadLimits

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "examples" / "sample-investigation" / "testimonies"
EVAL = ROOT / "tests" / "eval" / "real"
RULES = [c for c in components() if not isinstance(c, NamesComponent)]


def corpus(words: int, source: str = "sample") -> dict[str, list[str]]:
    by_language: dict[str, list[str]] = defaultdict(list)
    if source == "eval":
        for path in sorted(EVAL.glob("*.jsonl")):
            items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for item in items:
                if "text" in item:
                    by_language[item.get("language") or path.stem.split("-")[0]].append(item["text"])
    for path in sorted(SAMPLE.iterdir()) if source == "sample" else ():
        result = reader_for(path).read(path.read_bytes(), path.name, ReadLimits())
        language = result.metadata.get("front_matter", {}).get("language") or _guess(path)
        by_language[language].append(result.text)
    out = {}
    for language, texts in by_language.items():
        pool, count = [], 0
        while count < words:
            for text in texts:
                pool.append(text)
                count += len(text.split())
        out[language] = pool
    return out


def _guess(path: Path) -> str:
    from testimonia.ingest.language import detect_language
    return detect_language(path.read_text(encoding="utf-8", errors="replace")).code


def ner_only(texts: list[str], language: str) -> None:
    model = ner_model(language)
    assert model is not None
    for text in texts:
        model.entities(text, [(s.start, s.end) for s in split_sentences(text)])


def full(texts: list[str], language: str) -> None:
    for text in texts:
        extract_text(text, language)


def rules(texts: list[str], language: str) -> None:
    for text in texts:
        extract_text(text, language, steps=RULES)


def asked(texts: list[str], language: str) -> float:
    """The share of the texts' characters the NER model reads in the full pipeline: the
    sentences it is asked about, with their context words."""
    read = total = 0
    for text in texts:
        sentences = split_sentences(text)
        total += sum(s.end - s.start for s in sentences)
        spans = [(s.start, s.end) for s in sentences if not name_free(text, s.start, s.end, language)]
        read += sum(end - start for start, end in with_context(text, spans))
    return read / max(1, total)


def timed(run: object, texts: list[str], language: str) -> float:
    started = time.perf_counter()
    run(texts, language)  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best of each is kept")
    parser.add_argument("--texts", choices=("sample", "eval"), default="sample",
                        help="the sample investigation's testimonies, or the evaluation passages")
    args = parser.parse_args()
    print(f"{'lang':<5}{'words':>8}{'NER words/s':>14}{'full words/s':>14}{'full/NER':>10}{'median':>9}"
          f"{'asked':>8}{'rules/NER':>11}")
    for language, texts in sorted(corpus(args.words, args.texts).items()):
        words = sum(len(t.split()) for t in texts)
        full(texts[:2], language)  # warm-up: models, gazetteer, vocabularies
        ner_only(texts[:2], language)
        ner_s = full_s = rules_s = math.inf
        ratios = []
        for _ in range(max(1, args.rounds)):
            ner_round, full_round = timed(ner_only, texts, language), timed(full, texts, language)
            ner_s, full_s = min(ner_s, ner_round), min(full_s, full_round)
            rules_s = min(rules_s, timed(rules, texts, language))
            ratios.append(full_round / ner_round)
        print(f"{language:<5}{words:>8}{words / ner_s:>14,.0f}{words / full_s:>14,.0f}"
              f"{full_s / ner_s:>10.2f}{statistics.median(ratios):>9.2f}"
              f"{asked(texts, language):>8.0%}{rules_s / ner_s:>11.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
