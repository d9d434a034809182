"""Findings: what `check` reports, one record per flagged place.

Positions follow what editors and CI annotations expect: lines and columns
are 1-based, and the end column is the column just past the flagged text.
Paths are relative to the project root; each output format turns them into
what its reader expects (the current directory, the repository).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable, Iterator, Sequence

from . import spill
from .rule import SEVERITIES


class _Pinned:
    """A finding's fingerprint as its own project made it, when it is reported from another folder."""

    __slots__ = ("_pinned",)


@dataclass(slots=True)
class Finding(_Pinned):
    """One reported place, as editors and CI annotations count: 1-based lines and columns.

    Not frozen, though nothing changes one once made: a dense project has thousands of
    findings, and a frozen dataclass takes eight times as long to make (2.3 against 0.3 µs).
    Slotted, and its fingerprint made each time it is asked for rather than kept: a large
    project has hundreds of thousands of findings, all alive until the report is written.
    """

    path: str  # relative to the project root, with forward slashes
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    rule: str
    severity: str
    message: str
    fixable: bool = False
    text: str = ""  # the flagged text: part of the line-independent fingerprint
    scope: str = ""  # enclosing qualified name: part of the fingerprint too
    occurrence: int = 0  # how many findings before it have the same code, path, text and scope
    replacement: str | None = None  # what `--fix` puts in place of `text` here, when it can fix it

    @property
    def fingerprint(self) -> str:
        """Made when asked for (a baseline, JSON, SARIF): most runs never do, the others once or twice."""
        try:
            return self._pinned
        except AttributeError:
            return fingerprint(self.code, self.path, self.text, self.scope, self.occurrence)

    def pin_fingerprint(self, value: str) -> None:
        """Keep `value` as the fingerprint (the one the finding has in its own project)."""
        self._pinned = value

    def counted(self, occurrence: int) -> "Finding":
        """This finding as the `occurrence`-th of its kind: `replace`, spelled out, because a
        dense tree has thousands of findings and `replace` walks the fields for each."""
        return Finding(self.path, self.line, self.column, self.end_line, self.end_column, self.code, self.rule,
                       self.severity, self.message, self.fixable, self.text, self.scope, occurrence,
                       self.replacement)


_RANK = {severity: number for number, severity in enumerate(SEVERITIES)}


def fails(finding: Finding, severity: str) -> bool:
    """Whether the finding is at or above `severity`."""
    return _RANK[finding.severity] >= _RANK[severity]


def failing(findings: Iterable[Finding], severity: str) -> list[Finding]:
    """The findings at or above `severity`."""
    floor = _RANK[severity]
    return [finding for finding in findings if _RANK[finding.severity] >= floor]


def fingerprint(code: str, path: str, text: str, scope: str, occurrence: int) -> str:
    """A digest that survives unrelated edits: no line or column goes into it.

    Two identical texts in the same scope are told apart by their order of
    appearance, so adding a line above them changes nothing.
    """
    import hashlib

    data = "\0".join((code, path, text, scope, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


_ORDER = attrgetter("path", "line", "column", "code")  # the order findings are reported in


def fingerprinted(findings: Iterable[Finding], *, own: bool = False) -> list[Finding]:
    """The findings in order, each knowing its occurrence, which its fingerprint needs.
    `own`: the findings are the caller's alone, and are counted in place instead of copied
    (a dense tree's copies would double what its findings take)."""
    seen: dict[tuple[str, str, str, str], int] = {}
    out = sorted(findings, key=_ORDER)
    for number, finding in enumerate(out):
        key = (finding.code, finding.path, finding.text, finding.scope)
        occurrence = seen.get(key, 0)
        if finding.occurrence != occurrence:
            if own:
                finding.occurrence = occurrence
            else:
                out[number] = finding.counted(occurrence)
        seen[key] = occurrence + 1
    return out


class PackedFindings(Sequence[Finding]):
    """A large run's findings, kept packed a batch at a time (pickled, compressed) until the report
    reads them: a job-heavy monorepo has a finding for nearly every site, hundreds of thousands,
    and they would otherwise all be alive until the report is out (sitetable.py packs the sites
    for the same reason). Appended to in report order; read through, or by index and slice, each
    read making new Finding objects (so nothing may hold on to one by identity)."""

    BATCH = 512

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._batches: list[spill.Spilled | bytes] = []  # out of memory (spill.py)
        self._open: list[Finding] = []
        self._count = 0
        self.extend(findings)

    def append(self, finding: Finding) -> None:
        self._open.append(finding)
        self._count += 1
        if len(self._open) == self.BATCH:
            self._batches.append(spill.keep(_pack(self._open)))
            self._open = []

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.append(finding)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Finding]:
        for blob in self._batches:
            yield from _unpack(spill.load(blob))
        yield from self._open

    def _batch(self, number: int) -> list[Finding]:
        return _unpack(spill.load(self._batches[number])) if number < len(self._batches) else self._open

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                return list(self)[index]
            found: list[Finding] = []
            while start < stop:
                number, at = divmod(start, self.BATCH)
                batch = self._batch(number)[at:at + stop - start]
                found += batch
                start += len(batch)
            return found
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("finding index out of range")
        number, at = divmod(index, self.BATCH)
        return self._batch(number)[at]

    def __repr__(self) -> str:
        return f"PackedFindings({self._count} findings)"


_FIELDS = attrgetter("path", "line", "column", "end_line", "end_column", "code", "rule", "severity", "message",
                     "fixable", "text", "scope", "occurrence", "replacement")


def _pack(findings: list[Finding]) -> bytes:
    import pickle
    import zlib

    rows = [(*_FIELDS(finding), getattr(finding, "_pinned", None)) for finding in findings]
    return zlib.compress(pickle.dumps(rows, pickle.HIGHEST_PROTOCOL), 1)


def _unpack(blob: bytes) -> list[Finding]:
    import pickle
    import zlib

    found = []
    for row in pickle.loads(zlib.decompress(blob)):
        finding = Finding(*row[:-1])
        if row[-1] is not None:
            finding.pin_fingerprint(row[-1])
        found.append(finding)
    return found
