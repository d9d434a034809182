"""`check --fix`: the codemods, applied to what the check found.

The fix is `migrate --no-compat` over the configured stages with two
differences: generated compat code is left exactly as it is (it names the
old terms on purpose), and the whole project is planned even when only a
few files were named — pre-commit names only the changed files, and
renaming a definition without its uses elsewhere would break the code. So a
fix renames each flagged name everywhere, the way `migrate` would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import engine, markers, planning, proof, rewrite, workspace
from .config import Config


@dataclass
class FixOutcome:
    """What `check --fix` rewrote and moved, and what it could not."""

    changed: list[str] = field(default_factory=list)  # relative paths rewritten
    moved: list[tuple[str, str]] = field(default_factory=list)
    edits: int = 0
    failures: list[workspace.Problem] = field(default_factory=list)
    renames: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)  # path -> (old, new) -> times
    refusals: list[planning.Refusal] = field(default_factory=list)  # names kept everywhere, and why


def fix(root: Path, config: Config, progress=None, *, workers: int = 1, cache=None) -> FixOutcome:
    analysis = engine.analyze(root, [root], config, progress=progress, workers=workers, cache=cache)
    kept = proof.proven_keep(analysis, config, config.stages, workers=workers)
    the_plan = planning.plan(analysis, config.stages, keep=kept)
    _leave_compat_alone(analysis, the_plan)
    outcome = rewrite.apply(analysis, the_plan, write=True, workers=workers)
    result = FixOutcome(failures=list(outcome.failures), refusals=list(the_plan.refusals))
    if not outcome.failures:
        result.changed = sorted(outcome.changed)
        result.moved = list(outcome.moved)
        result.edits = sum(len(sites) for sites in the_plan.edits.values())
        for path, sites in sorted(the_plan.edits.items()):
            counts = result.renames.setdefault(path, {})
            for site in sites:
                counts[(site.old, site.new)] = counts.get((site.old, site.new), 0) + 1
    return result


REFUSALS_SHOWN = 10


def refused(outcome: FixOutcome) -> list[str]:
    """Why the names a fix left alone are kept: the check after it still finds them, and a plain
    check, which reads no text file but Python, may call them fixable."""
    refusals = sorted(outcome.refusals, key=lambda refusal: (refusal.path, refusal.line, refusal.column, refusal.old))
    if not refusals:
        return []
    lines = [f"termshift check --fix: {len(refusals)} name{'s' if len(refusals) != 1 else ''} kept everywhere"]
    lines += [f"  {refusal.path}:{refusal.line}:{refusal.column + 1}: {refusal.reason}"
              for refusal in refusals[:REFUSALS_SHOWN]]
    if len(refusals) > REFUSALS_SHOWN:
        lines.append(f"  … and {len(refusals) - REFUSALS_SHOWN} more (`termshift migrate --diff` lists them all)")
    return lines


def shown(outcome: FixOutcome) -> list[str]:
    """`--show-fixes`: what changed, a line per file (renames in order of first appearance, with
    how often), then each module moved."""
    lines = []
    for path, counts in outcome.renames.items():
        parts = [f"{old} -> {new}" + (f" ({times}x)" if times > 1 else "") for (old, new), times in counts.items()]
        lines.append(f"  fixed {path}: {', '.join(parts)}")
    lines += [f"  moved {old} -> {new}" for old, new in outcome.moved]
    return lines


def _leave_compat_alone(analysis: engine.Analysis, the_plan: planning.Plan) -> None:
    shims: set[str] = set()
    for path in list(the_plan.edits):
        source = analysis.sources.get(path)
        pieces = markers.scan(source.text) if source is not None else []
        if not pieces:
            continue
        if any(piece.kind == "module" for piece in pieces):
            shims.add(path)
        kept = [site for site in the_plan.edits[path] if markers.covering(pieces, site.line) is None]
        if kept:
            the_plan.edits[path] = kept
        else:
            del the_plan.edits[path]
    # A shim module keeps the old import path alive: it must not be moved to the new one.
    the_plan.moves = [(old, new) for old, new in the_plan.moves if old not in shims]
