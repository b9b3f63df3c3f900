"""Retrieval benchmark: recall@1/3/5, MRR and latency per method and language, build times.

Run from the repository root:

    .venv/bin/python -m evals.retrieval.bench            # or: python evals/retrieval/bench.py
    .venv/bin/python -m evals.retrieval.bench --rows 1000  # also time ingest of N review rows

A query counts as found at k when any of its relevant cards is in the top k; MRR uses the
rank of the first relevant card. Each query runs with its language as the preferred one
(cards in that language and in English), as the product's searches do with the session's.
Everything runs in a temporary JOURNEY_HOME; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `python evals/retrieval/bench.py` runs without the package path
    sys.path.insert(0, str(ROOT))

from assistant.language import LANGUAGES  # noqa: E402
from assistant.retrieval import KnowledgeBase  # noqa: E402
from assistant.retrieval.lexical import LexicalIndex  # noqa: E402
from assistant.settings import Settings  # noqa: E402

QUERIES = Path(__file__).with_name("queries.yaml")
METHODS = ("bm25", "dense", "hybrid")


def load_queries(path: Path = QUERIES) -> list[dict]:
    """The labelled queries: dicts with query, language and relevant card ids."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


def evaluate(kb: KnowledgeBase, queries: list[dict], method: str) -> dict[str, float]:
    """recall@1/3/5, MRR and latency percentiles (ms) of one method over the queries."""
    ranks: list[int | None] = []
    latencies: list[float] = []
    misses: list[str] = []
    for item in queries:
        start = time.perf_counter()
        hits = kb.search(item["query"], k=10, method=method, prefer_language=item["language"])
        latencies.append((time.perf_counter() - start) * 1000)
        found = [h.id.removeprefix("card:") for h in hits]
        rank = next((n for n, cid in enumerate(found, 1) if cid in item["relevant"]), None)
        ranks.append(rank)
        if rank is None or rank > 3:
            misses.append(f"{item['query']!r}: wanted {item['relevant']}, got {found[:3]}")
    n = len(queries)
    latencies.sort()
    return {
        "n": n,
        "r@1": sum(1 for r in ranks if r and r <= 1) / n,
        "r@3": sum(1 for r in ranks if r and r <= 3) / n,
        "r@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "p50": statistics.median(latencies),
        "p95": latencies[min(n - 1, int(round(0.95 * (n - 1))))],
        "misses": misses,  # type: ignore[dict-item]
    }


def bench_ingest(settings: Settings, rows: int) -> float:
    """Seconds to ingest a CSV of `rows` synthetic reviews (embedding and storing included)."""
    from assistant.ingest import ingest_paths

    topics = [
        "onboarding took too long",
        "support answered quickly",
        "pricing page confusing",
        "the mobile app crashes at checkout",
        "delivery was on time",
        "invoice had errors",
    ]
    path = settings.home / "reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "rating", "review"])
        for i in range(rows):
            writer.writerow(
                [
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    1 + i % 5,
                    f"Review {i}: {topics[i % len(topics)]}, order number {i * 7}. "
                    f"I would {'not ' if i % 3 else ''}recommend it to a colleague.",
                ]
            )
    kb = KnowledgeBase(settings)
    start = time.perf_counter()
    report = ingest_paths(kb, [path], map_name="bench")
    elapsed = time.perf_counter() - start
    assert report.ok and report.added == rows, report.failed
    return elapsed


def main(argv: list[str] | None = None) -> None:
    """Print the figures for every method and language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=1000, help="review rows for the ingest benchmark (0 to skip)"
    )
    args = parser.parse_args(argv)
    queries = load_queries()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings().model_copy(
            update={"home": Path(home), "chroma_url": None, "embeddings": "minilm"}
        )
        kb = KnowledgeBase(settings)
        start = time.perf_counter()
        report = kb.ensure_index()
        dense_build = time.perf_counter() - start
        passages = kb._passages  # the same passages the dense index holds
        start = time.perf_counter()
        LexicalIndex(list(passages), [text for _, text in passages.values()])
        bm25_build = time.perf_counter() - start
        kb.search("warm up", method="hybrid")  # model load is not query latency

        print(f"Cards: {len(kb.cards())}, passages: {len(passages)}, queries: {len(queries)}")
        print(
            f"Index build: dense {dense_build:.1f} s ({report.embedded} cards embedded), "
            f"bm25 {bm25_build * 1000:.0f} ms; hybrid = both"
        )
        header = (
            f"{'method':<8}{'lang':<6}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'MRR':>7}"
            f"{'p50 ms':>9}{'p95 ms':>9}"
        )
        print(header)
        print("-" * len(header))
        for method in METHODS:
            for language in LANGUAGES:
                subset = [q for q in queries if q["language"] == language]
                if not subset:
                    continue
                m = evaluate(kb, subset, method)
                print(
                    f"{method:<8}{language:<6}{m['n']:>4}{m['r@1']:>7.2f}{m['r@3']:>7.2f}"
                    f"{m['r@5']:>7.2f}{m['mrr']:>7.2f}{m['p50']:>9.1f}{m['p95']:>9.1f}"
                )
        print(f"Default method (JOURNEY_RETRIEVAL): {settings.retrieval}")
        english = [q for q in queries if q["language"] == "en"]
        for miss in evaluate(kb, english, settings.retrieval)["misses"]:  # type: ignore[union-attr]
            print(f"  not in the top 3 ({settings.retrieval}, en): {miss}")
        if args.rows:
            seconds = bench_ingest(settings, args.rows)
            print(
                f"Ingest of {args.rows} review rows: {seconds:.1f} s "
                f"({args.rows / seconds:.0f} rows/s)"
            )


if __name__ == "__main__":
    main()
