"""The data plan: the key patterns and field names the code changes, and what is stored under them.

Read from the code by the analysis `migrate` runs (so the two never
disagree), or from the record a migration wrote (`migrate --report FILE`),
which is how a project that was migrated already is planned: its code no
longer spells the old keys.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .connect import DataError
from .patterns import KeyMap, KeyPattern, field_names, key_patterns


@dataclass
class DataPlan:
    patterns: list[KeyPattern]
    fields: dict[str, str]
    source: str  # where the plan was read from, for messages

    def keymap(self) -> KeyMap:
        return KeyMap(self.patterns)


NOTHING = ("no storage key in {source} changes: if the code was migrated already, plan from the "
           "migration's record (`termshift migrate --report FILE`, then `--report FILE`) or from a "
           "checkout of the old code (`--project DIR`)")


def from_code(project: Path, config_file: Path | None = None) -> DataPlan:
    from .. import config as config_module, engine, planning, wire
    from ..config import ConfigError

    try:
        root, config, _ = config_module.for_paths((project,), config_file)
    except ConfigError as error:
        raise DataError(str(error)) from None
    workers, cache = engine.run_options(root, None, False)
    analysis = engine.analyze(root, [root], config, workers=workers, cache=cache)
    the_plan = planning.plan(analysis, config.stages)
    changes = [asdict(change) for change in wire.changes(analysis, the_plan)]
    payload = analysis.index.payload_names()
    renamed_fields = [
        (site.old, site.new)
        for sites in the_plan.edits.values()
        for site in sites
        if site.kind in engine.FIELD_KINDS and site.kind != "payload-key" and site.old in payload
    ]
    return DataPlan(key_patterns(changes), field_names(changes, renamed_fields), str(root))


def from_report(path: Path) -> DataPlan:
    try:
        changes = json.loads(path.read_text(encoding="utf-8"))["wire_changes"]
        patterns = key_patterns(changes)
        fields = field_names(changes)
    except OSError as error:
        raise DataError(f"{path}: {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError):
        raise DataError(f"{path}: not a report written by `termshift migrate --report`") from None
    return DataPlan(patterns, fields, str(path))


# -- what is stored --------------------------------------------------------------


def describe(kind: bytes, value: bytes | None) -> str:
    """A value's kind as the plan shows it."""
    name = kind.decode()
    if name != "string":
        return {"zset": "sorted set"}.get(name, name)
    if value is None:
        return "string"
    text = value.strip()
    if text.lstrip(b"-").isdigit():
        return "counter"
    if text[:1] in (b"{", b"["):
        try:
            json.loads(text)
            return "JSON document"
        except ValueError:
            return "string (not JSON)"
    return "string"


def found_under(client: Any, pattern: KeyPattern, *, limit: int = 5) -> dict[str, int]:
    """The kinds of value a few keys matching `pattern` hold: {kind: how many of the sample}."""
    from .scan import sample

    keys = [pattern.old[0].encode()] if pattern.exact else sample(client, pattern.scan_glob(), limit=limit)
    if not keys:
        return {}
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    kinds = pipe.execute()
    pipe = client.pipeline(transaction=False)
    for key, kind in zip(keys, kinds):
        pipe.getrange(key, 0, 4095) if kind == b"string" else pipe.exists(key)
    values = pipe.execute()
    counts: dict[str, int] = {}
    for kind, value in zip(kinds, values):
        if kind == b"none":
            continue
        label = describe(kind, value if kind == b"string" else None)
        if label == "string (not JSON)" and len(value) == 4096:
            label = "JSON document"  # cut short at 4 KiB: too long to check here
        counts[label] = counts.get(label, 0) + 1
    return counts


def table(plan: DataPlan, found: list[dict[str, int]] | None) -> str:
    """The plan as text: one row per pattern, then the field names."""
    rows = [("old pattern", "new pattern", "found", "in the code")]
    for index, pattern in enumerate(plan.patterns):
        if found is None:
            seen = "(no server asked)"
        elif not found[index]:
            seen = "nothing stored"
        else:
            seen = ", ".join(f"{kind} ({count}{'+' if pattern.exact is False and count >= 5 else ''})"
                             if not pattern.exact else kind for kind, count in found[index].items())
        where = ", ".join(pattern.where[:2]) + (f" (+{len(pattern.where) - 2})" if len(pattern.where) > 2 else "")
        rows.append((pattern.old_glob, pattern.new_glob, seen, where))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines = [line.rstrip() for line in lines]
    if plan.fields:
        lines.append("")
        lines.append("field names in JSON documents and hashes:")
        lines += [f"  {old} -> {new}" for old, new in plan.fields.items()]
    lines.append("")
    lines.append("lists are moved item by item (queues: no item lost or doubled); everything else is copied")
    return "\n".join(lines) + "\n"
