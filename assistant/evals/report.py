"""The eval report as Markdown: the summary, one row per scenario, then what each missed."""

from __future__ import annotations

from assistant.evals.results import EvalRun, ScenarioResult


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    """Table cells hold user text: keep pipes and new lines from breaking the table."""
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(run: EvalRun, *, details: int = 5) -> str:
    """A Markdown report of one eval run (`details` examples of misses per scenario)."""
    s = run.summary
    lines = [
        "# Journey assistant evals",
        "",
        f"Engine `{s.model}`, simulated user `{s.user}`, fuzzy matching with {s.fuzzy}. "
        f"{s.ran} of {s.scenarios} scenarios ran.",
        "",
        "## Overall",
        "",
        "| metric | value |",
        "|---|---|",
        f"| field recall (mean) | {pct(s.recall)} |",
        f"| core recall (mean; the fields a complete map needs) | {pct(s.core_recall)} |",
        f"| user messages to a complete map (mean / max) | {num(s.core_turns, 1)} / "
        f"{s.core_turns_max if s.core_turns_max is not None else 'n/a'} |",
        f"| garbage items (not at their place in the brief; total, share) | {s.garbage} "
        f"({pct(s.garbage_share)}) |",
        f"| clean items (whole text close to the brief's) | {pct(s.clean_share)} |",
        f"| detail accuracy (department, score, severity, risk) | {pct(s.detail_accuracy)} |",
        f"| invented facts (total, share of user facts) | {s.invented} ({pct(s.invented_share)}) |",
        f"| completed interviews | {pct(s.completed_share)} |",
        f"| user turns (mean) | {num(s.user_turns, 1)} |",
        f"| turns per required slot (mean) | {num(s.turns_per_slot)} |",
        f"| redundant questions / re-asked / gave up | {s.redundant_questions} / {s.reasked} / {s.stuck} |",
        f"| off-topic remarks recorded as answers | {s.asides_recorded} |",
        f"| content ideas per pain point (mean) | {num(s.ideas_per_pain)} |",
        f"| ideas linked to an existing pain point | {pct(s.ideas_linked_share)} |",
        f"| replies with citations | {pct(s.cited_share)} |",
        f"| errors | {s.errors} |",
        f"| latency per turn (mean) | {num(s.latency_ms_mean, 1)} ms |",
        f"| tokens per turn | {num(s.tokens_per_turn, 0)} |",
        "",
        "## Per scenario",
        "",
        "| scenario | lang | style | status | recall | invented | turns | turns/slot "
        "| redundant | ideas/pain | cited | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(r) for r in run.results]
    lines += ["", "## Details", ""]
    for result in run.results:
        lines += _details(result, details)
    return "\n".join(lines).rstrip() + "\n"


def _row(r: ScenarioResult) -> str:
    m = r.metrics
    if m is None:
        return f"| {r.id} | {r.language} | {r.style} | {r.status}: {_cell(r.reason)} |" + (" |" * 8)
    return (
        f"| {r.id} | {r.language} | {r.style} | {r.status} | {pct(m.recall)} "
        f"| {m.invented}/{m.user_facts} | {m.user_turns} | {num(m.turns_per_slot)} "
        f"| {m.redundant_questions} | {num(m.ideas_per_pain)} | {pct(m.cited_share)} "
        f"| {m.errors} |"
    )


def _details(r: ScenarioResult, limit: int) -> list[str]:
    out = [f"### {r.id}", ""]
    if r.metrics is None:
        return [*out, f"{r.status}: {_cell(r.reason)}", ""]
    weak = {k: v for k, v in r.metrics.recall_by_part.items() if v < 1}
    if weak:
        out.append("Recall below 100%: " + ", ".join(f"{k} {pct(v)}" for k, v in weak.items()))
    for title, items in (
        ("Missed", r.missed),
        ("Invented", r.invented_items),
        ("Garbage", r.garbage_items),
        ("Errors", r.error_samples),
    ):
        if items:
            shown = "; ".join(f"`{_cell(i)[:120]}`" for i in items[:limit])
            more = f" (and {len(items) - limit} more)" if len(items) > limit else ""
            out.append(f"{title}: {shown}{more}")
    if len(out) == 2:
        out.append("Nothing missed, invented or failed.")
    return [*out, ""]
