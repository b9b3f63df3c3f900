"""The `journey` command line: thin Typer commands over the Python API, one module per group.

`app` is the entry point (`journey = "assistant.cli:app"`); `main.py` mounts the groups. Every
command follows one error convention (`errors.py`): `Error: <sentence>` on stderr, exit 1.
"""

from assistant.cli.main import app

__all__ = ["app"]
