"""Server mode: the KnowledgeBase against a real `chroma run` process on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.retrieval import KnowledgeBase
from assistant.settings import Settings

pytestmark = pytest.mark.server

CARD = """---
id: {id}
title: {title}
topics: [test]
stages: [all]
language: en
fields: []
format: null
fits_stages: []
---
{body}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--path",
            str(tmp_path / "server-data"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "chroma run did not start: " + (tmp_path / "chroma.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_knowledge_base_over_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    for card_id, body in {
        "touchpoints": "A touchpoint is where the customer meets the brand: website, sales call.",
        "pain-points": "Pain points are frustrations: slow delivery, hidden fees.",
    }.items():
        (cards / f"{card_id}.md").write_text(CARD.format(id=card_id, title=card_id, body=body))
    settings = Settings().model_copy(
        update={"home": tmp_path / "home", "chroma_url": chroma_url, "embeddings": "minilm"}
    )
    first = KnowledgeBase(settings, cards_dir=cards)
    assert first.ensure_index().embedded == 2
    assert first.search("where does the customer meet us", k=1)[0].id == "card:touchpoints"

    # A second client reuses the card index of the shared cache: nothing is embedded again.
    second = KnowledgeBase(settings, cards_dir=cards)
    assert second.ensure_index().embedded == 0
    assert (
        second.search("hidden fees annoy buyers", k=1, method="dense")[0].id == "card:pain-points"
    )
    assert not (tmp_path / "home" / "chroma").exists(), "server mode must not write a local index"

    chunk_id = "doc:abc123:0"
    assert (
        second.add_chunks(
            [chunk_id],
            ["Onboarding took two weeks, awful."],
            [{"file": "r.csv"}],
            map_id="map-acme",
        )
        == 1
    )
    assert second.existing_ids([chunk_id, "doc:zzz:0"]) == {chunk_id}
    hits = second.search("slow onboarding", kind="document", map_id="map-acme")
    assert [h.id for h in hits] == [chunk_id]
