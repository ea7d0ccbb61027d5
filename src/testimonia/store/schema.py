"""Tables, in SQLAlchemy Core. Migrations in store/migrations create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

organizations = Table(
    "organizations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("pseudonym", String(64), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    # Declared quasi-identifiers (age band, sex, ethnicity, occupation): coarse on purpose.
    Column("profile", JSON, nullable=False, default=dict),
)

source_relations = Table(
    "source_relations", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_a", Integer, ForeignKey("sources.id"), nullable=False),
    Column("source_b", Integer, ForeignKey("sources.id"), nullable=False),
    Column("relation", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("source_a", "source_b", "relation"),
    CheckConstraint("source_a <> source_b", name="relation_not_self"),
)

documents = Table(
    "documents", metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the original bytes
    Column("file_name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("language_detected", String(8), nullable=False),
    Column("language_confidence", Float, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("metadata", JSON, nullable=False),
)

document_texts = Table(
    "document_texts", metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("text", Text, nullable=False),  # empty since 0006: the text is in `sealed`
    Column("text_sha256", String(64), nullable=False),
    Column("reader", String(64), nullable=False),
    Column("sealed", LargeBinary, nullable=True),  # the text, encrypted (protect/doccrypt.py)
)

def _log(name: str, subject: Column[str]) -> Table:
    """A hash-chained log (testimonia.store.chain): custody and audit share this shape."""
    return Table(
        name, metadata,
        Column("seq", Integer, primary_key=True, autoincrement=False),
        subject,
        Column("action", String(32), nullable=False),
        Column("at", String(32), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("details", JSON, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False, unique=True),
        Column("signer", String(16), nullable=True),  # the author's key id (0010)
        Column("signature", LargeBinary, nullable=True),  # Ed25519 over the hash (0010)
    )


custody_events = _log("custody_events", Column("document_id", String(64), nullable=True, index=True))

extractions = Table(
    "extractions", metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("pipeline_version", String(64), nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("at", String(32), nullable=False),
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # {"text", "value"}, encrypted (0008)
    Column("component", String(64), nullable=False),
)

claims = Table(
    "claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("act", String(32), nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # Claim.to_json(), encrypted (0008)
    Column("component", String(64), nullable=False),
    Column("origin", String(16), nullable=False, server_default="extraction"),  # | analyst (0011)
)

claim_reviews = Table(  # every analyst decision on a claim, never overwritten (0011)
    "claim_reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("act", String(32), nullable=False),  # the act of the claim decided on: the anchor
    Column("spans", JSON, nullable=False),  # its evidence spans [[start, end], ...]: the anchor
    Column("decision", String(16), nullable=False),  # accepted | edited | rejected | added
    Column("sealed", LargeBinary, nullable=False),  # {"body", "based_on", "reason"}, encrypted
    Column("actor", String(200), nullable=False),
    Column("at", String(32), nullable=False),
)

person_links = Table(  # names in several documents that a reviewer says are one person (0012)
    "person_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # {"name", "aliases"}, the organisation's key
    Column("actor", String(200), nullable=False),
    Column("at", String(32), nullable=False),
)

site_judgements = Table(
    "site_judgements", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # merge | split | rename
    Column("site", Text, nullable=False),
    Column("other", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),  # 0007
)

analysis_results = Table(  # one organisation's latest analysis per variant, encrypted for it (0009, 0013)
    "analysis_results", metadata,
    Column("organization_id", Integer, ForeignKey("organizations.id"), primary_key=True),
    Column("variant", String(16), primary_key=True),  # "reviewed" | "all" (unreviewed claims too)
    Column("basis", String(64), nullable=False),  # of the analysis code, rules and variant
    Column("generation", Integer, nullable=False),  # input_generation when it was known current
    Column("digest", String(64), nullable=False),  # of the inputs it was computed from
    Column("sealed", LargeBinary, nullable=False),  # the documented JSON (docs/analysis.md)
    Column("at", String(32), nullable=False),
)

# One row: a number the database moves (triggers, migration 0013) on every insert, update
# or delete in a table the analysis reads. A stored analysis computed at generation G is
# current while the number is still G, so reading it needs no claim opened.
input_generation = Table(
    "input_generation", metadata,
    Column("id", Integer, CheckConstraint("id = 1", name="one_row"), primary_key=True),
    Column("generation", Integer, nullable=False),
)

# The tables whose rows the analysis reads, directly or through the scope of what an
# organisation sees: each has the triggers that move input_generation. Every other table
# is in NOT_ANALYSIS_INPUTS, and a test checks that the two lists cover the schema.
ANALYSIS_INPUTS = ("organizations", "sources", "source_relations", "documents", "extractions", "mentions",
                   "claims", "claim_reviews", "person_links", "site_judgements", "shares")
NOT_ANALYSIS_INPUTS = (
    "document_texts",  # the text: the analysis reads what extraction made of it
    "custody_events", "audit_events",  # logs (a read is audited: it must not invalidate)
    "analysis_results", "input_generation",  # the cache itself
    "users", "organization_keys", "org_key_grants", "vault_entries", "record_keys",  # keys, identities
)

audit_events = _log("audit_events", Column("subject", Text, nullable=True))  # what was read or changed

# Protection (migration 0005): who may do what, what is shared, and the identity vault.

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("role", String(16), nullable=False),  # admin | analyst | reviewer | viewer
    Column("created_at", String(32), nullable=False),
    # The user's own keys (0010, protect/credentials.py): public halves and the secret,
    # wrapped by the user's passphrase or key file.
    Column("key_id", String(16), nullable=True),
    Column("signing_key", LargeBinary, nullable=True),
    Column("box_key", LargeBinary, nullable=True),
    Column("slots", JSON, nullable=True),
)

shares = Table(
    "shares", metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),  # owner
    Column("kind", String(16), nullable=False),  # organization | source | document
    Column("item", Text, nullable=False),  # "" | pseudonym | document id
    Column("with_organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    UniqueConstraint("organization_id", "kind", "item", "with_organization_id"),
)

organization_keys = Table(
    "organization_keys", metadata,
    Column("key_id", String(16), primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("public_key", LargeBinary, nullable=False),  # X25519, raw
    Column("slots", JSON, nullable=False),  # the private key, wrapped (protect/keys.py)
    Column("state", String(8), nullable=False),  # active | retired
    Column("created_at", String(32), nullable=False),
)

org_key_grants = Table(  # an organisation's private key wrapped for one of its users (0010)
    "org_key_grants", metadata,
    Column("key_id", String(16), ForeignKey("organization_keys.key_id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    PrimaryKeyConstraint("key_id", "user_id"),
)

vault_entries = Table(
    "vault_entries", metadata,
    Column("source_id", Integer, ForeignKey("sources.id"), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=False),  # protect/envelope.py
    Column("updated_at", String(32), nullable=False),
)

record_keys = Table(
    "record_keys", metadata,
    Column("record", Text, nullable=False),  # the binding, e.g. "vault|org:1|source:7"
    Column("key_id", String(16), ForeignKey("organization_keys.key_id"), nullable=False, index=True),
    Column("wrapped", LargeBinary, nullable=False),
    PrimaryKeyConstraint("record", "key_id"),
)
