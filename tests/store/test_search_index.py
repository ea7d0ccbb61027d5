"""The index file: opens only with its key, a killed update or build leaves the index as it
was, writers take turns, and a search past the caps says so."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from testimonia.errors import WorkspaceBusy
from testimonia.store import search_index
from testimonia.store.search_index import Entry, IndexFile, IndexLock, Item, Unreadable, build

SRC = Path(__file__).parents[2] / "src"


def entry(number: int, word: str = "kettle") -> Entry:
    document_id = f"{number:064x}"
    text = f"Passage {number}: the {word} stood by the door of cell {number % 7}. " + "words " * 40
    items = (Item("document", document_id, f"d{number}.md", "en", text,
                  {"language": ["en"], "site": [f"Site {number % 3}"], "review_state": ["accepted"]},
                  title=f"d{number}.md"),
             Item("claim", document_id, f"d{number}.md", "en", f"detention · Site {number % 3} · {word}",
                  {"language": ["en"], "site": [f"Site {number % 3}"], "review_state": ["unreviewed"]},
                  claim_id=number, title=f"c{number} detention"))
    return Entry(document_id, "v1", f"d{number}.md", "en", items)


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def built(tmp_path: Path, key: bytes) -> Path:
    path = tmp_path / "org-1.db"
    assert build(path, key, 1, [entry(n) for n in range(200)]) == (200, 400)
    return path


def test_the_file_opens_only_with_its_key(built: Path, key: bytes) -> None:
    data = built.read_bytes()
    assert not data.startswith(b"SQLite format 3") and b"kettle" not in data and b"Site 1" not in data
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(built).execute("SELECT count(*) FROM sqlite_master").fetchone()
    with pytest.raises(Unreadable):
        IndexFile(built, secrets.token_bytes(32))
    index = IndexFile(built, key)
    assert index.generation() == 1 and index.search(["kettle"], {}, 5).total == 400
    index.close()


def test_an_update_replaces_and_removes_documents_and_their_facet_values(built: Path, key: bytes) -> None:
    index = IndexFile(built, key)
    assert index.update(2, [f"{1:064x}"], [entry(0, "samovar"), entry(500, "samovar")]) == (2, 4)
    assert index.generation() == 2
    assert index.search(["samovar"], {}, 50).total == 4
    assert index.search(["kettle"], {}, 50).total == 400 - 4  # document 1 removed, 0 rewritten
    stamps = index.stamps()
    assert f"{1:064x}" not in stamps and len(stamps) == 200
    found = index.search("", {"site": ["Site 2"]}, 3)
    assert [(f.value, f.count) for f in found.facets["site"]] == [("Site 2", found.total)]
    assert index.integrity() == "ok"
    index.close()


def test_updates_keep_the_word_index_in_few_segments(built: Path, key: bytes) -> None:
    """Each search reads every segment: a built index is one, and updates merge theirs."""
    index = IndexFile(built, key)
    assert index.segments() == 1
    counts = []
    for generation in range(2, 40):
        index.update(generation, [f"{generation:064x}"], [entry(1000 + generation, "samovar")])
        counts.append(index.segments())
    assert max(counts) <= 3, counts  # FTS5 alone lets them grow past a dozen
    assert index.search(["samovar"], {}, 50).total == 2 * 38
    assert index.search(["kettle"], {}, 50).total == 400 - 2 * 38
    assert index.integrity() == "ok"
    index.close()


def test_warming_reads_the_packs_and_word_lists_chunk_by_chunk_and_stops_at_its_budget(
        built: Path, key: bytes) -> None:
    index = IndexFile(built, key)
    everything = index.warm(chunk=7)
    assert everything > 400 * 4  # every item's facet values, and the word lists
    assert index.warm(budget=100, chunk=7) < everything
    assert index.search(["kettle"], {}, 5).total == 400  # searches as before
    index.close()
    assert index.warm() == 0  # closed meanwhile: stops quietly


def test_past_the_caps_the_total_is_a_lower_bound_and_counts_cover_the_first(
        built: Path, key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "COUNT_CAP", 100)
    monkeypatch.setattr(search_index, "RANK_SAMPLE", 20)
    index = IndexFile(built, key)
    found = index.search(["kettle"], {}, 5)
    assert (found.total, found.more, found.counted, len(found.items)) == (100, True, 20, 5)
    assert sum(f.count for f in found.facets["language"]) == 20
    few = index.search(["kettle"], {"site": ["Site 0"], "review_state": ["unreviewed"]}, 100)
    assert (few.total, few.more, few.counted) == (67, False, 20)  # 0, 3, … 198: one claim each
    assert {i.kind for i in few.items} == {"claim"} and all(i.facets["site"] == ["Site 0"] for i in few.items)
    assert len(few.items) == 20  # ranked among the first RANK_SAMPLE
    same = index.search("", {"site": ["Site 0"], "review_state": ["unreviewed"]}, 100)
    assert (same.total, same.more) == (67, False) and [i.claim_id for i in same.items] == list(range(0, 60, 3))
    index.close()


def _killed(path: Path, key: bytes, what: str) -> str:
    """Run an update or a build in another process that kills itself half-way (its pages
    already in the file: a tiny page cache spills them); what it printed."""
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from testimonia.store import search_index
        from tests.store.test_search_index import entry
        search_index.CACHE_KIB = 64
        path = Path({str(path)!r})
        def entries():
            for n in range(1000, 1400):
                yield entry(n, "samovar")
                if n == 1300:
                    journal = Path(str(path) + "-journal")
                    parts = list(path.parent.glob("." + path.name + ".*.part"))
                    print("journal" if journal.exists() and journal.stat().st_size else "",
                          "part" if parts and parts[0].stat().st_size > 100_000 else "", flush=True)
                    os.kill(os.getpid(), signal.SIGKILL)
        key = bytes.fromhex({key.hex()!r})
        if {what!r} == "update":
            search_index.IndexFile(path, key).update(2, [f"{{3:064x}}"], entries())
        else:
            search_index.build(path, key, 2, entries())
    """)
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{SRC.parent}"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          cwd=SRC.parent, timeout=120)
    assert done.returncode == -9, done.stderr
    return done.stdout


@pytest.mark.parametrize("what", ["update", "build"])
def test_a_killed_write_leaves_the_index_as_it_was(built: Path, key: bytes, what: str) -> None:
    printed = _killed(built, key, what)
    assert ("journal" if what == "update" else "part") in printed  # it was half-way
    index = IndexFile(built, key)
    assert index.generation() == 1 and index.integrity() == "ok"
    assert index.search(["samovar"], {}, 5).total == 0
    assert index.search(["kettle"], {}, 5).total == 400 and f"{3:064x}" in index.stamps()
    index.close()
    build(built, key, 3, [entry(7)])  # the next build clears what the killed one left
    assert [p.name for p in built.parent.iterdir() if p.name.endswith(".part")] == []


def test_writers_take_turns(tmp_path: Path) -> None:
    lock = IndexLock(tmp_path / "org-1.lock", 0.3)
    with lock.held(), pytest.raises(WorkspaceBusy, match="being updated by another command"), \
            IndexLock(tmp_path / "org-1.lock", 0.3).held():
        pass
    with IndexLock(tmp_path / "org-1.lock", 0.3).held():
        pass
