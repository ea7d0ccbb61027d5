"""`testimonia serve`: the web workspace (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from testimonia.cli.common import WorkspaceOption, err, key_material
from testimonia.config import resolve_root
from testimonia.errors import InvalidValue

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(workspace: WorkspaceOption = None,
          host: Annotated[str, typer.Option(help="Address to listen on (loopback: this machine only).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
          tls_cert: Annotated[Path | None, typer.Option(help="TLS certificate (PEM) to serve HTTPS; "
                                                        "cookies are then Secure.")] = None,
          tls_key: Annotated[Path | None, typer.Option(help="The certificate's private key (PEM).")] = None) -> None:
    """Serve the web workspace: search, documents, review. Users sign in in the browser
    with their own credential; the workspace key is given here, as for every command."""
    import uvicorn

    from testimonia.service import search
    from testimonia.service.workspace import Workspace
    from testimonia.text.lemmas import load as load_lemmas
    from testimonia.web.app import create_app

    if (tls_cert is None) != (tls_key is None):
        raise InvalidValue("HTTPS needs both --tls-cert and --tls-key.",
                           fix="Give both, or neither to serve plain HTTP on this machine only.")
    with Workspace.open(resolve_root(workspace), key_material(),
                        on_wait=lambda message: err.print(message)) as ws:
        if host not in LOOPBACK and tls_cert is None:
            err.print(f"Warning: serving plain HTTP on {host}: passphrases and testimony cross the "
                      "network unencrypted. Give --tls-cert and --tls-key, or keep to 127.0.0.1.")
        load_lemmas()  # the four languages' dictionaries: before the first search, not during it
        search.OPEN.warm = True  # each search index read into memory in the background once opened
        scheme = "https" if tls_cert else "http"
        err.print(f"Testimonia web workspace for {ws.paths.root} on {scheme}://{host}:{port}/ "
                  "(Ctrl-C stops it; sessions end with it).")
        uvicorn.run(create_app(ws), host=host, port=port, log_level="warning", server_header=False,
                    ssl_certfile=str(tls_cert) if tls_cert else None,
                    ssl_keyfile=str(tls_key) if tls_key else None)
