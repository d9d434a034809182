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
