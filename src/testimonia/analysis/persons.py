"""One person named in several documents: proposed by spelling, confirmed by a reviewer.

A person a source names (a claim's `victim.name`) is, until a reviewer says otherwise,
that source's account of someone: "Lagunov: Данила". The same name in other documents —
in another script, another case ending («Данило», «Данила», «Данилу», "Danylo") — is
*proposed* as the same person when the names share a spelling key: the skeleton of the
name in Latin letters (translit.skeleton), each word without its last case ending. A
reviewer confirms a proposal (or links names the keys missed) with a `PersonLink`; only
confirmed links join accounts into one person with one trajectory. Names that merely
look alike are never joined silently: two people may share a first name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from testimonia.analysis.inputs import ClaimIn
from testimonia.text.textfold import fold
from testimonia.text.translit import skeleton

__all__ = ["PersonLink", "Proposal", "linked_names", "name_key", "person_called", "person_of", "proposals"]

# Case endings of Russian and Ukrainian first names and surnames, in Latin skeleton form,
# longest first; dropped once from a word of at least five letters.
_ENDINGS = re.compile(r"(ovi|oi|om|ei|ii|iu|ia|u|a|o|e|i)$")


@dataclass(frozen=True)
class PersonLink:
    """A reviewer's decision: these names, in these sources' accounts, are one person."""

    name: str  # how the person is shown (a pseudonym for a person who is not a source)
    aliases: tuple[str, ...]  # the names as the documents write them


@dataclass(frozen=True)
class Proposal:
    key: str
    names: tuple[str, ...]  # as written, every script
    sources: tuple[str, ...]  # labels of the sources (or documents) that name them
    documents: int


def name_key(name: str) -> str:
    """The spelling key two names must share to be proposed as one person."""
    words = []
    for word in skeleton(name).split():
        words.append(_ENDINGS.sub("", word) if len(word) >= 5 else word)
    return " ".join(words)


def proposals(claims: Sequence[ClaimIn], links: Sequence[PersonLink] = ()) -> list[Proposal]:
    """Names that share a key across at least two documents and are not linked yet."""
    linked = {fold(alias) for link in links for alias in link.aliases}
    names: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    documents: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        name = _named(claim)
        if name is None or fold(name) in linked:
            continue
        key = name_key(name)
        names[key].add(name)
        sources[key].add(claim.label)
        documents[key].add(claim.document_id)
    return [Proposal(key, tuple(sorted(names[key])), tuple(sorted(sources[key])), len(documents[key]))
            for key in sorted(names) if len(documents[key]) >= 2]


def person_of(claim: ClaimIn, links: Sequence[PersonLink]) -> str | None:
    """The confirmed person a claim names, if a link covers its name."""
    victim = claim.body["victim"]
    return person_called((victim["who"], victim.get("name")), linked_names(links))


def linked_names(links: Sequence[PersonLink]) -> dict[str, str]:
    """Each linked name (folded) -> the person it is; the first link that names it wins."""
    names: dict[str, str] = {}
    for link in links:
        for alias in link.aliases:
            names.setdefault(fold(alias), link.name)
    return names


def person_called(victim: tuple[str, str | None], names: dict[str, str]) -> str | None:
    """The confirmed person a claim's victim (who, name) is, given `linked_names`."""
    who, name = victim
    if who != "other" or not name or not names:
        return None
    return names.get(fold(" ".join(name.split())))


def _named(claim: ClaimIn) -> str | None:
    victim = claim.body["victim"]
    name = victim.get("name") if victim["who"] == "other" else None
    return " ".join(name.split()) if name else None
