"""A copy of every ingested research file's chunks, and the rebuild of the research index.

Chroma holds the vectors, but a Chroma collection can be damaged (an upstream compaction bug
made one wide CSV break every later ingest and search). So each successful ingest also writes
its chunks (ids, texts, metadata, map) to `JOURNEY_HOME/research/<key>.json.gz`, and
`journey research rebuild` drops the research collection and stores those chunks again. No
file is re-read and nothing leaves the workspace.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.retrieval.readers import RESERVED, Limits

ARCHIVE_DIR = "research"


@dataclass
class Record:
    """One ingested file's chunks, as stored."""

    file: str
    map_name: str | None
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]


@dataclass
class RebuildReport:
    """What `rebuild` did."""

    files: int = 0
    """Archived files whose chunks were stored again."""
    chunks: int = 0
    """Chunks stored in the new index."""
    salvaged: int = 0
    """Chunks read back from the old index that had no archived copy (kept too)."""
    problems: list[str] = field(default_factory=list)
    """One line per archive file that could not be read."""


def index_failure(exc: BaseException) -> str:
    """A vector-store failure as one sentence that says how to repair it."""
    detail = " ".join(str(exc).split())[:160] or type(exc).__name__
    return (
        f"the research index could not be used ({type(exc).__name__}: {detail}). "
        "Repair it with `journey research rebuild`."
    )


def archive_dir(home: Path) -> Path:
    return home / ARCHIVE_DIR


def save(home: Path, record: Record) -> Path:
    """Write a record (atomically: a half-written copy never replaces a good one)."""
    folder = archive_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256("\n".join([record.map_name or "", *record.ids]).encode()).hexdigest()
    path = folder / f"{key[:24]}.json.gz"
    if path.exists():
        return path
    data = {
        "file": record.file,
        "map": record.map_name,
        "ids": record.ids,
        "texts": record.texts,
        "metadatas": record.metadatas,
    }
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def forget_map(home: Path, map_id: str) -> int:
    """Delete the archived copies of a deleted map's research (so a rebuild does not bring it
    back); returns how many files were removed. Unreadable files are left alone."""
    folder = archive_dir(home)
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.glob("*.json.gz")):
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                owner = json.load(handle).get("map")
        except (OSError, ValueError, EOFError):
            continue
        if owner == map_id:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def records(home: Path, problems: list[str] | None = None) -> Iterator[Record]:
    """Every archived record; an unreadable one is skipped (and named in `problems`)."""
    folder = archive_dir(home)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json.gz")):
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                data = json.load(handle)
            yield Record(data["file"], data["map"], data["ids"], data["texts"], data["metadatas"])
        except (OSError, ValueError, KeyError, EOFError) as exc:
            if problems is not None:
                problems.append(f"{path.name}: {type(exc).__name__}")


def trim_metadata(meta: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """At most `limits.metadata_columns` keys besides the reserved ones (file, row, map...)."""
    kept: dict[str, Any] = {}
    extra = 0
    for key, value in meta.items():
        if key in RESERVED or key in ("title",):
            kept[key] = value
        elif extra < limits.metadata_columns:
            kept[key] = value[: limits.metadata_chars] if isinstance(value, str) else value
            extra += 1
    return kept


def _salvage(kb: Any, archived: set[str]) -> list[Record]:
    """Chunks the old index can still return that have no archived copy (older ingests)."""
    try:
        got = kb.collection("research").get(include=["documents", "metadatas"])
    except Exception:  # noqa: BLE001 - a damaged index may refuse to read; the archive is enough
        return []
    by_map: dict[str, Record] = {}
    for pid, text, meta in zip(
        got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False
    ):
        if pid in archived or text is None:
            continue
        meta = dict(meta or {})
        scope = str(meta.get("map") or "")
        record = by_map.setdefault(scope, Record("salvaged", scope or None, [], [], []))
        record.ids.append(pid)
        record.texts.append(text)
        record.metadatas.append(meta)
    return list(by_map.values())


def rebuild(kb: Any, limits: Limits | None = None) -> RebuildReport:
    """Drop the research collection and store every archived chunk again.

    Chunks only the old index still holds are read back first and archived, so a rebuild
    never loses research that an older version ingested without an archive copy."""
    limits = limits or Limits()
    home = kb.settings.home
    report = RebuildReport()
    saved = list(records(home, report.problems))
    archived = {pid for record in saved for pid in record.ids}
    for record in _salvage(kb, archived):
        report.salvaged += len(record.ids)
        save(home, record)
        saved.append(record)
    kb.research.drop_collection()
    for record in saved:
        metas = [trim_metadata(m, limits) for m in record.metadatas]
        for start in range(0, len(record.ids), 500):
            end = start + 500
            kb.add_chunks(
                record.ids[start:end], record.texts[start:end], metas[start:end], record.map_name
            )
        report.files += 1
        report.chunks += len(record.ids)
    return report
