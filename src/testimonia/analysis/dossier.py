"""Everything known of one site, each line with the words it rests on (pseudonyms only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from testimonia.analysis.results import find_site, findings_at, site_family
from testimonia.shapes import ClaimJson, ResultsJson

QUOTES_PER_FINDING = 3
T = TypeVar("T")


def build_dossier(results: ResultsJson, query: str,
                  claims: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """`claims`: claim id -> {"source", "body"} for the quotes (and "document", its
    document's id, given to each quote with its evidence's `start` and `end`)."""
    site = find_site(results, query)
    family = site_family(results, site["id"])
    edges = results["transfers"]["edges"]
    return {
        "site": site,
        "inside": next((s for s in results["sites"] if s["id"] == site["parent"]), None),
        "contains": [s for s in results["sites"] if s["parent"] == site["id"]],
        "findings": [{**f, "quotes": _quotes(f["claims"], claims)}
                     for f in findings_at(results, site["id"])],
        "transfers_in": [e for e in edges if e["to"] in family],
        "transfers_out": [e for e in edges if e["from"] in family],
    }


def _quotes(ids: list[int], claims: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Up to QUOTES_PER_FINDING quotes (quoted_claims), each the sentence that states the act."""
    found = quoted_claims([(i, claims[i]) for i in ids if i in claims],
                          lambda item: (item[1]["source"], item[1]["body"]), QUOTES_PER_FINDING)
    return [{"claim": claim_id, "source": claim["source"],
             "quote": claim["body"]["evidence"][0]["quote"], "first_hand": claim["body"]["first_hand"],
             **({"document": claim["document"]} if "document" in claim else {}),
             "start": claim["body"]["evidence"][0]["start"], "end": claim["body"]["evidence"][0]["end"]}
            for claim_id, claim in found]


def quoted_claims(items: Sequence[T], read: Callable[[T], tuple[str | None, ClaimJson]],
                  limit: int) -> list[T]:
    """The claims a finding quotes: one per source (the second witness rather than the
    first one twice), first-hand accounts first, at most `limit`. `read` gives an item's
    source and claim body."""
    chosen: list[T] = []
    quoted: set[str | None] = set()
    for item in sorted(items, key=lambda it: not read(it)[1]["first_hand"]):
        source = read(item)[0]
        if source not in quoted:
            quoted.add(source)
            chosen.append(item)
        if len(chosen) == limit:
            break
    return chosen
