"""One Testimonia command in a process of its own, for the reliability tests to kill,
starve or run side by side with another.

    child.py ingest  WS_ROOT WS_KEY USER_KEY ACTOR FOLDER [SOURCES_YAML]
    child.py extract WS_ROOT WS_KEY USER_KEY ACTOR

It prints, flushed as it happens, what the user would be told is done:
`ACK <document id> <file name>` for each file ingested (or found already there),
`ACK <document id>` for each document extracted, and `FAILED ...` for each file or
document that failed. A library error ends it like the CLI does: one line on
stderr, exit 1, no traceback; an interrupt (SIGINT) exits 130 without one either
(while it is still importing, it just ends).
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import signal

# Started with SIGINT ignored (battery.Child): from here an interrupt while importing
# just ends the process; main() turns it into KeyboardInterrupt.
signal.signal(signal.SIGINT, signal.SIG_DFL)

import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from testimonia.crypto.keys import KeyMaterial  # noqa: E402
from testimonia.errors import TestimoniaError  # noqa: E402
from testimonia.ingest.files import load_source_map  # noqa: E402
from testimonia.service.extraction import extract_workspace  # noqa: E402
from testimonia.service.ingest import IngestOptions, Outcome, ingest_paths  # noqa: E402
from testimonia.service.workspace import Workspace  # noqa: E402

ACKNOWLEDGED = {"ingested", "duplicate"}


def ingest(ws: Workspace, folder: str, sources: str | None = None) -> None:
    options = IngestOptions(source_map=load_source_map(Path(sources)) if sources else {})

    def acknowledge(outcome: Outcome) -> None:
        if outcome.status in ACKNOWLEDGED:
            print(f"ACK {outcome.document_id} {outcome.path.name}", flush=True)
        elif outcome.status == "failed":
            print(f"FAILED {outcome.path.name}: {outcome.detail}", flush=True)

    ingest_paths(ws, [Path(folder)], options, progress=acknowledge)


def extract(ws: Workspace) -> None:
    report = extract_workspace(ws, progress=lambda document_id: print(f"ACK {document_id}", flush=True))
    for document_id, reason in report.failed:
        print(f"FAILED {document_id}: {reason}", flush=True)


COMMANDS: dict[str, Callable[..., None]] = {"ingest": ingest, "extract": extract}


def main(argv: list[str]) -> int:
    command, root, ws_key, user_key, actor, *rest = argv
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with Workspace.open(Path(root), KeyMaterial(key_file=Path(ws_key)), flags={"actor": actor},
                            user_material=KeyMaterial(key_file=Path(user_key))) as ws:
            COMMANDS[command](ws, *rest)
    except TestimoniaError as exc:
        print(f"Error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
