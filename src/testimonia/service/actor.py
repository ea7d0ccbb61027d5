"""Who is acting: the user named by the `actor` setting, authenticated by their own
credential (crypto/credentials.py), or why they are not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from testimonia.crypto import credentials
from testimonia.crypto.credentials import UserKeys
from testimonia.crypto.keys import KeyMaterial
from testimonia.model import Role
from testimonia.service.policy import User
from testimonia.store import protection

__all__ = ["Actor", "authenticate"]


@dataclass
class Actor:
    """The acting user and their unlocked keys, or the problem that stopped them."""

    name: str
    user: User | None = None
    keys: UserKeys | None = None
    problem: str | None = None
    wrong_credential: bool = False  # a credential was given and did not open (audited)

    def fix(self) -> str:
        return (f"Set TESTIMONIA_ACTOR to your user name and TESTIMONIA_USER_KEY_FILE or "
                f"TESTIMONIA_USER_PASSPHRASE to your own credential; an admin of your "
                f"organisation adds users: `testimonia user add {self.name} --role ROLE "
                "--key-file PATH`.")


def authenticate(conn: Connection, name: str, material: KeyMaterial | None) -> Actor:
    """Find the user and open their keys with their credential."""
    row = protection.find_user(conn, name)
    if row is None:
        return Actor(name, problem=f"'{name}' is not a user of this workspace.")
    secret = protection.user_secret(conn, row.id)
    if secret is None:
        return Actor(name, problem=f"User '{row.name}' has no credential of their own yet (the "
                     "workspace was made by an older version): run `testimonia user enroll` "
                     "with your new credential.")
    if material is None:
        return Actor(name, problem=f"No credential was given for user '{row.name}'.")
    keys = credentials.unlock_user(secret.key_id, secret.slots, material)
    if keys is None:
        return Actor(name, problem=f"The credential given does not open the keys of user "
                     f"'{row.name}' ({material.describe()}).", wrong_credential=True)
    return Actor(name, User(row.name, row.organization_id, row.organization, Role(row.role)), keys)
