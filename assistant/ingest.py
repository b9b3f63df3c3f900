"""Research ingest: files (md, txt, pdf, docx, html, csv) into the knowledge base's research.

Each file is read, chunked and stored all-or-nothing; a bad file gets a one-line reason and
the others still go in. Chunk ids are content hashes, so re-ingesting adds nothing. The work per
file is bounded (`readers.Limits`: unpacked size, characters, chunks, CSV columns, seconds), and
each stored file is also archived (`retrieval/archive.py`) so a damaged index can be rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assistant.retrieval import archive
from assistant.retrieval.readers import (
    SUPPORTED,
    Budget,
    Document,
    Limits,
    ReadError,
    read_document,
)
from assistant.retrieval.research import document_key
from assistant.text_safety import printable

CHUNK_CHARS = 800  # ~200 tokens: fits MiniLM's 256-token window with room to spare
CHUNK_OVERLAP = 100
STORE_BATCH = 200  # chunks embedded and stored per step; the time budget is checked between


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    """The file."""
    status: Literal["added", "unchanged", "failed"]
    """`added` (some new chunks), `unchanged` (all already stored) or `failed`."""
    added: int = 0
    """Chunks newly stored."""
    skipped: int = 0
    """Chunks already stored by an earlier ingest."""
    reason: str = ""
    """For a failed file: why, in one line."""


@dataclass
class IngestReport:
    """The outcome of one `ingest_paths` call."""

    files: list[FileResult] = field(default_factory=list)
    """One entry per file, in the order processed."""

    @property
    def failed(self) -> list[FileResult]:
        """Files that could not be ingested."""
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no file failed (the CLI exits non-zero otherwise)."""
        return not self.failed

    @property
    def added(self) -> int:
        """Total chunks newly stored."""
        return sum(f.added for f in self.files)


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files to ingest: files as given, folders searched recursively for supported types."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            )
        else:
            out.append(path)
    return out


def chunk_documents(
    docs: list[Document], file: Path, map_id: str | None
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Chunk ids, texts and metadata for a file's documents (ids are content hashes)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict[str, Any]] = []
    for doc in docs:
        pieces = [p for p in splitter.split_text(doc.text) if p.strip()]
        key = document_key(repr(sorted(doc.metadata.items())) + doc.text, map_id)
        for n, piece in enumerate(pieces):
            ids.append(f"doc:{key}:{n}")
            texts.append(piece)
            metas.append(
                {"file": file.name, "path": str(file.resolve()), **doc.metadata, "chunk": n}
            )
    return ids, texts, metas


def ingest_file(
    kb: Any,
    path: Path,
    map_id: str | None,
    text_column: str | None,
    limits: Limits | None = None,
) -> FileResult:
    """Ingest one file; a ReadError (or any failure) becomes a failed FileResult."""
    budget = Budget(limits or Limits())
    try:
        if not path.is_file():
            raise ReadError("no such file")
        size = path.stat().st_size
        limit = float(kb.settings.max_upload_mb) * 1024 * 1024
        if size == 0:
            raise ReadError("empty file")
        if size > limit:
            raise ReadError(
                f"{size / 1048576:.1f} MB is over the "
                f"{kb.settings.max_upload_mb:g} MB limit (JOURNEY_MAX_UPLOAD_MB)"
            )
        docs = read_document(path, text_column, budget)
        ids, texts, metas = chunk_documents(docs, path, map_id)
        if not ids:
            raise ReadError("no text found")
        if len(ids) > budget.limits.chunks:
            raise ReadError(
                f"{len(ids):,} passages, over the {budget.limits.chunks:,} limit for one file; "
                "split it into smaller files"
            )
        budget.check()
        present = kb.existing_ids(ids)
        new = [i for i, pid in enumerate(ids) if pid not in present]
        store_chunks(
            kb,
            [ids[i] for i in new],
            [texts[i] for i in new],
            [metas[i] for i in new],
            map_id,
            budget,
        )
        archive.save(kb.settings.home, archive.Record(path.name, map_id, ids, texts, metas))
        status: Literal["added", "unchanged"] = "added" if new else "unchanged"
        return FileResult(path, status, added=len(new), skipped=len(present))
    except ReadError as exc:
        return FileResult(path, "failed", reason=str(exc))
    except Exception as exc:  # one bad file must not stop the others; say what happened
        return FileResult(path, "failed", reason=failure_reason(exc))


def failure_reason(exc: BaseException) -> str:
    """A failure as one line; a vector-store error says how to repair the index."""
    if type(exc).__module__.startswith("chromadb"):
        return archive.index_failure(exc)
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


def store_chunks(
    kb: Any,
    ids: list[str],
    texts: list[str],
    metas: list[dict[str, Any]],
    map_id: str | None,
    budget: Budget,
) -> None:
    """Store a file's new chunks in steps, checking the time budget between steps; if a step
    fails or the budget runs out, the steps already stored are removed (all or nothing)."""
    done: list[str] = []
    try:
        for start in range(0, len(ids), STORE_BATCH):
            end = start + STORE_BATCH
            kb.add_chunks(ids[start:end], texts[start:end], metas[start:end], map_id=map_id)
            done.extend(ids[start:end])
            if end < len(ids):
                budget.check()
    except BaseException:
        if done:
            kb.collection("research").delete(ids=done)
        raise


def ingest_paths(
    kb: Any,
    paths: Iterable[Path | str],
    map_id: str | None = None,
    text_column: str | None = None,
    progress: bool = False,
    limits: Limits | None = None,
    on_file: Callable[[int, int, FileResult], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into `kb`'s research, for `map_id` if given.

    Returns a report listing each file's outcome; files that fail do not stop the rest.
    `on_file(done, total, result)` is called after each file (the web app's progress).
    """
    from rich.markup import escape
    from rich.progress import Progress

    files = expand_paths(paths)
    report = IngestReport()
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("Ingesting research", total=len(files))
        for number, path in enumerate(files, 1):
            bar.update(task, description=f"Ingesting {escape(printable(path.name))}")
            result = ingest_file(kb, path, map_id, text_column, limits)
            report.files.append(result)
            bar.advance(task)
            if on_file is not None:
                on_file(number, len(files), result)
    return report
