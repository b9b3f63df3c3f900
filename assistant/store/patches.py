"""The undo patch of a change: an RFC 6902 JSON patch from the map after the change back to
the map before it (applied with `jsonpatch.apply_patch`).

`jsonpatch.make_patch` on two whole maps compared every list of the map member by member,
and was a quarter of a guided turn's time. A change touches a few fields, so the two maps are
walked together and only the parts that differ are diffed: an equal part costs one `==`, a
list whose length is unchanged is compared entry by entry, and only a list that grew or
shrank (a stage or item added, removed, moved) goes to `jsonpatch`, for the minimal
add/remove/move operations inside it."""

from __future__ import annotations

import json
from typing import Any

import jsonpatch


def undo_patch(after: Any, before: Any) -> str:
    """The JSON patch (as text) that turns `after` into `before`."""
    ops: list[dict[str, Any]] = []
    _diff(after, before, "", ops)
    return json.dumps(ops, ensure_ascii=False)


def _pointer(path: str, key: str | int) -> str:
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


def _diff(src: Any, dst: Any, path: str, ops: list[dict[str, Any]]) -> None:
    if src == dst:
        return
    if isinstance(src, dict) and isinstance(dst, dict):
        for key in src:
            if key not in dst:
                ops.append({"op": "remove", "path": _pointer(path, key)})
        for key, value in dst.items():
            if key not in src:
                ops.append({"op": "add", "path": _pointer(path, key), "value": value})
            else:
                _diff(src[key], value, _pointer(path, key), ops)
        return
    if isinstance(src, list) and isinstance(dst, list):
        if len(src) == len(dst):
            for index, (old, new) in enumerate(zip(src, dst, strict=True)):
                _diff(old, new, _pointer(path, index), ops)
            return
        for op in jsonpatch.make_patch(src, dst).patch:
            moved = dict(op, path=path + op["path"])
            if "from" in moved:
                moved["from"] = path + moved["from"]
            ops.append(moved)
        return
    ops.append({"op": "replace", "path": path, "value": dst})
