"""Golden tests of the compatibility layer: migrate with compat, then cleanup.

Each folder `tests/fixtures/compat/<case>/` holds:

- `input/`     a project tree (its own root, with a pyproject.toml);
- `expected/`  the tree after `migrate --stage types --stage services` with
               compat on, on the fixed date 2027-01-04 (so removal dates read
               2027-03-01), byte for byte;
- `cleaned/`   the tree after `cleanup` of `expected/` — which must also be
               exactly what `migrate --no-compat` makes of `input/`;
- `targets`    (optional) the PATH arguments of those migrate runs, one a
               line, when only part of the project is migrated.

Regenerate a case by running those commands in a copy of `input/` with
TERMSHIFT_TODAY=2027-01-04, and read the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import termshift.cli

CASES = Path(__file__).parent / "fixtures" / "compat"
STAGES = ["--stage", "types", "--stage", "services"]
TODAY = "2027-01-04"
IGNORED = {"__pycache__", ".termshift_cache"}
MANIFEST = "_termshift_renames.py"  # a package's rename manifest: tested in test_manifest.py


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), by relative path."""
    tree: dict[str, bytes | None] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED)
        here = Path(folder)
        if here != root:
            tree[here.relative_to(root).as_posix() + "/"] = None
        for name in sorted(names):
            if name != MANIFEST:
                tree[(here / name).relative_to(root).as_posix()] = (here / name).read_bytes()
    return tree


def differences(actual: dict, expected: dict) -> str:
    out = [f"missing: {path}" for path in sorted(set(expected) - set(actual))]
    out += [f"unexpected: {path}" for path in sorted(set(actual) - set(expected))]
    for path in sorted(set(actual) & set(expected)):
        if actual[path] != expected[path]:
            out.append("".join(difflib.unified_diff(
                [repr(line) + "\n" for line in expected[path].splitlines(keepends=True)],
                [repr(line) + "\n" for line in actual[path].splitlines(keepends=True)],
                fromfile=f"expected/{path}", tofile=f"actual/{path}",
            )))
    return "\n".join(out)


def run(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps stderr apart anyway
        runner = CliRunner()
    result = runner.invoke(termshift.cli.main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        pytest.fail("termshift raised:\n" + "".join(traceback.format_exception(*result.exc_info)))
    return result


def cases() -> list[str]:
    return sorted(case.name for case in CASES.iterdir() if (case / "input").is_dir())


def targets(case: str) -> list[str]:
    """The paths a case migrates: all of it, unless its `targets` file names some."""
    listed = CASES / case / "targets"
    return listed.read_text().split() if listed.is_file() else []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TERMSHIFT_TODAY", TODAY)

    def make(case: str, tree: str = "input") -> Path:
        target = tmp_path / f"{case}-{tree}"
        shutil.copytree(CASES / case / tree, target, ignore=shutil.ignore_patterns(*IGNORED))
        monkeypatch.chdir(target)
        return target

    return make


@pytest.mark.parametrize("case", cases())
def test_migrate_with_compat(case: str, project) -> None:
    root = project(case)
    first = run("migrate", *STAGES, *targets(case))
    assert first.exit_code == 0, first.stderr
    assert not (found := differences(snapshot(root), snapshot(CASES / case / "expected"))), found

    again = run("migrate", *STAGES, *targets(case))
    assert again.exit_code == 0, again.stderr
    assert "0 files changed" in again.stderr
    assert not (found := differences(snapshot(root), snapshot(CASES / case / "expected"))), found


@pytest.mark.parametrize("case", cases())
def test_cleanup_gives_back_what_no_compat_writes(case: str, project) -> None:
    root = project(case, "expected")
    result = run("cleanup")
    assert result.exit_code == 0, result.stderr
    cleaned = snapshot(CASES / case / "cleaned")
    assert not (found := differences(snapshot(root), cleaned)), found

    again = run("cleanup")
    assert again.exit_code == 0 and "0 files changed" in again.stderr
    assert not differences(snapshot(root), cleaned)

    plain = project(case)
    assert run("migrate", *STAGES, "--no-compat", *targets(case)).exit_code == 0
    assert not (found := differences(snapshot(plain), cleaned)), found


@pytest.mark.parametrize("case", cases())
def test_diff_shows_compat_and_writes_nothing(case: str, project) -> None:
    root = project(case)
    before = snapshot(root)
    result = run("migrate", *STAGES, "--diff", *targets(case))
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    assert "+# termshift: compat until 2027-03-01" in result.stdout
    # Every module that moves leaves a shim at its old path: a new file in the diff.
    moved = set(snapshot(CASES / case / "input")) - set(snapshot(CASES / case / "cleaned"))
    for path in sorted(path for path in moved if path.endswith(".py")):
        assert f"new file mode 100644\n--- /dev/null\n+++ b/{path}\n" in result.stdout


def test_cleanup_diff_writes_nothing(project) -> None:
    root = project("module_moves", "expected")
    before = snapshot(root)
    result = run("cleanup", "--diff")
    assert result.exit_code == 0
    assert snapshot(root) == before
    assert "deleted file mode 100644\n--- a/moves_app/jobs.py\n+++ /dev/null" in result.stdout
    assert "would change" in result.stderr


def test_cleanup_expired_keeps_pieces_until_their_date(project, monkeypatch) -> None:
    root = project("module_names", "expected")
    before = snapshot(root)
    monkeypatch.setenv("TERMSHIFT_TODAY", "2027-03-01")  # the removal date itself: not expired yet
    assert run("cleanup", "--expired").exit_code == 0
    assert snapshot(root) == before
    monkeypatch.setenv("TERMSHIFT_TODAY", "2027-03-02")
    assert run("cleanup", "--expired").exit_code == 0
    assert not differences(snapshot(root), snapshot(CASES / "module_names" / "cleaned"))


def test_compat_weeks_sets_the_removal_date(project) -> None:
    root = project("module_names")
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text() + "\n[tool.termshift]\ncompat-weeks = 2\n"
    )
    assert run("migrate", *STAGES).exit_code == 0
    assert "# termshift: compat until 2027-01-18\n" in (root / "names_app" / "models.py").read_text()
