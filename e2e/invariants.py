"""What a migration must leave alone, checked on the tree it left behind.

Slurm's environment variables and sbatch flags, Jenkins' REST paths: they are
other programs' vocabulary. A pattern must match exactly as often after the
migration as before; and where `termshift check` exists, it may report such a
line as a warning at most — never as an error the project can't fix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from corpus import Invariant

# Build output and caches are not the project's text.
_SKIPPED_DIRS = {".git", "__pycache__", ".termshift_cache", "build", "dist", ".pytest_cache"}


def _text_files(tree: Path):
    for folder, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.endswith(".egg-info"))
        for name in sorted(names):
            path = Path(folder) / name
            try:
                yield path, path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue


def occurrences(tree: Path, invariants: tuple[Invariant, ...]) -> dict[str, list[tuple[str, int]]]:
    """Every match of every invariant: (relative path, 1-based line), by invariant."""
    found: dict[str, list[tuple[str, int]]] = {invariant.what: [] for invariant in invariants}
    compiled = [(invariant.what, re.compile(invariant.pattern)) for invariant in invariants]
    for path, text in _text_files(tree):
        relative = path.relative_to(tree).as_posix()
        for what, pattern in compiled:
            for match in pattern.finditer(text):
                found[what].append((relative, text.count("\n", 0, match.start()) + 1))
    return found


def compare(before: dict, after: dict) -> list[str]:
    """A problem for every invariant that matches a different number of times than before."""
    problems = []
    for what, matches in before.items():
        was, now = len(matches), len(after.get(what, []))
        if was != now:
            problems.append(f"must not change: {what}: {was} occurrence(s) before, {now} after")
    return problems


def check_available() -> bool:
    result = subprocess.run([sys.executable, "-m", "termshift", "check", "--help"], capture_output=True, text=True)
    return result.returncode == 0


def check_severities(tree: Path, after: dict, log: Path, config: Path) -> list[str]:
    """`termshift check --format json` on the migrated tree: the invariants' lines are warnings at most."""
    result = subprocess.run([sys.executable, "-m", "termshift", "check", "--format", "json", "--config", str(config), "."],
                            cwd=tree, capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ termshift check --format json .  (exit {result.returncode})\n{result.stderr}")
    if result.returncode not in (0, 1):
        return [f"termshift check exited {result.returncode}: {result.stderr.strip()[-300:]}"]
    try:
        findings = json.loads(result.stdout)["findings"]
    except (ValueError, KeyError) as error:
        return [f"termshift check --format json printed no findings object ({error})"]
    protected = {(path, line) for matches in after.values() for path, line in matches}
    problems = []
    for finding in findings:
        path = Path(finding["path"]).as_posix()
        lines = range(finding["line"], finding.get("end_line", finding["line"]) + 1)
        if "(not fixable: " in finding.get("message", ""):
            continue  # a name migrate kept and reported: the error is the project's to decide, by design
        if finding.get("severity") == "error" and any((path, line) in protected for line in lines):
            problems.append(f"termshift check reports {path}:{finding['line']} as an error "
                            f"({finding.get('code')}: {finding.get('message')})")
    return problems
