"""Retrieval benchmark: recall@1/3/5, MRR and latency per method and language, build times.

Run from the repository root:

    .venv/bin/python -m evals.retrieval.bench            # or: python evals/retrieval/bench.py
    .venv/bin/python -m evals.retrieval.bench --rows 1000  # also time ingest of N review rows

Query sets: queries.yaml (the project's own, 104 queries, used while choosing the method),
queries-unseen-dev.yaml and queries-unseen-test.yaml (an independent set written from the card
titles only; dev may guide general rules, test is held back and judges them).

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
from assistant.settings import Settings  # noqa: E402

HERE = Path(__file__).parent
QUERIES = HERE / "queries.yaml"
QUERY_SETS = {
    "own": QUERIES,
    "unseen-dev": HERE / "queries-unseen-dev.yaml",
    "unseen-test": HERE / "queries-unseen-test.yaml",
}
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
    report = ingest_paths(kb, [path], map_id="bench")
    elapsed = time.perf_counter() - start
    assert report.ok and report.added == rows, report.failed
    return elapsed


def main(argv: list[str] | None = None) -> None:
    """Print the figures for every query set, method and language, and the default's misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=1000, help="review rows for the ingest benchmark (0 to skip)"
    )
    parser.add_argument("--sets", nargs="*", default=list(QUERY_SETS), help="query sets to run")
    parser.add_argument(
        "--no-first-answer",
        dest="first_answer",
        action="store_false",
        help="skip timing a new workspace's first answer",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings().model_copy(
            update={
                "home": Path(home),
                "cache_dir": Path(home) / "cache",
                "chroma_url": None,
                "embeddings": "minilm",
            }
        )
        kb = KnowledgeBase(settings)
        start = time.perf_counter()
        report = kb.ensure_index()
        dense_build = time.perf_counter() - start
        tables = kb.index.lemma_tables(None)  # built with the embeddings, in parallel
        start = time.perf_counter()
        for languages in (frozenset({"en"}), frozenset({"pl", "en"}), frozenset({"it", "en"})):
            kb.index.lexical(languages)
        bm25_build = time.perf_counter() - start
        kb.search("warm up", method="hybrid", prefer_language="en")  # model load is not latency
        passages = kb.catalog.passages
        print(f"Cards: {len(kb.cards())}, passages: {len(passages)}")
        print(
            f"Index build (cold cache): {dense_build:.1f} s: embeddings ({report.embedded} cards) "
            f"and lemma tables ({sum(len(t) for t in tables.values())} forms) in parallel; "
            f"bm25 words + n-grams for 3 language sets {bm25_build * 1000:.0f} ms"
        )
        again = KnowledgeBase(settings.model_copy(update={"home": Path(home) / "second"}))
        start = time.perf_counter()
        again.index.ensure()
        print(
            f"Second workspace, same process: index ready in {(time.perf_counter() - start) * 1000:.1f} ms"
        )
        header = (
            f"{'set':<12}{'method':<8}{'lang':<6}{'n':>4}{'R@1':>7}{'R@3':>7}{'R@5':>7}{'MRR':>7}"
            f"{'p50 ms':>9}{'p95 ms':>9}"
        )
        print(header)
        print("-" * len(header))
        misses: list[str] = []
        for name in args.sets:
            queries = load_queries(QUERY_SETS[name])
            for method in METHODS:
                for language in LANGUAGES:
                    subset = [q for q in queries if q["language"] == language]
                    if not subset:
                        continue
                    m = evaluate(kb, subset, method)
                    print(
                        f"{name:<12}{method:<8}{language:<6}{m['n']:>4}{m['r@1']:>7.2f}"
                        f"{m['r@3']:>7.2f}{m['r@5']:>7.2f}{m['mrr']:>7.2f}{m['p50']:>9.1f}"
                        f"{m['p95']:>9.1f}"
                    )
                    if method == settings.retrieval:
                        misses += [f"{name}/{language}: {x}" for x in m["misses"]]  # type: ignore[union-attr]
        print(f"Default method (JOURNEY_RETRIEVAL): {settings.retrieval}; not in its top 3:")
        for miss in misses:
            print(f"  {miss}")
        if args.rows:
            seconds = bench_ingest(settings, args.rows)
            print(
                f"Ingest of {args.rows} review rows: {seconds:.1f} s "
                f"({args.rows / seconds:.0f} rows/s)"
            )
    if args.first_answer:
        from evals.retrieval import first_answer

        first_answer.main()


if __name__ == "__main__":
    main()
