"""The Fixit side of the benchmark: one rule doing what `termshift check` does.

It reports every `Name` and `SimpleString` node that carries a job word,
split into words the way termshift's vocabulary splits them, so both tools
do comparable work on the same corpus. It runs inside Fixit's own virtual
environment (see run.py), which is why it depends on nothing but Fixit.
"""

from __future__ import annotations

import re

import libcst as cst
from fixit import Invalid, LintRule, Valid

_RUN = re.compile(r"[A-Za-z0-9]+")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_OLD = frozenset({"job", "jobs"})


def carries_job_word(text: str) -> bool:
    if "job" not in text.lower():
        return False
    return any(word.lower() in _OLD for run in _RUN.findall(text) for word in _WORD.findall(run))


class JobWord(LintRule):
    """Report names and strings that carry the legacy term "job"."""

    MESSAGE = 'legacy term "job"'
    VALID = [Valid("step_id = 1"), Valid("import joblib"), Valid("x = 'cronjob'")]
    INVALID = [Invalid("job_id = 1"), Invalid("submitJob()"), Invalid("key = 'jobs:pending'")]

    def visit_Name(self, node: cst.Name) -> None:
        if carries_job_word(node.value):
            self.report(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if carries_job_word(node.value):
            self.report(node)
