"""`termshift merge-reports`: the reports of `check --shard 1/N … N/N` as the one report of an unsharded run.

Each shard reports the findings of its own files (shards.py), and all of a
file's findings are in one shard, so the merged report is the shards' files
put back in the order the unsharded report sorts them in: each shard's report
lists the project-relative paths of its files in its own order, whatever
paths its format shows (from the current folder, from the repository). The
summary is recounted from the findings, or summed where only the shards knew
(files checked, suppressed, baselined, failing); stale baseline entries go
back in the baseline's order. The result is the unsharded report, byte for
byte, without the shards' own facts.

The reports must be one run's: the same number of shards, each shard once,
none missing, the same termshift, the same files and options (a digest of
them that every shard computes alike). Anything else is refused, naming the
reports, rather than merged into a report no run would have written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .formats import SHARD_KEY, sarif


class MergeError(Exception):
    """Reports that can't be merged: the message names them and says why (exit 2)."""


@dataclass(repr=False, eq=False)
class Part:
    """One shard's report: its document, its format and its shard's facts."""

    name: str  # as given on the command line
    format: str
    document: Any
    facts: dict
    index: int = 0
    count: int = 0


@dataclass(repr=False, eq=False)
class Merged:
    """The shards' reports, checked to be one run's and put in order: `write` writes the merged report."""

    parts: list[Part]
    items: list  # the findings, in the unsharded report's order
    format: str
    count: int  # shards
    failing: int

    @property
    def findings(self) -> int:
        return len(self.items)

    def write(self, out: TextIO) -> None:
        from .formats import indented

        first = self.parts[0]
        if self.format == "json":
            _write_json(out, self.parts, self.items, self.failing)
        elif self.format == "sarif":
            frame = first.document
            run = frame["runs"][0]
            run.pop("properties", None)
            run["results"] = indented.PLACEHOLDER
            indented.write_with_array(out, frame, self.items, sarif.RESULTS_DEPTH)
            out.write("\n")
        else:
            indented.write_array(out, self.items)
            out.write("\n")


def merge(named: list[tuple[str, str]], format: str | None = None) -> Merged:
    """The reports given as (name, text) pairs, merged; `format` as asked, else as their content says.
    Nothing is written until every report is known to be one run's shard."""
    if not named:
        raise MergeError("no reports to merge")
    parts = [_part(name, text, format) for name, text in named]
    _one_run(parts)
    parts.sort(key=lambda part: part.index)
    groups = sorted(((key, group) for part in parts for key, group in zip(part.facts["paths"], _groups(part))),
                    key=lambda pair: pair[0])
    items = [item for _, group in groups for item in group]
    failing = sum(part.facts["failing"] for part in parts)
    return Merged(parts, items, parts[0].format, parts[0].count, failing)


# -- reading a shard's report ----------------------------------------------------


def _part(name: str, text: str, asked: str | None) -> Part:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise MergeError(f"{name}: not a JSON report ({error})") from None
    found = _format_of(document)
    if found is None:
        raise MergeError(f"{name}: not a termshift json, sarif or gitlab report")
    if asked is not None and found != asked:
        raise MergeError(f"{name}: a {found} report, not {asked} (--format {asked})")
    facts = _facts(document, found)
    if not isinstance(facts, dict) or facts.get("tool") != "termshift":
        raise MergeError(f"{name}: a {found} report of one whole run, not of a shard: only the reports of "
                         f"`termshift check --shard K/N` are merged")
    try:
        index, _, count = str(facts["shard"]).partition("/")
        part = Part(name, found, document, facts, int(index), int(count))
        if facts["format"] != found or not isinstance(facts["paths"], list) or not isinstance(facts["failing"], int):
            raise ValueError
    except (KeyError, ValueError, TypeError):
        raise MergeError(f"{name}: its shard's facts ({SHARD_KEY}) are damaged") from None
    return part


def _format_of(document: Any) -> str | None:
    if isinstance(document, list):
        return "gitlab"
    if isinstance(document, dict):
        if "findings" in document and "summary" in document:
            return "json"
        if isinstance(document.get("runs"), list) and "version" in document:
            return "sarif"
    return None


def _facts(document: Any, format: str) -> Any:
    """The shard's facts, taken out of the document, which is left as the unsharded run writes it."""
    if format == "json":
        return document.pop(SHARD_KEY, None)
    if format == "sarif":
        runs = document["runs"]
        properties = runs[0].get("properties") if len(runs) == 1 and isinstance(runs[0], dict) else None
        return properties.get(SHARD_KEY) if isinstance(properties, dict) and len(properties) == 1 else None
    if document and isinstance(document[-1], dict) and list(document[-1]) == [SHARD_KEY]:
        return document.pop()[SHARD_KEY]
    return None


def _findings(part: Part) -> list:
    if part.format == "json":
        return part.document["findings"]
    if part.format == "sarif":
        return part.document["runs"][0].get("results", [])
    return part.document


def _shown_path(part: Part, item: Any) -> Any:
    """The path a finding is shown at in its format (one per file, whatever it is relative to)."""
    try:
        if part.format == "json":
            return item["path"]
        if part.format == "sarif":
            return item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        return item["location"]["path"]
    except (KeyError, IndexError, TypeError):
        raise MergeError(f"{part.name}: a finding without a path: {json.dumps(item)[:200]}") from None


def _groups(part: Part) -> list[list]:
    """The report's findings, file by file, in its order; as many files as its facts name."""
    groups: list[list] = []
    last = object()
    for item in _findings(part):
        shown = _shown_path(part, item)
        if not groups or shown != last:
            groups.append([])
            last = shown
        groups[-1].append(item)
    if len(groups) != len(part.facts["paths"]):
        raise MergeError(f"{part.name}: its findings are in {len(groups)} files, its shard's facts name "
                         f"{len(part.facts['paths'])}: the report was changed after `check` wrote it")
    return groups


# -- one run, every shard once --------------------------------------------------


def _one_run(parts: list[Part]) -> None:
    first = parts[0]
    for part in parts[1:]:
        if part.format != first.format:
            raise MergeError(f"{first.name} is a {first.format} report and {part.name} a {part.format} one: "
                             f"merge the reports of one format at a time")
    counts = {part.count for part in parts}
    if len(counts) > 1:
        shown = ", ".join(f"{part.name} is shard {part.index}/{part.count}" for part in parts)
        raise MergeError(f"the reports come from different numbers of shards ({shown}): merge one run's reports")
    for part in parts[1:]:
        if part.facts.get("version") != first.facts.get("version"):
            raise MergeError(f"{first.name} was written by termshift {first.facts.get('version')} and {part.name} "
                             f"by {part.facts.get('version')}: run every shard with the same termshift")
        if part.facts.get("run") != first.facts.get("run"):
            raise MergeError(f"{first.name} and {part.name} are shards of different runs (other files, or other "
                             f"--select, --ignore or --baseline): merge the reports of one run")
    seen: dict[int, Part] = {}
    for part in parts:
        if part.index in seen:
            raise MergeError(f"{seen[part.index].name} and {part.name} are both shard {part.index}/{part.count}: "
                             f"give each shard's report once")
        seen[part.index] = part
    count = first.count
    missing = [str(index) for index in range(1, count + 1) if index not in seen]
    if missing:
        which = "shard" if len(missing) == 1 else "shards"
        raise MergeError(f"{which} {', '.join(missing)} of {count} missing: the merged report would lack the "
                         f"findings of {'its' if len(missing) == 1 else 'their'} files")
    if first.format == "sarif":
        _same_tool(parts)
    elif first.format == "json":
        fail_on = {part.document["summary"].get("fail_on") for part in parts}
        if len(fail_on) > 1:
            raise MergeError(f"the reports fail on different severities ({', '.join(sorted(map(str, fail_on)))})")


def _same_tool(parts: list[Part]) -> None:
    """Every SARIF part describes the same run but for its results: its tool, rules and base folder."""
    def frame(part: Part) -> str:
        document = dict(part.document)
        run = {key: value for key, value in document["runs"][0].items() if key not in ("results", "properties")}
        document["runs"] = [run]
        return json.dumps(document, sort_keys=True)

    first = frame(parts[0])
    for part in parts[1:]:
        if frame(part) != first:
            raise MergeError(f"{parts[0].name} and {part.name} describe different tools or folders: "
                             f"merge the reports of one run")


# -- writing --------------------------------------------------------------------


def _write_json(out: TextIO, parts: list[Part], records: list[dict], failing: int) -> None:
    from .formats.jsonfmt import summary, write_document

    summaries = [part.document["summary"] for part in parts]
    stale = sorted((position, entry) for part, shown in zip(parts, summaries)
                   for position, entry in zip(part.facts.get("stale", []), shown.get("stale_baseline", [])))
    try:
        merged = summary(
            files=sum(shown["files"] for shown in summaries), codes=[record["code"] for record in records],
            severities=[record["severity"] for record in records],
            fixable=sum(1 for record in records if record["fixable"]), failing=failing,
            fail_on=summaries[0]["fail_on"], fixed=sum(shown["fixed"] for shown in summaries),
            suppressed=sum(shown["suppressed"] for shown in summaries),
            baselined=sum(shown["baselined"] for shown in summaries), stale=[entry for _, entry in stale])
    except (KeyError, TypeError):
        raise MergeError("a report's summary is damaged: merge the reports as `check` wrote them") from None
    write_document(out, records, bool(records), merged)


def read(paths: list[Path]) -> list[tuple[str, str]]:
    """The reports' texts, by the names they were given as."""
    named = []
    for path in paths:
        try:
            named.append((str(path), path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise MergeError(f"{path}: no such report") from None
        except (OSError, UnicodeDecodeError) as error:
            raise MergeError(f"{path}: can't read it: {getattr(error, 'strerror', None) or error}") from None
    return named

