"""Evals with simulated users: how well an engine guides a team from a hidden brief to a map.

scenario.py (the brief format) -> users.py (scripted and LLM-played users, phrasing.py for the
engine's answer grammar, wording.py to read free-worded questions) -> runner.py (one tmp
workspace per scenario) -> metrics.py / results.py (figures, thresholds) -> report.py
(Markdown) and command.py (`journey eval`).
"""
