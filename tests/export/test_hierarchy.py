"""The export's generalisation hierarchies, and the re-identification drill (target P6):
20 synthetic witnesses with unique quasi-identifiers among 60 — none is still unique
after the gate."""

from __future__ import annotations

import random

from testimonia.export import gate, hierarchy
from testimonia.export.public import QUASI_IDENTIFIERS, attributes


def test_chains() -> None:
    assert hierarchy.period_chain("2022-03") == ("2022-03", "2022-Q1", "2022")
    assert hierarchy.period_chain("2023-11") == ("2023-11", "2023-Q4", "2023")
    assert hierarchy.period_chain("2022") == ("2022",)
    assert hierarchy.period_chain(None) == ()
    assert hierarchy.age_chain("30-39") == ("30-39", "20-39", "adult")
    assert hierarchy.age_chain("70+") == ("70+", "60+", "adult")
    assert hierarchy.age_chain("10-17") == ("10-17", "0-19", "minor")
    assert hierarchy.age_chain("about forty") == ()
    assert hierarchy.home_chain("Izium") == ("Kharkiv Oblast", "Ukraine")  # never the town
    assert hierarchy.home_chain("Nowhere-in-particular") == ()
    sites = {"camp": {"name": "Sévaré military camp", "parent": None, "country": "ML"},
             "box": {"name": "shipping container, Sévaré", "parent": "camp", "country": "ML"}}
    assert hierarchy.site_chain(sites["box"], sites) == (
        "shipping container, Sévaré", "Sévaré military camp", "Mali")


def _witness(i: int, rng: random.Random, unique: bool) -> gate.Record:
    site = f"site {i}" if unique else rng.choice(["Sévaré camp", "Taganrog SIZO-2"])
    return gate.Record(f"W{i}", {
        "site": (site, "Mali" if "Sévaré" in site else "Russia"),
        "period": hierarchy.period_chain(f"2022-{rng.randrange(1, 13):02d}"),
        "kind": ("defector" if unique else rng.choice(["survivor", "witness"]),),
        "age_band": hierarchy.age_chain("70+" if unique else rng.choice(["20-29", "30-39"])),
        "sex": (rng.choice(["female", "male"]),),
        "ethnicity": (f"group {i}",) if unique else (),
        "occupation": (f"trade {i}",) if unique else (rng.choice(["herder", "trader"]),),
        "home": ("Mopti Region", "Mali") if unique else (),
    })


def test_re_identification_drill() -> None:
    rng = random.Random(11)
    records = [_witness(i, rng, unique=i < 20) for i in range(60)]
    before = gate.at_risk(records, attributes(), 5)
    assert {w for group in before for w in group.ids} >= {f"W{i}" for i in range(20)}
    decision = gate.generalise(records, attributes(), 5)
    assert decision.passed
    assert gate.verify_published(decision.published, QUASI_IDENTIFIERS, 5) == []
    combos = [tuple(row[a] for a in QUASI_IDENTIFIERS) for row in decision.published]
    assert all(combos.count(c) >= 5 for c in combos)
