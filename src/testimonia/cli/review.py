"""review, claim show|accept|reject|edit|keep|add, persons, person link: an analyst's
decisions on claims and on who is who."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml

from testimonia.cli.common import WorkspaceOption, claim_line, opened, out
from testimonia.errors import InvalidValue

if TYPE_CHECKING:
    from testimonia.analysis.edits import ClaimChanges
    from testimonia.service.review import Context
    from testimonia.service.reviewed import ReviewedClaim
    from testimonia.service.workspace import Workspace

claim_app = typer.Typer(help="Decide on one claim: every decision is kept, signed and audited.",
                        no_args_is_help=True)
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept with the decision).")]
ClaimArgument = Annotated[str, typer.Argument(help="Claim id (as `testimonia claims` and "
                                              "`testimonia review --list` show it: 17, or r3).")]
ListOption = Annotated[list[str] | None, typer.Option(help="Repeatable; replaces the list.")]


person_app = typer.Typer(help="One person named in several documents.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.add_typer(claim_app, name="claim")
    app.command()(persons)
    app.add_typer(person_app, name="person")


def persons(workspace: WorkspaceOption = None) -> None:
    """The persons a reviewer linked across documents, and the names proposed as one
    person (the same name in other scripts or case endings) that nobody confirmed yet."""
    from testimonia.service.persons import list_persons
    with opened(workspace) as ws:
        links, proposed = list_persons(ws)
    for link in links:
        out.print(f"{link.name}: {', '.join(link.aliases)}")
    for p in proposed:
        out.print(f"proposed: {' = '.join(p.names)} — named in {p.documents} documents by "
                  f"{', '.join(p.sources)} (`testimonia person link {' '.join(p.names)} --as NAME`)")
    out.print(f"{len(links)} persons linked, {len(proposed)} proposals.")


@person_app.command("link")
def person_link(names: Annotated[list[str], typer.Argument(help="The names as claims give them "
                                                          "(`testimonia persons`).")],
                as_name: Annotated[str, typer.Option("--as", help="The name to show: a pseudonym.")],
                replace: Annotated[bool, typer.Option("--replace", help="Replace this person's "
                                                      "names instead of adding to them.")] = False,
                workspace: WorkspaceOption = None) -> None:
    """Confirm that names in different documents are one person, with one trajectory."""
    from testimonia.service.persons import link_persons
    with opened(workspace) as ws:
        link = link_persons(ws, names, as_name, replace)
    out.print(f"{link.name} is now one person: {', '.join(link.aliases)}.")


def review(
    list_only: Annotated[bool, typer.Option("--list", help="Print the queue and stop.")] = False,
    conflicts: Annotated[bool, typer.Option("--conflicts", help="Only decisions that a new "
                                            "extraction disagrees with.")] = False,
    apply: Annotated[Path | None, typer.Option("--apply", help="Apply a review plan (YAML, "
                                               "docs/review.md): all its decisions or none.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Walk the claims waiting for a decision: unreviewed ones and conflicts. For each:
    a = accept, r = reject, e = edit (field=value …), k = keep the earlier decision (a
    conflict), s = skip, q = quit; a reject, an edit and a keep then ask why (Enter: no
    reason)."""
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import review_queue
    if apply is not None:
        _apply(apply, workspace)
        return
    with opened(workspace) as ws:
        queue = review_queue(ws, conflicts_only=conflicts)
        if list_only or not queue:
            for item in queue:
                out.print(f"{claim_ref(item.id):>6} {item.state:<10} {_origin(item)}  "
                          f"{claim_line(item.body)}"
                          + (f"  [conflict: {item.conflict}]" if item.conflict else ""))
            out.print(f"{len(queue)} claims wait for review.")
            return
        decided = 0
        for position, item in enumerate(queue, 1):
            answer = _walk_one(ws, item, position, len(queue))
            if answer == "q":
                break
            decided += answer != "s"
    out.print(f"{decided} decisions recorded.")


def _apply(path: Path, workspace: Path | None) -> None:
    from testimonia.analysis.edits import parse_plan
    from testimonia.service.review import apply_plan
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidValue(f"Cannot read the review plan {path}: {exc}",
                           fix="A UTF-8 YAML file as in docs/review.md.") from exc
    plan = parse_plan(data, str(path))
    with opened(workspace) as ws:
        report = apply_plan(ws, plan)
    done = ", ".join(f"{n} {what}" for what, n in sorted(report.decisions.items())) or "no decisions"
    out.print(f"Applied {path.name}: {done}; {len(report.persons)} persons linked.")


def _walk_one(ws: Workspace, item: ReviewedClaim, position: int, total: int) -> str:
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import context, decide, keep
    print_context(context(ws, item.id), f"[{position}/{total}]")
    while True:
        answer = str(typer.prompt("a=accept r=reject e=edit k=keep s=skip q=quit",
                                  default="s")).strip().lower()[:1]
        try:
            if answer == "k":
                keep(ws, item.id, str(typer.prompt("Why", default="")) or None)
            elif answer == "a":
                decide(ws, item.id, "accepted")
            elif answer == "r":
                decide(ws, item.id, "rejected", str(typer.prompt("Why", default="")) or None)
            elif answer == "e":
                fields = typer.prompt("Fields (e.g. method=beating place=Sévaré period=2022-10 "
                                      "perpetrator=fama victim=self hearsay)")
                shown = decide(ws, item.id, "edited", str(typer.prompt("Why", default="")) or None,
                               parse_fields(fields))[0]
                out.print(f"claim {claim_ref(shown.id)} edited: {claim_line(shown.body)}")
            elif answer not in ("s", "q"):
                out.print(f"'{answer}' is not an answer: a, r, e, k, s or q.")
                continue
        except InvalidValue as exc:
            out.print(f"Not recorded: {exc}")
            continue
        return answer


def parse_fields(text: str) -> ClaimChanges:
    """`method=beating method=electric_shock place="Sévaré" hearsay` as changes."""
    from testimonia.analysis.edits import changes_from
    fields: dict[str, Any] = {}
    flags = {"hearsay": ("hearsay", True), "first-hand": ("hearsay", False),
             "first_hand": ("hearsay", False), "denial": ("denial", True),
             "no-denial": ("denial", False)}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        key = key.strip().lower()
        if key in flags:  # hearsay and denial win over first-hand and no-denial
            name, value_set = flags[key]
            fields[name] = value_set if key in ("hearsay", "denial") else fields.get(name, value_set)
        elif key in ("method", "violation", "place", "perpetrator") and value:
            fields.setdefault(key, []).append(value)
        elif key in ("act", "period", "victim") and value:
            fields[key] = value
        else:
            raise InvalidValue(f"'{token}' is not a field to set.",
                               fix="Use method=, violation=, place=, perpetrator=, act=, period=, "
                               "victim=, hearsay, first-hand, denial, no-denial.")
    return changes_from(fields)


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def print_context(ctx: Context, heading: str = "") -> None:
    from testimonia.analysis.edits import claim_ref
    item = ctx.item
    out.print(f"{heading} claim {claim_ref(item.id)} · {item.state} · {_origin(item)}".strip())
    out.print("  " + claim_line(item.body))
    if item.conflict:
        out.print(f"  conflict: {item.conflict}")
    words = " [...] ".join(" ".join(q.split()) for q in ctx.quoted)
    out.print(f"  …{' '.join(ctx.before.split())} »{words}« {' '.join(ctx.after.split())}…")
    for place in ctx.places:
        out.print(f"  place “{place['text']}” → {place.get('name', '?')} ({place.get('country') or '—'}, "
                  f"{place.get('id') or 'not in the gazetteer'}, precision {place.get('precision', '?')})"
                  + (f"; also: {'; '.join(place['candidates'])}" if place.get("candidates") else ""))
    for period in ctx.periods:
        out.print(f"  period “{period['text']}” → {period.get('start') or '?'} – {period.get('end') or '?'} "
                  f"({period.get('precision', '?')})")
    for decision in item.history:
        out.print(f"  {decision.at} {decision.actor}: {decision.decision}"
                  + (f" — {decision.reason}" if decision.reason else ""))


def _origin(item: ReviewedClaim) -> str:
    return f"{item.claim.source or 'no source'} · {item.claim.file_name}"


@claim_app.command("show")
def claim_show(claim: ClaimArgument, workspace: WorkspaceOption = None) -> None:
    """The claim in its text, the candidates behind its place and period, and every
    decision made on it."""
    from testimonia.service.review import context
    with opened(workspace) as ws:
        print_context(context(ws, claim))


@claim_app.command("accept")
def claim_accept(claims: Annotated[list[str], typer.Argument(help="Claim ids.")],
                 reason: ReasonOption = None, workspace: WorkspaceOption = None) -> None:
    """Accept claims as extracted: they count as evidence."""
    _decide_each(claims, "accepted", reason, workspace)


@claim_app.command("reject")
def claim_reject(claims: Annotated[list[str], typer.Argument(help="Claim ids.")],
                 reason: ReasonOption = None, workspace: WorkspaceOption = None) -> None:
    """Reject claims: they never count. The extracted version stays on record."""
    _decide_each(claims, "rejected", reason, workspace)


def _decide_each(claims: list[str], decision: str, reason: str | None,
                 workspace: WorkspaceOption) -> None:
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import decide
    with opened(workspace) as ws:
        decided = decide(ws, claims, decision, reason)
    for item in decided:
        out.print(f"claim {claim_ref(item.id)} {item.state}: {claim_line(item.body)}")


def _changes(act: str | None, method: list[str] | None, violation: list[str] | None,
             place: list[str] | None, period: str | None, perpetrator: list[str] | None,
             victim: str | None, first_hand: bool | None, denial: bool | None) -> ClaimChanges:
    from testimonia.analysis.edits import ClaimChanges
    return ClaimChanges(act=act, methods=_tuple(method), violations=_tuple(violation),
                        places=_tuple(place), period=period, perpetrators=_tuple(perpetrator),
                        victim=victim, first_hand=first_hand, denial=denial)


ActOption = Annotated[str | None, typer.Option("--act", help="arrest, detention, ill_treatment, "
                                               "killing, disappearance, transfer, release.")]
MethodOption = Annotated[list[str] | None, typer.Option("--method", help="A method id (`testimonia "
                                                        "codes methods`); repeatable, replaces the list.")]
ViolationOption = Annotated[list[str] | None, typer.Option("--violation", help="A violation id "
                                                           "(`testimonia codes violations`); repeatable.")]
PlaceOption = Annotated[list[str] | None, typer.Option("--place", help="A place by any of its names "
                                                       "(gazetteer), \"NAME, CC\" the one in that country "
                                                       "(\"Nara, ML\"), NAME@FACILITY for a kind of place "
                                                       "there (Melitopol@police_station); repeatable; "
                                                       "for a transfer: from, to.")]
PeriodOption = Annotated[str | None, typer.Option("--period", help="YYYY, YYYY-MM, YYYY-MM-DD or "
                                                  "START..END; 'none' clears it.")]
PerpetratorOption = Annotated[list[str] | None, typer.Option("--perpetrator", help="A perpetrator id "
                                                             "(`testimonia codes perpetrators`); repeatable.")]
VictimOption = Annotated[str | None, typer.Option("--victim", help="self, other, group or unknown; "
                                                  "other:NAME for a person the source names.")]
HandOption = Annotated[bool | None, typer.Option("--first-hand/--hearsay", show_default=False,
                                                 help="The source saw or lived it / repeats it.")]
DenialOption = Annotated[bool | None, typer.Option("--denial/--no-denial", show_default=False,
                                                   help="The claim denies the act.")]


@claim_app.command("edit")
def claim_edit(claim: ClaimArgument, act: ActOption = None, method: MethodOption = None,
               violation: ViolationOption = None, place: PlaceOption = None,
               period: PeriodOption = None, perpetrator: PerpetratorOption = None,
               victim: VictimOption = None, first_hand: HandOption = None,
               denial: DenialOption = None, reason: ReasonOption = None,
               workspace: WorkspaceOption = None) -> None:
    """Correct a claim's fields. The extracted version and every decision are kept."""
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import decide
    changes = _changes(act, method, violation, place, period, perpetrator, victim, first_hand, denial)
    with opened(workspace) as ws:
        item = decide(ws, claim, "edited", reason, changes)[0]
    out.print(f"claim {claim_ref(item.id)} edited: {claim_line(item.body)}")


@claim_app.command("keep")
def claim_keep(claims: Annotated[list[str], typer.Argument(help="Claim ids.")],
               reason: ReasonOption = None, workspace: WorkspaceOption = None) -> None:
    """Resolve conflicts by keeping the versions decided before."""
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import keep
    with opened(workspace) as ws:
        kept = [keep(ws, claim, reason) for claim in claims]
    for item in kept:
        out.print(f"claim {claim_ref(item.id)} {item.state} (kept): {claim_line(item.body)}")


@claim_app.command("add")
def claim_add(document: Annotated[str, typer.Argument(help="Document id (or its first characters).")],
              span: Annotated[str | None, typer.Option("--span", help="START:END, character offsets "
                                                       "of the working-copy text.")] = None,
              quote: Annotated[str | None, typer.Option("--quote", help="The exact words, found in "
                                                        "the text (instead of --span).")] = None,
              act: ActOption = None, method: MethodOption = None, violation: ViolationOption = None,
              place: PlaceOption = None, period: PeriodOption = None,
              perpetrator: PerpetratorOption = None, victim: VictimOption = None,
              first_hand: HandOption = None, denial: DenialOption = None,
              reason: ReasonOption = None, workspace: WorkspaceOption = None) -> None:
    """Add a claim that extraction missed, on the exact words of the document."""
    from testimonia.analysis.edits import claim_ref
    from testimonia.service.review import add_claim
    changes = _changes(act, method, violation, place, period, perpetrator, victim, first_hand, denial)
    with opened(workspace) as ws:
        item = add_claim(ws, document, changes, _span(span), quote, reason)
    out.print(f"claim {claim_ref(item.id)} added: {claim_line(item.body)}")


def _span(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    start, _, end = text.partition(":")
    if not (start.strip().isdigit() and end.strip().isdigit()):
        raise typer.BadParameter("Use START:END, e.g. 120:188.", param_hint="--span")
    return int(start), int(end)
