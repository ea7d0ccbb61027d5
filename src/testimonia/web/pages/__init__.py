"""The routes, one module per part of the workspace; each declares its Access."""

from __future__ import annotations

from testimonia.web.pages import analysis, auth, browse, edit, graphs, review, search, sources

ROUTERS = [auth.router, browse.router, search.router, review.router, edit.router, analysis.router, graphs.router,
           sources.router]
