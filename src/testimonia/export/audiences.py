"""Who an export is for, and what each audience may receive: the one place that says it
(docs/exports.md, "Audiences", has the same table with the reasons).

- internal: the organisation itself. Quotes from its own documents whatever their
  consent (3 per finding), pseudonyms and source profiles, exact dates. No gate.
- legal: its lawyers preparing a case. As internal, but every claim is quoted with its
  document id and offsets, and only reviewed claims count.
- partner: partner organisations. Quotes from own documents with consent consortium or
  public (2 per finding), redacted of interview dates and places and private persons;
  pseudonyms, no profiles, exact dates. No gate.
- public: anyone. Quotes from own documents with consent public (2 per finding), redacted
  of everything above and the pseudonyms; no pseudonyms; dates to the month at most; the
  k-anonymity gate over the witness accounts.

Whatever the audience, no export ever holds an identity from the vault, and an e-mail
address or phone-like number anywhere fails the leak scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from testimonia.errors import InvalidValue, did_you_mean
from testimonia.export.choices import AUDIENCES
from testimonia.model import Consent

__all__ = ["Audience", "POLICIES", "REDACTED", "audience"]

# What can be redacted from quotes and searched for by the leak scan:
#   vault: the organisation's identities (names, other names, contacts, home);
#   pseudonyms: every source's pseudonym in scope;
#   interviews: the interview date and place of every document in scope;
#   persons: private persons named in the quoted documents (NER), unless --public-name.
REDACTED = ("vault", "pseudonyms", "interviews", "persons")


@dataclass(frozen=True)
class Audience:
    name: str
    reader: str  # who it is for, in words
    quote_consents: frozenset[str]  # consent of the own documents that may be quoted
    quotes_per_finding: int  # 0: every claim the finding rests on
    citations: bool  # each quote with its document id and character offsets
    pseudonyms: bool  # sources named by pseudonym; else never named, even by pseudonym
    profiles: bool  # source profiles (kind, age band, sex, ethnicity, occupation)
    perpetrator_names: bool  # perpetrators as told ("commander Petrov"); else organisations only
    dates: str  # "day" or "month": the finest date written
    gate: bool  # the k-anonymity gate over the witness accounts
    redacted: frozenset[str]  # from REDACTED
    reviewed_only: bool  # refuses --include-unreviewed

    @property
    def all_quotes(self) -> bool:
        return self.quotes_per_finding == 0


_ANY = frozenset({*(c.value for c in Consent), ""})  # "": no consent recorded

POLICIES: dict[str, Audience] = {
    "internal": Audience(
        "internal", "the investigating organisation itself", _ANY, 3, citations=False,
        pseudonyms=True, profiles=True, perpetrator_names=True, dates="day", gate=False,
        redacted=frozenset({"vault"}), reviewed_only=False),
    "partner": Audience(
        "partner", "partner organisations of the investigation",
        frozenset({Consent.CONSORTIUM.value, Consent.PUBLIC.value}), 2, citations=False,
        pseudonyms=True, profiles=False, perpetrator_names=False, dates="day", gate=False,
        redacted=frozenset({"vault", "interviews", "persons"}), reviewed_only=False),
    "public": Audience(
        "public", "anyone: a published story, report or map", frozenset({Consent.PUBLIC.value}), 2,
        citations=False, pseudonyms=False, profiles=False, perpetrator_names=False, dates="month",
        gate=True, redacted=frozenset(REDACTED), reviewed_only=False),
    "legal": Audience(
        "legal", "the organisation's lawyers preparing a case", _ANY, 0, citations=True,
        pseudonyms=True, profiles=True, perpetrator_names=True, dates="day", gate=False,
        redacted=frozenset({"vault"}), reviewed_only=True),
}


def audience(name: str) -> Audience:
    """The policy of the audience called `name`, or an error that lists them."""
    found = POLICIES.get(name)
    if found is None:
        raise InvalidValue(f"Unknown audience '{name}'. {did_you_mean(name, AUDIENCES)}".strip(),
                           fix=f"Use one of: {', '.join(AUDIENCES)} (docs/exports.md, Audiences).")
    return found
