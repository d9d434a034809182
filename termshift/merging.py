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

A large project's reports are hundreds of megabytes, several times that as
parsed values. So each report is parsed once, to check it and to learn where
each file's findings are, and let go; the merged report is then written from
the reports' own text, a file's findings at a time. That text is as `check`
wrote it (ASCII, one layout per format), and each report is checked to be so.

The reports must be one run's: the same number of shards, each shard once,
none missing, the same termshift, the same files and options (a digest of
them that every shard computes alike). Anything else is refused, naming the
reports, rather than merged into a report no run would have written.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .formats import SHARD_KEY

# How each format lays out its findings (as check writes it): the text before each finding, and
# after the last. A string never holds a line break, so these are found nowhere else.
_OPEN = {"json": b'{"findings": [\n  ', "sarif": b'"results": [\n        ', "gitlab": b"[\n  "}
_BEFORE = {"json": b"\n  {", "sarif": b"\n        {", "gitlab": b"\n  {"}
_SEPARATOR = {"json": b",\n  ", "sarif": b",\n        ", "gitlab": b",\n  "}
_CLOSE = {"json": b"\n]", "sarif": b"\n      ]", "gitlab": b"\n]"}


class MergeError(Exception):
    """Reports that can't be merged: the message names them and says why (exit 2)."""


@dataclass(repr=False, eq=False)
class Part:
    """One shard's report: what was learnt parsing it, and where each of its files' findings are."""

    name: str  # as given on the command line
    path: Path
    format: str
    facts: dict
    index: int = 0
    count: int = 0
    summary: dict = field(default_factory=dict)  # json: the shard's summary
    frame: Any = None  # sarif: the log without its results (and without the shard's facts)
    spans: list[tuple[int, int]] = field(default_factory=list)  # each file's findings: (start, end) in the bytes
    findings: int = 0


@dataclass(repr=False, eq=False)
class Merged:
    """The shards' reports, checked to be one run's and put in order: `write` writes the merged report."""

    parts: list[Part]
    order: list[tuple[Part, tuple[int, int]]]  # each file's findings, in the unsharded report's order
    format: str
    count: int  # shards
    findings: int
    failing: int
    codes: Counter = field(default_factory=Counter)  # json: the summary's counts
    severities: Counter = field(default_factory=Counter)
    fixable: int = 0

    def write(self, out: TextIO) -> None:
        if self.format == "json":
            out.write('{"findings": [\n  ' if self.order else '{"findings": [],\n')
        elif self.format == "sarif":
            from .formats import indented

            frame = self.parts[0].frame
            frame["runs"][0]["results"] = indented.PLACEHOLDER
            head, tail = indented.render(frame).split(json.dumps(indented.PLACEHOLDER), 1)
            out.write(head + ("[\n        " if self.order else "[]"))
        else:
            out.write("[\n  " if self.order else "[]")
        separator = _SEPARATOR[self.format].decode("ascii")
        streams = {part.name: open(part.path, "rb") for part in self.parts}
        try:
            for number, (part, (start, end)) in enumerate(self.order):
                stream = streams[part.name]
                stream.seek(start)
                out.write((separator if number else "") + stream.read(end - start).decode("ascii"))
        finally:
            for stream in streams.values():
                stream.close()
        if self.format == "json":
            if self.order:
                out.write("\n],\n")
            out.write(' "summary": ' + json.dumps(self._summary()) + "}\n")
        elif self.format == "sarif":
            out.write(("\n      ]" if self.order else "") + tail + "\n")
        else:
            out.write(("\n]" if self.order else "") + "\n")

    def _summary(self) -> dict:
        from .formats.jsonfmt import summary

        summaries = [part.summary for part in self.parts]
        stale = sorted((position, entry) for part in self.parts
                       for position, entry in zip(part.facts.get("stale", []), part.summary["stale_baseline"]))
        return summary(files=sum(shown["files"] for shown in summaries), codes=self.codes, severities=self.severities,
                       fixable=self.fixable, failing=self.failing, fail_on=summaries[0]["fail_on"],
                       fixed=sum(shown["fixed"] for shown in summaries),
                       suppressed=sum(shown["suppressed"] for shown in summaries),
                       baselined=sum(shown["baselined"] for shown in summaries),
                       stale=[entry for _, entry in stale])


def merge(paths: list[Path], format: str | None = None) -> Merged:
    """The reports at `paths`, merged; `format` as asked, else as their content says. Nothing is
    written until every report is known to be one run's shard."""
    if not paths:
        raise MergeError("no reports to merge")
    counts: dict[str, Counter] = {"codes": Counter(), "severities": Counter()}
    fixable = [0]
    parts = [_part(str(path), path, format, counts, fixable) for path in paths]
    _one_run(parts)
    parts.sort(key=lambda part: part.index)
    keyed = sorted(((key, part, span) for part in parts for key, span in zip(part.facts["paths"], part.spans)),
                   key=lambda entry: entry[0])
    failing = sum(part.facts["failing"] for part in parts)
    return Merged(parts, [(part, span) for _, part, span in keyed], parts[0].format, parts[0].count,
                  sum(part.findings for part in parts), failing, counts["codes"], counts["severities"], fixable[0])


# -- reading a shard's report ----------------------------------------------------


def _part(name: str, path: Path, asked: str | None, counts: dict[str, Counter], fixable: list[int]) -> Part:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MergeError(f"{name}: no such report") from None
    except OSError as error:
        raise MergeError(f"{name}: can't read it: {error.strerror or error}") from None
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
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
        part = Part(name, path, found, facts, int(index), int(count))
        if facts["format"] != found or not isinstance(facts["paths"], list) or not isinstance(facts["failing"], int):
            raise ValueError
    except (KeyError, ValueError, TypeError):
        raise MergeError(f"{name}: its shard's facts ({SHARD_KEY}) are damaged") from None
    items = _findings(document, found)
    part.findings = len(items)
    if found == "json":
        part.summary = document["summary"]
        if not isinstance(part.summary, dict) or not isinstance(part.summary.get("stale_baseline"), list):
            raise MergeError(f"{name}: its summary is damaged: merge the reports as `check` wrote them")
        try:
            counts["codes"].update(item["code"] for item in items)
            counts["severities"].update(item["severity"] for item in items)
            fixable[0] += sum(1 for item in items if item["fixable"])
        except (KeyError, TypeError):
            raise MergeError(f"{name}: a finding is damaged: merge the reports as `check` wrote them") from None
    elif found == "sarif":
        run = document["runs"][0]
        run.pop("properties", None)
        run["results"] = []
        part.frame = document
    part.spans = _spans(part, data, _files(part, items))
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
    """The shard's facts, taken out of the document."""
    if format == "json":
        return document.pop(SHARD_KEY, None)
    if format == "sarif":
        runs = document["runs"]
        properties = runs[0].get("properties") if len(runs) == 1 and isinstance(runs[0], dict) else None
        return properties.get(SHARD_KEY) if isinstance(properties, dict) and len(properties) == 1 else None
    if document and isinstance(document[-1], dict) and list(document[-1]) == [SHARD_KEY]:
        return document.pop()[SHARD_KEY]
    return None


def _findings(document: Any, format: str) -> list:
    if format == "json":
        found = document["findings"]
    elif format == "sarif":
        found = document["runs"][0].get("results", [])
    else:
        found = document
    return found if isinstance(found, list) else []


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


def _files(part: Part, items: list) -> list[int]:
    """How many findings each file has, file by file in the report's order; as many files as its
    facts name."""
    sizes: list[int] = []
    last = object()
    for item in items:
        shown = _shown_path(part, item)
        if not sizes or shown != last:
            sizes.append(0)
            last = shown
        sizes[-1] += 1
    if len(sizes) != len(part.facts["paths"]):
        raise MergeError(f"{part.name}: its findings are in {len(sizes)} files, its shard's facts name "
                         f"{len(part.facts['paths'])}: the report was changed after `check` wrote it")
    return sizes


def _spans(part: Part, data: bytes, sizes: list[int]) -> list[tuple[int, int]]:
    """Where each file's findings are in the report's bytes: from its first finding's first byte
    to its last one's last."""
    changed = MergeError(f"{part.name}: not laid out as `check` writes it (reformatted, or not ASCII): "
                         f"merge the reports as `check` wrote them")
    if not sizes:
        return []
    if not data.isascii():
        raise changed
    opening, before, separator = _OPEN[part.format], _BEFORE[part.format], _SEPARATOR[part.format]
    position = data.find(opening)
    if position < 0:
        raise changed
    starts = [position + len(opening)]  # each finding's "{"
    close = data.find(_CLOSE[part.format], starts[0])  # the end of the array: nothing nested ends so
    if close < 0:
        raise changed
    while len(starts) <= sum(sizes):  # and where the text after the last one starts
        position = data.find(before, starts[-1], close)
        if position < 0:
            if len(starts) < sum(sizes):
                raise changed
            starts.append(close + len(separator))  # as if a separator stood there
            break
        start = position + len(before) - 1
        if data[start - len(separator):start] != separator:
            raise changed
        starts.append(start)
    spans, first = [], 0
    for size in sizes:
        spans.append((starts[first], starts[first + size] - len(separator)))
        first += size
    return spans


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
        fail_on = {part.summary.get("fail_on") for part in parts}
        if len(fail_on) > 1:
            raise MergeError(f"the reports fail on different severities ({', '.join(sorted(map(str, fail_on)))})")


def _same_tool(parts: list[Part]) -> None:
    """Every SARIF part describes the same run but for its results: its tool, rules and base folder."""
    first = json.dumps(parts[0].frame, sort_keys=True)
    for part in parts[1:]:
        if json.dumps(part.frame, sort_keys=True) != first:
            raise MergeError(f"{parts[0].name} and {part.name} describe different tools or folders: "
                             f"merge the reports of one run")
