"""`journey ARGS` run in this process, as a subprocess would run it, minus the cold start.

A fresh interpreter pays about 2 s of imports per call; here the real entry point
(`assistant.cli.app`, with its own error handling) runs inside Typer's CliRunner isolation:
stdin, stdout, stderr and environment variables swapped for the call. An exception that
escapes the app is written to stderr as the traceback the interpreter would print, so a
check for "Traceback" catches it as it would in a subprocess. Keep real subprocesses for
what needs a process boundary (kill -9, a second process, the installed script).
"""

from __future__ import annotations

import subprocess
import sys
import traceback
from collections.abc import Mapping

from typer.testing import CliRunner


def journey(
    *args: str, stdin: str = "", env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Exit code, stdout and stderr of `journey ARGS` fed `stdin`, with `env` set meanwhile."""
    from assistant.cli import app

    code = 0
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _):
        try:
            app(args=list(args), prog_name="journey")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        except Exception:  # noqa: BLE001 - reported as the interpreter would report it
            code = 1
            sys.stderr.write(traceback.format_exc())
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", errors="replace")
        stderr = err.getvalue().decode("utf-8", errors="replace")
    return subprocess.CompletedProcess(list(args), code, stdout, stderr)
