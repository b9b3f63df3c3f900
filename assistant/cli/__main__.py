"""`python -m assistant.cli ...`: the same as `journey ...`."""

from assistant.cli import app

app()
