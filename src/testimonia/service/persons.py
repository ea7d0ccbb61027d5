"""One person across documents: the names proposed as one person, and a reviewer's
links (analysis/persons.py says how names are proposed). A link is the organisation's
decision, encrypted with its key, signed into the audit log and checked by `verify`;
linking again under the same name extends or replaces that person's names."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from testimonia.analysis.inputs import ClaimIn
from testimonia.analysis.persons import PersonLink, Proposal, proposals
from testimonia.errors import InvalidValue, did_you_mean
from testimonia.service import orgkeys
from testimonia.service.policy import requires
from testimonia.service.reviewed import person_binding, person_links, reviewed_claims
from testimonia.service.workspace import Workspace
from testimonia.store import persons
from testimonia.text.textfold import fold

__all__ = ["link_persons", "list_persons"]


@requires('read_claims')
def list_persons(ws: Workspace) -> tuple[list[PersonLink], list[Proposal]]:
    """The confirmed persons, and the names proposed as one person that nobody has
    confirmed yet (from claims not rejected, of documents not withdrawn)."""
    claims = _named_claims(ws)
    with ws.engine.connect() as conn:
        links = person_links(ws, conn)
    return links, proposals(claims, links)


@requires('review_claims')
def link_persons(ws: Workspace, names: Sequence[str], as_name: str,
                 replace: bool = False) -> PersonLink:
    """Confirm that these names (as the documents write them) are one person, shown as
    `as_name` (a pseudonym: analysis results show it). Linking under a name already used
    adds the names to that person, or replaces them with `replace`."""
    shown = " ".join(as_name.split())
    if not shown or not names:
        raise InvalidValue("A link needs the names and the name to show.",
                           fix='e.g. `testimonia person link Данило Данила Danylo --as "Danylo"`.')
    known = {fold(n): n for c in _named_claims(ws) if (n := c.body["victim"].get("name"))}
    unknown = [n for n in names if fold(n) not in known]
    if unknown:
        raise InvalidValue(f"No claim names '{unknown[0]}'.",
                           fix=did_you_mean(fold(unknown[0]), known)
                           + "`testimonia persons` lists the names claims give.")
    with ws.transaction() as conn:
        current = {fold(link.name): link for link in person_links(ws, conn)}
        elsewhere = [(n, link.name) for link in current.values() if fold(link.name) != fold(shown)
                     for n in names if fold(n) in {fold(a) for a in link.aliases}]
        if elsewhere:
            name, other = elsewhere[0]
            raise InvalidValue(f"'{name}' is already linked to {other}.",
                               fix=f"Link it under that name (--as \"{other}\"), or re-link {other} "
                               "with --replace without it.")
        before = () if replace or fold(shown) not in current else current[fold(shown)].aliases
        aliases = tuple(dict.fromkeys([*before, *(known[fold(n)] for n in names)]))
        link = PersonLink(shown, aliases)
        plaintext = json.dumps({"name": link.name, "aliases": list(link.aliases)},
                               ensure_ascii=False).encode("utf-8")
        org = ws.user.organization_id
        row = persons.add(conn, org, lambda row_id: orgkeys.write_record(
            conn, person_binding(row_id), plaintext, [org]), ws.actor)
        ws.audit(conn, "persons_linked", None, {
            "link": row.id, "names": len(aliases), "organization": ws.user.organization,
            "sealed_sha256": hashlib.sha256(row.sealed).hexdigest()})
    return link


def _named_claims(ws: Workspace) -> list[ClaimIn]:
    with ws.engine.connect() as conn:
        found = reviewed_claims(ws, conn)
    return [c.as_input() for c in found if not c.withdrawn and c.state != "rejected"
            and c.body["victim"].get("name")]
