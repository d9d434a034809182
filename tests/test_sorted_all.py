"""A sorted `__all__` stays sorted after the renames; anything else is left as the renames made it."""

from __future__ import annotations

import pytest

from termshift.codemods.sorted_all import keep_sorted


def _renamed(text: str) -> str:
    return text.replace("Job", "Step").replace("job", "step")


@pytest.mark.parametrize(("old", "expected"), [
    pytest.param('__all__ = ["Alpha", "JobError", "Pool"]\n',
                 '__all__ = ["Alpha", "Pool", "StepError"]\n', id="one-line list"),
    pytest.param('__all__ = [\n    "Alpha",\n    "JobError",\n    "Pool",\n]\n',
                 '__all__ = [\n    "Alpha",\n    "Pool",\n    "StepError",\n]\n', id="one entry a line"),
    pytest.param("__all__ = ('Alpha', 'JobError', 'Pool')\n",
                 "__all__ = ('Alpha', 'Pool', 'StepError')\n", id="tuple"),
    pytest.param('__all__: list[str] = ["Alpha", "JobError", "Pool"]\n',
                 '__all__: list[str] = ["Alpha", "Pool", "StepError"]\n', id="annotated"),
    pytest.param('__all__ = ["A"]\n__all__ += ["JobError", "Pool"]\n__all__.extend(["JobX", "Pool"])\n',
                 '__all__ = ["A"]\n__all__ += ["Pool", "StepError"]\n__all__.extend(["Pool", "StepX"])\n',
                 id="+= and extend"),
    pytest.param('__all__ = ["Deploy", "job_runner", "lint", "Runner"]\n',
                 '__all__ = ["Deploy", "lint", "Runner", "step_runner"]\n', id="sorted ignoring case"),
    pytest.param('__all__ = ["JobA", \'JobB\', "Pool"]\n',
                 '__all__ = ["Pool", "StepA", \'StepB\']\n', id="each literal keeps its quotes"),
])
def test_a_sorted_all_is_sorted_again(old: str, expected: str) -> None:
    assert keep_sorted(old, _renamed(old)) == expected


@pytest.mark.parametrize("old", [
    pytest.param('__all__ = ["Pool", "JobError", "Alpha"]\n', id="not sorted before"),
    pytest.param('__all__ = ["Alpha", "JobError", "Zeta"]\n', id="still sorted"),
    pytest.param('__all__ = [\n    "Alpha",\n    "JobError",  # the old one\n    "Pool",\n]\n', id="a comment"),
    pytest.param('__all__ = ["Alpha", "Job" "Error", "Pool"]\n', id="implicit concatenation"),
    pytest.param('__all__ = ["Alpha", name, "JobError", "Pool"]\n', id="not a literal"),
    pytest.param('__all__ = sorted(["Alpha", "JobError", "Pool"])\n', id="computed"),
    pytest.param('names = ["Alpha", "JobError", "Pool"]\n', id="another list"),
    pytest.param('def f():\n    __all__ = ["Alpha", "JobError", "Pool"]\n', id="not at the top level"),
])
def test_anything_else_is_left_as_renamed(old: str) -> None:
    assert keep_sorted(old, _renamed(old)) == _renamed(old)


def test_a_broken_rewrite_is_left_to_the_engine() -> None:
    assert keep_sorted('__all__ = ["A", "JobB", "C"]\n', '__all__ = ["A", "StepB", "C"\n') == '__all__ = ["A", "StepB", "C"\n'
