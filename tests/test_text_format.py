"""The text format prints `path:line:col: CODE message` exactly, whatever the numbers spell."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lintkit import PYTHON


def test_line_100_is_not_an_emoji(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (tmp_path / "mod.py").write_text("\n" * 99 + "job = 1\n" + "\n" * 1133 + "# one job\n")
    result = subprocess.run([*PYTHON, "-m", "termshift", "check", "--no-cache", "mod.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert any(line.startswith("mod.py:100:1: TSH101 ") for line in lines), result.stdout
    assert any(line.startswith("mod.py:1234:") for line in lines), result.stdout


def test_the_plain_summary_is_what_rich_prints_to_a_pipe() -> None:
    """Off a terminal the summary is written without rich, and must read exactly as rich's."""
    import io

    from termshift.formats import text

    rows = [("TSH101", "legacy-identifier", "error", "1046"), ("TSH301", "prose", "warning", "7"),
            ("TSH304", "odd-or-glued-word", "info", "12345")]
    lines = [("termshift check: 3 findings (1 error, 1 warning, 1 info) in 2 files", "headline"),
             ("1 fixable with `termshift check --fix`", None),
             ("2 baseline entries no longer match (fixed or gone): rewrite it", "yellow"),
             ("  stale: [red]odd/pa:th.py: TSH101 job_[b]id", None)]
    for case in (rows, rows[:1], []):
        rich_out = io.StringIO()
        text._rich_summary(case, lines, rich_out)
        assert text._plain_summary(case, lines) == rich_out.getvalue()
