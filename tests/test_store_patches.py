"""The undo patch (assistant/store/patches.py): applied to the map after a change, it gives
back the map before it, for every kind of change: fields set and cleared, items added,
removed, moved and edited, stages added, removed and reordered, keys that need escaping."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import jsonpatch
import pytest
from sample_map import sample_map

from assistant.store.patches import undo_patch


def _base() -> dict[str, Any]:
    return json.loads(sample_map().model_dump_json())


def _lists(doc: Any, found: list[list[Any]]) -> list[list[Any]]:
    if isinstance(doc, dict):
        for value in doc.values():
            _lists(value, found)
    elif isinstance(doc, list):
        found.append(doc)
        for value in doc:
            _lists(value, found)
    return found


def _dicts(doc: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(doc, dict):
        found.append(doc)
        for value in doc.values():
            _dicts(value, found)
    elif isinstance(doc, list):
        for value in doc:
            _dicts(value, found)
    return found


def _mutate(doc: dict[str, Any], rng: random.Random) -> None:
    """One random change somewhere in the map."""
    kind = rng.choice(["set", "drop", "new key", "insert", "remove", "move", "retype"])
    lists = [x for x in _lists(doc, []) if x]
    dicts = [d for d in _dicts(doc, []) if d]
    if kind in {"insert", "remove", "move"} and lists:
        items = rng.choice(lists)
        if kind == "insert":
            items.insert(rng.randrange(len(items) + 1), copy.deepcopy(rng.choice(items)))
        elif kind == "remove":
            items.pop(rng.randrange(len(items)))
        else:
            items.insert(rng.randrange(len(items)), items.pop(rng.randrange(len(items))))
        return
    target = rng.choice(dicts)
    key = rng.choice(sorted(target))
    if kind == "set":
        target[key] = f"changed {rng.random():.3f}"
    elif kind == "drop":
        del target[key]
    elif kind == "new key":
        target["a/b~c"] = {"x": [1, 2]}
    else:
        target[key] = [target[key]] if not isinstance(target[key], list) else None


@pytest.mark.parametrize("seed", range(40))
def test_the_undo_patch_turns_the_new_map_into_the_old(seed: int) -> None:
    rng = random.Random(seed)
    before = _base()
    after = copy.deepcopy(before)
    for _ in range(rng.randint(1, 4)):
        _mutate(after, rng)
    patch = undo_patch(after, before)
    assert jsonpatch.apply_patch(after, patch) == before
    assert jsonpatch.apply_patch(before, undo_patch(before, after)) == after


def test_an_unchanged_map_gives_an_empty_patch_and_a_field_change_a_small_one() -> None:
    before = _base()
    assert json.loads(undo_patch(before, copy.deepcopy(before))) == []
    after = copy.deepcopy(before)
    after["stages"][1]["name"] = "Renamed"
    ops = json.loads(undo_patch(after, before))
    assert ops == [
        {"op": "replace", "path": "/stages/1/name", "value": before["stages"][1]["name"]}
    ]


def test_a_list_that_became_an_object_is_replaced() -> None:
    after, before = {"a": [1, 2]}, {"a": {"0": 1}}
    assert jsonpatch.apply_patch(after, undo_patch(after, before)) == before
