"""Hostile research files are refused in one line (or ingested within bounds), and the
workspace's research stays searchable; a damaged index is rebuilt from the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import ansi_name, docx_with_text, wide_csv
from typer.testing import CliRunner

from assistant.ingest import ingest_paths
from assistant.retrieval import KnowledgeBase
from assistant.retrieval.archive import rebuild
from assistant.retrieval.readers import Limits
from assistant.settings import Settings

GOOD = Path(__file__).parent / "fixtures" / "research" / "sales-call.txt"
QUERY = "enterprise plan price and API trial"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    settings = Settings().model_copy(
        update={"home": tmp_path / "home", "chroma_url": None, "embeddings": "minilm"}
    )
    return KnowledgeBase(settings, cards_dir=tmp_path)


def searchable(kb: KnowledgeBase) -> bool:
    hits = kb.search(QUERY, k=1, kind="document", map_id="acme")
    return bool(hits) and hits[0].title == "sales-call.txt"


def damage(kb: KnowledgeBase) -> None:
    """Break the research collection the way one 8,000-column CSV did before the column cap
    (chromadb then fails in compaction on every later read and write)."""
    with pytest.raises(Exception, match="compaction"):
        kb.collection("research").upsert(
            ids=[f"bad{n}" for n in range(50)],
            documents=["x"] * 50,
            metadatas=[{f"k{n}": n for n in range(8000)}] * 50,
            embeddings=[[0.1] * 384] * 50,
        )


def test_hostile_files_are_refused_and_the_workspace_stays_searchable(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    assert ingest_paths(kb, [GOOD], map_id="acme").ok
    files = [
        docx_with_text(tmp_path / "ten-mb.docx", 10_000_000),
        docx_with_text(tmp_path / "hundred-mb.docx", 100_000_000),
        wide_csv(tmp_path / "wide.csv", 8000),
    ]
    assert all(f.stat().st_size < 500_000 for f in files)  # small on disk, huge inside
    report = ingest_paths(kb, files, map_id="acme")
    reasons = {f.path.name: f.reason for f in report.files}
    assert [f.status for f in report.files] == ["failed"] * 3
    assert "more than 1,000,000 characters" in reasons["ten-mb.docx"]
    assert "over the 25 MB limit for one part" in reasons["hundred-mb.docx"]
    assert "8,000 columns, over the 1,000-column limit" in reasons["wide.csv"]
    assert all("\n" not in r for r in reasons.values())
    assert kb.research_count() == 1 and searchable(kb)
    # ... and a later ingest still works.
    later = tmp_path / "later.md"
    later.write_text("The mobile app lost the draft order when offline.\n")
    assert ingest_paths(kb, [later], map_id="acme").ok and searchable(kb)


def test_a_wide_csv_keeps_few_metadata_columns(kb: KnowledgeBase, tmp_path: Path) -> None:
    report = ingest_paths(kb, [wide_csv(tmp_path / "wide.csv", 900)], map_id="acme")
    assert report.ok and report.added == 3
    metas = kb.collection("research").get(include=["metadatas"])["metadatas"]
    extra = set().union(*metas) - {"file", "path", "row", "chunk", "doc", "map"}
    assert extra == {f"c{n}" for n in range(Limits().metadata_columns)}
    assert ingest_paths(kb, [GOOD], map_id="acme").ok and searchable(kb)


def test_caps_on_passages_and_time(kb: KnowledgeBase, tmp_path: Path) -> None:
    long = tmp_path / "long.md"
    long.write_text("Customers wait for the invoice. " * 2000)
    few = ingest_paths(kb, [long], limits=Limits(chunks=5)).files[0]
    assert few.status == "failed" and "over the 5 limit for one file" in few.reason
    slow = ingest_paths(kb, [long], limits=Limits(seconds=0)).files[0]
    assert slow.status == "failed" and "longer than the 0 s limit" in slow.reason
    assert kb.research_count() == 0


def test_rebuild_recovers_a_damaged_index(kb: KnowledgeBase, tmp_path: Path) -> None:
    assert ingest_paths(kb, [GOOD], map_id="acme").ok
    damage(kb)
    later = tmp_path / "later.md"
    later.write_text("The mobile app lost the draft order when offline.\n")
    broken = ingest_paths(kb, [later], map_id="acme").files[0]
    assert broken.status == "failed" and broken.reason.startswith(
        "the research index could not be used"
    )
    assert broken.reason.endswith("Repair it with `journey research rebuild`.")
    report = rebuild(KnowledgeBase(kb.settings, cards_dir=tmp_path))
    assert (report.files, report.chunks) == (1, 1)
    fresh = KnowledgeBase(kb.settings, cards_dir=tmp_path)
    assert searchable(fresh)
    assert ingest_paths(fresh, [later, wide_csv(tmp_path / "w.csv", 50)], map_id="acme").ok
    assert fresh.research_count("acme") == 5


def test_tools_and_cli_say_one_sentence_on_a_damaged_index(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    from assistant.cli import app
    from tools.knowledge_tools import make_knowledge_tools

    damage(kb)  # on an empty collection: reads fail too

    class Ctx:
        knowledge = KnowledgeBase(kb.settings, cards_dir=tmp_path)
        journey = None

    research = {t.name: t for t in make_knowledge_tools(Ctx())}["research_evidence"]
    text = research.invoke({"query": QUERY})
    assert text.startswith("Error: the research index could not be used"), text
    assert "journey research rebuild" in text
    home = str(kb.settings.home)
    runner = CliRunner()
    result = runner.invoke(app, ["search", "--research", QUERY, "--home", home])
    assert result.exit_code == 1 and "journey research rebuild" in result.output
    assert "Traceback" not in result.output
    fixed = runner.invoke(app, ["research", "rebuild", "--home", home])
    assert fixed.exit_code == 0, fixed.output
    assert "Rebuilt the research index: 0 chunks from 0 file(s)" in fixed.output
    from assistant.store import Store

    Store(kb.settings.db_path).create("acme")  # research is filed under an existing map
    added = runner.invoke(app, ["ingest", str(GOOD), "--map", "acme", "--home", home])
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["search", "--research", QUERY, "--home", home, "--json"])
    assert again.exit_code == 0 and "sales-call.txt" in again.output


def test_ingest_prints_names_without_escape_sequences(tmp_path: Path) -> None:
    from assistant.cli import app

    path = ansi_name(tmp_path)
    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["ingest", str(path), "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "notesRED" in result.output


def test_uploads_run_as_background_jobs_with_progress(kb: KnowledgeBase, tmp_path: Path) -> None:
    import threading

    from assistant.ingest_jobs import IngestJobs

    seen: list[str] = []
    real = kb.add_chunks

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread().name)
        return real(*args, **kwargs)

    kb.add_chunks = spy  # type: ignore[method-assign]
    jobs = IngestJobs()
    hostile = docx_with_text(tmp_path / "ten-mb.docx", 10_000_000)
    first = jobs.submit(kb, [hostile, GOOD], map_id="acme")
    second = jobs.submit(kb, [wide_csv(tmp_path / "wide.csv", 8000)], map_id="acme")
    assert first.wait(120) and second.wait(120)
    assert first.progress() == (2, 2) and second.progress() == (1, 1)
    assert [r.status for r in first.results] == ["failed", "added"]
    assert second.results[0].status == "failed" and not first.error
    assert seen == ["journey-ingest"]  # stored by the worker, not the caller's thread
    assert searchable(kb)
