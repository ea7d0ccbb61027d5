"""Everything known of one site, each line with the words it rests on (pseudonyms only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from testimonia.analysis.results import find_site, findings_at, site_family
from testimonia.shapes import ResultsJson

QUOTES_PER_FINDING = 3


def build_dossier(results: ResultsJson, query: str,
                  claims: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """`claims`: claim id -> {"source", "body"} for the quotes."""
    site = find_site(results, query)
    family = site_family(results, site["id"])
    edges = results["transfers"]["edges"]
    return {
        "site": site,
        "contains": [s for s in results["sites"] if s["parent"] == site["id"]],
        "findings": [{**f, "quotes": _quotes(f["claims"], claims)}
                     for f in findings_at(results, site["id"])],
        "transfers_in": [e for e in edges if e["to"] in family],
        "transfers_out": [e for e in edges if e["from"] in family],
    }


def _quotes(ids: list[int], claims: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Up to QUOTES_PER_FINDING quotes, one per source, first-hand accounts first; each the
    sentence that states the act."""
    found = sorted(((i, claims[i]) for i in ids if i in claims),
                   key=lambda item: not item[1]["body"]["first_hand"])
    out: list[dict[str, Any]] = []
    for claim_id, claim in found:
        if any(q["source"] == claim["source"] for q in out):
            continue
        evidence = claim["body"]["evidence"][0]
        out.append({"claim": claim_id, "source": claim["source"], "quote": evidence["quote"],
                    "first_hand": claim["body"]["first_hand"]})
        if len(out) == QUOTES_PER_FINDING:
            break
    return out
