"""A baseline: the findings a project already had when it adopted the gate.

`check --baseline FILE` reports only what is not in it, so a team can turn
the gate on before the migration is finished and still fail on every *new*
legacy term. Entries are matched by fingerprint — rule, path, flagged text,
enclosing scope and occurrence index, never a line number — so edits
elsewhere in a file don't churn it. Entries that no longer match anything
are reported as stale: the baseline is meant to shrink.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from .findings import Finding

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that can't be read or isn't one; the message names the file."""


@dataclass(frozen=True)
class Entry:
    """A finding accepted into the baseline, matched by fingerprint: its line may move, it stays known."""

    fingerprint: str
    code: str
    path: str
    text: str
    scope: str
    message: str = ""  # for people reading the file; never used for matching


def load(path: Path) -> list[Entry]:
    import json  # here: most runs have no baseline

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file (create one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a termshift baseline: {error}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a termshift baseline (expected version {FORMAT} with a findings list)")
    entries = []
    for index, item in enumerate(data["findings"]):
        try:
            entries.append(Entry(**{key: str(item[key]) for key in ("fingerprint", "code", "path", "text", "scope")},
                                 message=str(item.get("message", ""))))
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: findings[{index}] is not a baseline entry") from None
    return entries


def dump(findings: Iterable[Finding]) -> str:
    import json

    entries = [
        asdict(Entry(finding.fingerprint, finding.code, finding.path, finding.text, finding.scope, finding.message))
        for finding in sorted(findings, key=lambda finding: (finding.path, finding.code, finding.fingerprint))
    ]
    return json.dumps({"version": FORMAT, "tool": "termshift", "findings": entries}, indent=2) + "\n"


def write(path: Path, findings: Iterable[Finding]) -> int:
    text = dump(findings)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline: {error.strerror or error}") from None
    return text.count('"fingerprint"')


def split(findings: list[Finding], entries: list[Entry], paths_checked: set[str] | None = None
          ) -> tuple[list[Finding], list[Finding], list[Entry]]:
    """(new findings, baselined findings, stale entries).

    Only entries for the files this run checked can be stale: checking a
    few files (as pre-commit does) says nothing about the others.
    """
    from .findings import PackedFindings

    known = {entry.fingerprint: entry for entry in entries}
    fresh: list[Finding] | PackedFindings = PackedFindings() if isinstance(findings, PackedFindings) else []
    old, matched = [], set()
    for finding in findings:
        if finding.fingerprint in known:
            old.append(finding)
            matched.add(finding.fingerprint)
        else:
            fresh.append(finding)
    stale = [
        entry for entry in entries
        if entry.fingerprint not in matched and (paths_checked is None or entry.path in paths_checked)
    ]
    return fresh, old, stale
