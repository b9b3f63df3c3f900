"""Research ingests as background jobs, for the web app: off the request workers, one at a
time, with progress.

An upload is handed to `submit`, which returns a `Job` at once; one worker thread (started on
demand, ended when the queue is empty) ingests the jobs in order, so two uploads never parse
and embed side by side and a slow file holds no request worker. The page polls `Job.progress`.
The worker is not a daemon: the interpreter waits for it at exit, because tearing down
onnxruntime while it embeds aborts the process.
"""

from __future__ import annotations

import queue
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.ingest import FileResult, ingest_paths
from assistant.retrieval.readers import Limits


@dataclass
class Job:
    """One upload: its files, and what has happened to them so far."""

    kb: Any
    paths: list[Path]
    map_name: str | None
    limits: Limits | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    results: list[FileResult] = field(default_factory=list)
    error: str = ""
    """Set when the job itself failed (not one file): one line."""
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def total(self) -> int:
        return len(self.paths)

    @property
    def done(self) -> int:
        return len(self.results)

    def progress(self) -> tuple[int, int]:
        """(files done, files in the job)."""
        return self.done, self.total

    def record(self, done: int, total: int, result: FileResult) -> None:
        """`ingest_paths`' per-file callback: keep the result (progress is `done`)."""
        self.results.append(result)

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the job to finish; True once it has."""
        return self.finished.wait(seconds)


class IngestJobs:
    """A queue of ingest jobs served by one background thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(
        self,
        kb: Any,
        paths: list[Path],
        map_name: str | None = None,
        limits: Limits | None = None,
    ) -> Job:
        """Queue an ingest and return its job at once."""
        job = Job(kb, list(paths), map_name, limits)
        self._queue.put(job)
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="journey-ingest", daemon=False
                )
                self._worker.start()
        return job

    def _run(self) -> None:
        while True:
            with self._lock:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    self._worker = None
                    return
            try:
                ingest_paths(
                    job.kb,
                    job.paths,
                    map_name=job.map_name,
                    limits=job.limits,
                    on_file=job.record,
                )
            except Exception as exc:  # noqa: BLE001 - the page shows it; the worker goes on
                job.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            finally:
                job.finished.set()


JOBS = IngestJobs()
"""The process's ingest queue (the web app's uploads)."""
