"""The accounting's index of names by the runs of words they hold."""

from __future__ import annotations

import random

import pytest

from termshift.accounting import _Holders


def _holds_by_scan(name: str, words: str) -> bool:
    """The definition the index must agree with: `words` occurs in `name` starting at a word
    boundary (its start, after `_`, a capital after a non-capital, or a capital that ends an acronym
    and starts a word: HTTP|Job) and ending at one."""
    for at in range(len(name) - len(words) + 1):
        if not name.startswith(words, at):
            continue
        end = at + len(words)
        capital = words[0].isupper()
        after_acronym = capital and name[at - 1].isupper() and name[at + 1:at + 2].islower()
        starts = at == 0 or name[at - 1] == "_" or (capital and not name[at - 1].isupper()) or after_acronym
        ends = end == len(name) or name[end] == "_" or name[end].isupper()
        if starts and ends:
            return True
    return False


@pytest.mark.parametrize(("name", "words", "held"), [
    ("SlurmJobEnvironment", "JobEnvironment", True),
    ("SlurmJobEnvironment", "obEnvironment", False),
    ("SlurmJobEnvironment", "SlurmJob", True),
    ("SlurmJobEnvironment", "SlurmJo", False),
    ("load_job_1", "job_1", True),
    ("load_job_10", "job_1", False),
    ("HTTPJobRunner", "JobRunner", True),
    ("HTTPJobRunner", "PJobRunner", False),
    ("myjob_id", "job_id", False),
])
def test_a_name_holds_words_only_between_word_boundaries(name: str, words: str, held: bool) -> None:
    assert _holds_by_scan(name, words) is held
    assert (name in _Holders([name]).holding(words)) is held


def test_the_index_agrees_with_the_scan_on_generated_names() -> None:
    rng = random.Random(7)
    parts = ["job", "Job", "JOB", "step", "_", "HTTP", "x", "1", "Run", "run", "__", "Jo", "b", "ob"]
    names = {"".join(rng.choice(parts) for _ in range(rng.randint(1, 5))) for _ in range(2000)}
    holders = _Holders(names)
    for words in sorted(names)[:600] + ["Job", "job", "JobRun", "ob", "b_", "_job"]:
        assert holders.holding(words) == {name for name in names if _holds_by_scan(name, words)}, words
