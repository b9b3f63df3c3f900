"""Research ingest into a real embedded Chroma: formats, metadata, idempotency, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.ingest import ingest_paths
from assistant.retrieval import KnowledgeBase
from assistant.retrieval.readers import ReadError, pick_text_column, read_csv
from assistant.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "research"
GOOD = [
    "interview-notes.md",
    "sales-call.txt",
    "landing-page.html",
    "reviews.csv",
    "survey.csv",
    "workshop.docx",
    "survey-report.pdf",
]
BAD = {
    "broken.pdf": "broken PDF",
    "locked.pdf": "encrypted PDF",
    "binary.txt": "binary file",
    "empty.txt": "empty file",
    "strange-encoding.txt": "unknown text encoding",
    "missing.md": "no such file",
}


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    settings = Settings().model_copy(
        update={
            "home": tmp_path / "home",
            "chroma_url": None,
            "embeddings": "minilm",
            "max_upload_mb": 1.0,
        }
    )
    return KnowledgeBase(settings, cards_dir=tmp_path)


def test_each_format_goes_in_with_metadata(kb: KnowledgeBase) -> None:
    report = ingest_paths(kb, [FIXTURES / name for name in GOOD], map_id="acme")
    assert report.ok, report.failed
    assert [f.status for f in report.files] == ["added"] * len(GOOD)

    def top(query: str) -> dict:
        hit = kb.search(query, k=1, kind="document", map_id="acme")[0]
        assert hit.source == "document" and hit.id.startswith("doc:")
        return {"file": hit.title, **hit.metadata}

    assert top("depot spreadsheet template")["file"] == "interview-notes.md"
    assert top("enterprise plan price and API trial")["file"] == "sales-call.txt"
    assert top("mobile app offline")["file"] == "landing-page.html"
    assert top("VAT fields on the first invoice")["file"] == "workshop.docx"
    page = top("onboarding satisfaction fell")
    assert (page["file"], page["page"]) == ("survey-report.pdf", 2)
    row = top("could not import my drivers")
    assert (row["file"], row["row"], row["rating"], row["date"]) == (
        "reviews.csv",
        3,
        2,
        "2025-02-11",
    )
    survey = top("address asked twice at checkout")
    assert (survey["file"], survey["score"]) == ("survey.csv", 3)
    assert "do not index me" not in " ".join(
        h.snippet for h in kb.search("tracking", k=20, kind="document")
    )


def test_reingesting_adds_nothing(kb: KnowledgeBase) -> None:
    files = [FIXTURES / "reviews.csv", FIXTURES / "interview-notes.md"]
    first = ingest_paths(kb, files, map_id="acme")
    count = kb.research_count()
    again = ingest_paths(kb, files, map_id="acme")
    assert first.added == count == 6
    assert (again.added, [f.status for f in again.files]) == (0, ["unchanged", "unchanged"])
    assert kb.research_count() == count
    # The same research for another map belongs to that map too.
    other = ingest_paths(kb, files, map_id="globex")
    assert other.added == count and kb.research_count("globex") == count


def test_maps_keep_their_research_apart(kb: KnowledgeBase) -> None:
    ingest_paths(kb, [FIXTURES / "sales-call.txt"], map_id="acme")
    ingest_paths(kb, [FIXTURES / "interview-notes.md"], map_id="globex")
    hits = kb.search("competitors and enterprise price", k=5, kind="document", map_id="globex")
    assert {h.title for h in hits} == {"interview-notes.md"}
    assert kb.research_count("acme") == 1


def test_bad_files_get_reasons_and_the_rest_go_in(kb: KnowledgeBase, tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    big.write_text("word " * 300_000)  # 1.5 MB against a 1 MB limit
    sheet = tmp_path / "notes.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    paths = [FIXTURES / name for name in BAD] + [big, sheet, FIXTURES / "sales-call.txt"]
    report = ingest_paths(kb, paths, map_id="acme")
    reasons = {f.path.name: f.reason for f in report.failed}
    for name, reason in BAD.items():
        assert reason in reasons[name], (name, reasons[name])
        assert "\n" not in reasons[name]
    assert "over the 1 MB limit" in reasons["huge.txt"]
    assert "unsupported file type '.xlsx'" in reasons["notes.xlsx"]
    assert not report.ok and report.files[-1].status == "added"
    assert kb.research_count() == 1


def test_a_failed_store_leaves_nothing_behind(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection = kb.collection("research")
    calls = {"n": 0}
    real_upsert = collection.upsert

    def flaky_upsert(**kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real_upsert(**kwargs)

    monkeypatch.setattr(collection, "upsert", flaky_upsert)
    monkeypatch.setattr(kb.client, "get_max_batch_size", lambda: 2)  # force several batches
    report = ingest_paths(kb, [FIXTURES / "reviews.csv"], map_id="acme")
    assert report.failed[0].reason == "RuntimeError: disk full"
    assert kb.research_count() == 0


def test_folders_are_expanded(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "research"
    folder.mkdir()
    for name in ("interview-notes.md", "reviews.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "ignored.bin").write_bytes(b"\x00")
    report = ingest_paths(kb, [folder])
    assert sorted(f.path.name for f in report.files) == ["interview-notes.md", "reviews.csv"]


def test_csv_text_column_detection(tmp_path: Path) -> None:
    rows = [{"id": "1", "stars": "4", "what could be better": "The delivery took a week longer"}]
    assert pick_text_column(list(rows[0]), rows, None) == "what could be better"
    assert pick_text_column(["Review", "date"], [], None) == "Review"
    assert pick_text_column(["a", "b"], [], "B") == "b"
    with pytest.raises(ReadError, match="no column 'text'"):
        pick_text_column(["a", "b"], [], "text")
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(ReadError, match="--text-column"):
        read_csv(numbers)


def test_given_text_column_is_used(kb: KnowledgeBase) -> None:
    report = ingest_paths(kb, [FIXTURES / "reviews.csv"], text_column="country")
    assert report.ok
    hit = kb.search("PL", k=1, kind="document", method="bm25")[0]
    assert hit.snippet == "PL" and hit.metadata["review"].startswith("Confusing setup")
