"""Golden-file tests of `termshift migrate` on small project trees.

Each folder `tests/fixtures/golden/<case>/` holds:

- `input/`     a project tree (with its own `pyproject.toml`, so it is its own root);
- `expected/`  the tree as it must be after the run, byte for byte;
- `args`        optional: the arguments after `migrate`, one a line
                (default: `--stage types --stage services --no-compat`);
- `exit_code`   optional: the expected exit code (default 0);
- `stderr_contains` optional: lines that must each appear in stderr;
- `xfail`       optional: the reason the case is known to fail (strict xfail).

The input is copied to a temporary folder, the CLI runs there in-process, the
tree must then equal `expected/` (same files, same bytes, same executable bit;
`__pycache__` ignored), and a second run must change nothing.
"""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import termshift.cli

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
GOLDEN_TODAY = "2026-11-29"
DEFAULT_ARGS = ["--stage", "types", "--stage", "services", "--no-compat"]
# Not part of the project: bytecode, and termshift's own cache (excluded by default).
IGNORED = {"__pycache__", ".termshift_cache"}
MANIFEST = "_termshift_renames.py"  # a package's rename manifest: tested in test_manifest.py


def _cases() -> list:
    params = []
    for case in sorted(GOLDEN.iterdir()) if GOLDEN.is_dir() else ():
        if not ((case / "input").is_dir() and (case / "expected").is_dir()):
            continue
        marks = []
        if (case / "xfail").is_file():
            reason = (case / "xfail").read_text(encoding="utf-8").strip()
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case.name, id=case.name, marks=marks))
    return params


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _runner() -> CliRunner:
    """stderr apart from stdout: click < 8.2 needs mix_stderr=False; 8.2 dropped it (always apart)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def _snapshot(root: Path) -> dict[str, tuple[bytes, bool] | None]:
    """Every file (bytes, executable bit) and every folder (None) under root, by relative path."""
    tree: dict[str, tuple[bytes, bool] | None] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        here = Path(folder)
        if here != root:
            tree[here.relative_to(root).as_posix() + "/"] = None
        for name in sorted(names):
            if name == MANIFEST:  # the package's rename manifest: its own tests (test_manifest.py) read it
                continue
            path = here / name
            tree[path.relative_to(root).as_posix()] = (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
    return tree


def _differences(actual: dict, expected: dict) -> str:
    out = []
    for path in sorted(set(expected) - set(actual)):
        out.append(f"missing: {path}")
    for path in sorted(set(actual) - set(expected)):
        out.append(f"unexpected: {path}")
    for path in sorted(set(actual) & set(expected)):
        if actual[path] == expected[path]:
            continue
        (got, got_x), (want, want_x) = actual[path], expected[path]
        if got_x != want_x:
            out.append(f"mode differs: {path}: executable {got_x}, expected {want_x}")
        if got != want:
            diff = difflib.unified_diff(
                [repr(line) + "\n" for line in want.splitlines(keepends=True)],
                [repr(line) + "\n" for line in got.splitlines(keepends=True)],
                fromfile=f"expected/{path}", tofile=f"actual/{path}",
            )
            out.append("".join(diff))
    return "\n".join(out)


def _run(args: list[str]):
    result = _runner().invoke(termshift.cli.main, ["migrate", *args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"termshift raised:\n{trace}")
    return result


def _report(result) -> str:
    stderr = getattr(result, "stderr", "")
    return f"exit code {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{stderr}"


@pytest.mark.parametrize("case", _cases())
def test_golden(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = GOLDEN / case
    project = tmp_path / "project"
    shutil.copytree(folder / "input", project, ignore=shutil.ignore_patterns(*IGNORED))
    assert (project / "pyproject.toml").is_file(), f"{case}: input/ needs a pyproject.toml to be its own project root"
    monkeypatch.chdir(project)
    monkeypatch.setenv("TERMSHIFT_TODAY", GOLDEN_TODAY)  # compat markers carry a date: fix it

    args = _lines(folder / "args") or DEFAULT_ARGS
    exit_code = int((_lines(folder / "exit_code") or ["0"])[0])
    expected = _snapshot(folder / "expected")

    first = _run(args)
    assert first.exit_code == exit_code, _report(first)
    for needle in _lines(folder / "stderr_contains"):
        assert needle in first.stderr, f"{needle!r} not in stderr\n{_report(first)}"
    differences = _differences(_snapshot(project), expected)
    assert not differences, f"the tree differs from expected/:\n{differences}\n{_report(first)}"

    second = _run(args)
    assert second.exit_code == exit_code, f"second run: {_report(second)}"
    differences = _differences(_snapshot(project), expected)
    assert not differences, f"the second run changed the tree:\n{differences}\n{_report(second)}"
