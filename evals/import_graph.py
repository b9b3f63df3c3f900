"""Import figures of the project's own modules: cycles and imports inside function bodies.

    python evals/import_graph.py          # the figures
    python evals/import_graph.py -v       # plus every cycle's members and every late import

Counts, over `assistant/`, `tools/` and `evals/`:
- imports of project modules inside function bodies ("late" imports; the issue counted 72),
- import cycles (strongly connected groups of modules), once with the imports Python runs at
  import time and once with every import (late and `TYPE_CHECKING` ones too: the dependency a
  late import hides is still a dependency).
`lint-imports` (pyproject.toml) is what keeps the layers; this script only measures.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "tools", "evals")


def module_names() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The most specific project module `name` points at (a.b.func -> a.b)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class Edge:
    def __init__(self, source: str, target: str, line: int, kind: str) -> None:
        self.source, self.target, self.line, self.kind = source, target, line, kind


def edges_of(module: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Edge] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            child_kind = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                child_kind = "late"
            elif isinstance(child, ast.If) and _is_type_checking(child) and kind == "top":
                child_kind = "typing"
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _resolve(alias.name, modules)
                    if target and target != module:
                        out.append(Edge(module, target, child.lineno, kind))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    target = _resolve(f"{base}.{alias.name}", modules)
                    if target and target != module:
                        out.append(Edge(module, target, child.lineno, kind))
            if child_kind == "typing" and isinstance(child, ast.If):
                for stmt in child.body:
                    visit(ast.Module(body=[stmt], type_ignores=[]), "typing")
                for stmt in child.orelse:
                    visit(ast.Module(body=[stmt], type_ignores=[]), kind)
            else:
                visit(child, child_kind)

    visit(tree, "top")
    return out


def cycles(nodes: list[str], graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups, key=lambda g: (-len(g), g))


def main(verbose: bool) -> None:
    modules = module_names()
    edges = [e for m, p in modules.items() for e in edges_of(m, p, modules)]
    late = [e for e in edges if e.kind == "late"]
    late_statements = sorted({(e.source, e.line) for e in late})
    runtime: dict[str, set[str]] = defaultdict(set)
    every: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        every[e.source].add(e.target)
        if e.kind == "top":
            runtime[e.source].add(e.target)
    names = sorted(modules)
    runtime_cycles = cycles(names, runtime)
    all_cycles = cycles(names, every)
    print(f"modules: {len(modules)}")
    print(f"import statements of project modules inside function bodies: {len(late_statements)}")
    print(
        f"import-time cycles: {len(runtime_cycles)} ({sum(len(g) for g in runtime_cycles)} modules)"
    )
    print(
        f"cycles counting late and TYPE_CHECKING imports: {len(all_cycles)} "
        f"({sum(len(g) for g in all_cycles)} modules)"
    )
    if verbose:
        for title, groups in (("import-time", runtime_cycles), ("all imports", all_cycles)):
            for group in groups:
                print(f"  {title} cycle ({len(group)}): {', '.join(group)}")
        targets: dict[tuple[str, int], set[str]] = defaultdict(set)
        for e in late:
            targets[(e.source, e.line)].add(e.target)
        for source, line in late_statements:
            where = modules[source].relative_to(ROOT)
            print(f"  late: {where}:{line} -> {', '.join(sorted(targets[(source, line)]))}")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
