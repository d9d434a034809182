"""A rename that puts the new word next to itself is right, and worth a person's look."""

import subprocess
import sys
from pathlib import Path


def test_doubled_new_words_are_noted(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "m.py").write_text(
        "class TwoStepJob:\n    pass\n\n_JOB_STEP_FUNC_PARAMS = 1\nSTEP_COUNT = 2\njob_count = 3\n")
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "--no-cache", "--diff", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "stands twice" in line]
    assert len(notes) == 2, done.stderr
    assert "'TwoStepJob' becomes 'TwoStepStep'" in notes[0] + notes[1]
    assert "'_JOB_STEP_FUNC_PARAMS' becomes '_STEP_STEP_FUNC_PARAMS'" in notes[0] + notes[1]
    assert "class TwoStepStep:" in done.stdout  # still renamed: the note only asks for a look
