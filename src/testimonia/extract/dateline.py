"""Datelines: where and when a news item or a press release was written.

"(Kyiv, October 19, 2022) –", "DAKAR, Senegal (AP) —", "GENEVA (31 January 2023) –",
"IZIOUM (Ukraine), 18 septembre 2022 (AFP) –", "КИЕВ, 12 сентября. /Укринформ/ —",
"ГАО — Місцеві жителі…": the place and date at the head of a text say where and when it
was published, not where or when anything in it happened. `dateline_end` finds one at
the very start of a text so that places and periods inside it are left out; a place the
text names again later is found there.
"""

from __future__ import annotations

import re

__all__ = ["dateline_end"]

_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ"
_DASH = r"[–—-]"
_PATTERNS = (
    # (Kyiv, October 19, 2022) –      (Bamako, 12 mai 2023) –      (Nairobi) –
    re.compile(rf"\(\s*[{_UPPER}][^()\n]{{1,60}}\)\s*{_DASH}"),
    # DAKAR, Senegal (AP) —   GENEVA (31 January 2023) –   IZIOUM (Ukraine), 18 septembre 2022 (AFP) –
    # KYIV, March 3 (Reuters) -   THE HAGUE, Feb 20 (Reuters) -
    re.compile(rf"[{_UPPER}][{_UPPER}'’ .-]{{1,40}}(?:\([^()\n]{{1,30}}\))?(?:,[^()\n]{{1,40}})?"
               rf"\s*\([^()\n]{{1,40}}\)\s*{_DASH}"),
    # КИЕВ, 12 сентября. /Укринформ/ —   ХАРКІВ, 3 березня. /Укрінформ/.
    re.compile(rf"[{_UPPER}][{_UPPER}'’ .-]{{1,40}},[^/\n]{{1,40}}/[^/\n]{{1,40}}/\s*(?:{_DASH}|\.)"),
    # ГАО — …   M'BERA, Mauritania — …   NOUAKCHOTT — …   GENEVA, 25 September 2024 – …
    re.compile(rf"[{_UPPER}][{_UPPER}'’ .-]{{2,40}}(?:,\s*[{_UPPER}\d][^\n,—–]{{1,30}})?\s*[–—]\s"),
)


def dateline_end(text: str) -> int:
    """Where the dateline at the start of `text` ends (0 when there is none)."""
    head = text.lstrip()
    offset = len(text) - len(head)
    for pattern in _PATTERNS:
        found = pattern.match(head)
        if found and _looks_like_a_dateline(found.group(0)):
            return offset + found.end()
    return 0


def _looks_like_a_dateline(text: str) -> bool:
    """A heading of upper-case words or a parenthesis, not a sentence that happens to
    start with a capital ("Russian forces (the 64th brigade) — …")."""
    words = re.findall(r"[^\W\d_]+", text)
    capital = [w for w in words if w[0].isupper()]
    return bool(words) and (text.lstrip().startswith("(") or any(w.isupper() and len(w) > 1 for w in words)
                            or len(capital) == len(words))
