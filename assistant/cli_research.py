"""`journey research rebuild`: repair a damaged research index from the archived chunks."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli_common import HomeOpt, console, fail
from assistant.settings import get_settings

research_app = typer.Typer(help="Maintain the workspace's research index.", no_args_is_help=True)


@research_app.command("rebuild")
def research_rebuild(home: Path | None = HomeOpt) -> None:
    """Drop the research index and store every ingested file's chunks again (no re-reading).

    Use it when `journey search --research` or an ingest says the research index failed."""
    from assistant.research_archive import rebuild
    from assistant.retrieval import KnowledgeBase

    kb = KnowledgeBase(get_settings(home=home))
    try:
        report = rebuild(kb)
    except Exception as exc:  # noqa: BLE001 - Chroma's errors are many; the user needs one line
        fail(f"the rebuild failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}).")
        raise
    out = console()
    for problem in report.problems:
        out.print(f"Skipped an unreadable archive file: {problem}", markup=False)
    salvaged = f" ({report.salvaged} read back from the old index)" if report.salvaged else ""
    out.print(
        f"Rebuilt the research index: {report.chunks} chunks from {report.files} file(s)"
        f"{salvaged}.",
        markup=False,
    )
