"""user, share / unshare / shares, vault, keys: who may see what, and the identity vault."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from testimonia.cli.common import WorkspaceOption, new_passphrase, opened, out, progress_bar
from testimonia.model import Identity, Role

user_app = typer.Typer(help="Users of your organisation and their roles.", no_args_is_help=True)
vault_app = typer.Typer(help="The identity vault: who a source really is, encrypted for "
                        "your organisation only.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys: rotation and status.", no_args_is_help=True)

ROLES = ", ".join(r.value for r in Role)
WithOption = Annotated[str, typer.Option("--with", help="The organisation to share with.")]
KindArgument = Annotated[str, typer.Argument(help="all (your organisation's whole collection), "
                                             "source (one source and all its documents) or "
                                             "document (one document).")]
ItemArgument = Annotated[str, typer.Argument(help="The source's pseudonym or the document id "
                                             "(not needed for all).")]


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(vault_app, name="vault")
    app.add_typer(keys_app, name="keys")
    app.command()(share)
    app.command()(unshare)
    app.command()(shares)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (what they set as TESTIMONIA_ACTOR).")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {ROLES}.")],
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="Write the user's own key file here (hand it over; keep no copy). "
        "Without it, a first passphrase is asked on a terminal.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a user to your organisation, with their own credential."""
    from testimonia.service import users
    passphrase = None if key_file else new_passphrase(name)
    with opened(workspace) as ws:
        user = users.add_user(ws, name, role, key_file=key_file, passphrase=passphrase)
    out.print(f"Added {user.name} ({user.role}, {user.organization}).")
    if key_file:
        out.print(f"{user.name}'s own key file is {key_file}: hand it over, then delete your "
                  "copy (they set TESTIMONIA_USER_KEY_FILE).")


@user_app.command("credential")
def user_credential(
    name: Annotated[str, typer.Argument(help="Your own user name, or (admins) one of your "
                                        "organisation's users who lost theirs.")],
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="Write the new key file here. Without it, a new passphrase is "
        "asked on a terminal.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Change your own credential, or (admins) give a user who lost theirs a new one."""
    from testimonia.service import users
    passphrase = None if key_file else new_passphrase(name)
    with opened(workspace) as ws:
        user = users.set_credential(ws, name, key_file=key_file, passphrase=passphrase)
    out.print(f"{user.name} has a new credential" + (f": {key_file}." if key_file else "."))


@user_app.command("enroll")
def user_enroll(workspace: WorkspaceOption = None) -> None:
    """In a workspace made before users had credentials: take your own (the one in
    TESTIMONIA_USER_KEY_FILE or TESTIMONIA_USER_PASSPHRASE), proving who you are with
    your organisation's key (TESTIMONIA_ORG_KEY_FILE / TESTIMONIA_ORG_PASSPHRASE, else the
    workspace key that opened it then)."""
    from testimonia.crypto.keys import org_key_material_from_env
    from testimonia.service import users
    with opened(workspace) as ws:
        user = users.enroll(ws, org_key_material_from_env())
    out.print(f"{user.name} ({user.role}, {user.organization}) now signs with a credential of "
              "their own. Once every user of your organisation has enrolled, run `testimonia "
              "keys rotate --org NAME` so that only their credentials open its keys.")


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Argument(help=f"New role: {ROLES}.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Change a user's role."""
    from testimonia.service import users
    with opened(workspace) as ws:
        user = users.set_role(ws, name, role)
    out.print(f"{user.name} is now {user.role} of {user.organization}.")


@user_app.command("list")
def user_list(workspace: WorkspaceOption = None) -> None:
    """List your organisation's users."""
    from testimonia.service import users
    with opened(workspace) as ws:
        for user in users.list_users(ws):
            out.print(f"{user.name}  {user.role}  {user.organization}")


def share(kind: KindArgument, item: ItemArgument = "", with_: WithOption = "",
          workspace: WorkspaceOption = None) -> None:
    """Let another organisation see some of your organisation's material."""
    _share(kind, item, with_, workspace, remove=False)


def unshare(kind: KindArgument, item: ItemArgument = "", with_: WithOption = "",
            workspace: WorkspaceOption = None) -> None:
    """Stop sharing material with another organisation."""
    _share(kind, item, with_, workspace, remove=True)


def _share(kind: str, item: str, with_: str, workspace: Path | None, *, remove: bool) -> None:
    from testimonia.service import sharing
    if not with_.strip():
        raise typer.BadParameter("Name the organisation.", param_hint="--with")
    with opened(workspace) as ws:
        changed = sharing.share(ws, kind, item, with_, remove=remove)
    what = "everything" if kind == "all" else f"{kind} {item}"
    if remove:
        out.print(f"Stopped sharing {what} with {with_}." if changed else f"{what} was not shared with {with_}.")
    else:
        out.print(f"Shared {what} with {with_}." if changed else f"{what} was already shared with {with_}.")


def shares(workspace: WorkspaceOption = None) -> None:
    """What your organisation shares, and what is shared with it."""
    from testimonia.service import sharing
    with opened(workspace) as ws:
        found = sharing.list_shares(ws)
    table = Table("from", "what", "with", "by", "at")
    for s in found:
        item = s.item[:12] if s.kind == "document" else s.item
        table.add_row(s.owner, "everything" if s.kind == "organization" else f"{s.kind} {item}",
                      s.with_organization, s.actor, s.at)
    out.print(table)


@vault_app.command("set")
def vault_set(
    pseudonym: Annotated[str, typer.Argument(help="The source's pseudonym.")],
    name: Annotated[str, typer.Option("--name", help="The source's real name.")],
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name or spelling "
                                                    "(repeatable).")] = None,
    contact: Annotated[list[str] | None, typer.Option("--contact", help="Phone, e-mail or handle "
                                                      "(repeatable).")] = None,
    home: Annotated[str, typer.Option("--home", help="Home village or town.")] = "",
    notes: Annotated[str, typer.Option("--notes", help="Anything else that identifies them.")] = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Record (replace) a source's identity, encrypted for your organisation only."""
    from testimonia.service import vault
    identity = Identity(name=name, aliases=list(alias or []), contacts=list(contact or []),
                              home=home, notes=notes)
    with opened(workspace) as ws:
        vault.set_identity(ws, pseudonym, identity)
    out.print(f"Stored the identity of {pseudonym} in the vault ({', '.join(identity.fields_set())}).")


@vault_app.command("show")
def vault_show(pseudonym: Annotated[str, typer.Argument(help="The source's pseudonym.")],
               workspace: WorkspaceOption = None) -> None:
    """Show a source's identity (admins only; the read is audited)."""
    from testimonia.service import vault
    with opened(workspace) as ws:
        identity = vault.show_identity(ws, pseudonym)
    out.print(f"name: {identity.name}")
    for label, values in (("alias", identity.aliases), ("contact", identity.contacts)):
        for value in values:
            out.print(f"{label}: {value}")
    for label, value in (("home", identity.home), ("notes", identity.notes)):
        if value:
            out.print(f"{label}: {value}")


@vault_app.command("list")
def vault_list(workspace: WorkspaceOption = None) -> None:
    """List your organisation's sources that have a vault entry (no content shown)."""
    from testimonia.service import vault
    with opened(workspace) as ws:
        held = vault.list_entries(ws)
    for pseudonym in held:
        out.print(pseudonym)
    out.print(f"{len(held)} vault entries.")


@keys_app.command("rotate")
def keys_rotate(
    org: Annotated[str | None, typer.Option("--org", help="Rotate this organisation's key pair "
                                            "(yours) instead of the workspace key.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """New keys for the workspace (waits until no other command uses it) or for your
    organisation; the old key is kept until nothing uses it. An interrupted rotation is
    finished by running this again."""
    from testimonia.service import rotation
    with opened(workspace) as ws, progress_bar() as bar:
        task = bar.add_task("Rotating", total=None)
        if org is None:
            report = rotation.rotate_workspace(ws, progress=lambda n: bar.advance(task, n))
        else:
            report = rotation.rotate_organization(ws, org, progress=lambda n: bar.advance(task, n))
    unit = "sealed files" if org is None else "record keys"
    out.print(f"Rotated the {report.layer} key: {', '.join(report.old_key_ids) or 'none'} → "
              f"{report.new_key_id}; {report.moved} {unit} moved; old key removed.")


@keys_app.command("status")
def keys_status(workspace: WorkspaceOption = None) -> None:
    """The keys in use, and how many records each still protects."""
    from testimonia.service import rotation
    with opened(workspace) as ws:
        status = rotation.key_status(ws)
    for layer, keys in status.items():
        for key_id, state, count in keys:
            used = "" if count < 0 else f"  {count} record keys"
            out.print(f"{layer}: {key_id} {state}{used}")
