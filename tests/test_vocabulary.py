import re

import pytest

from termshift.vocabulary import MatchKind, Term, Vocabulary, plural, split_words

VOCAB = Vocabulary()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # snake, camel, Pascal, SCREAMING
        ("job", "step"),
        ("submit_job", "submit_step"),
        ("_job_id", "_step_id"),
        ("submitJob", "submitStep"),
        ("getJobs", "getSteps"),
        ("Job", "Step"),
        ("JobSubmittedEvent", "StepSubmittedEvent"),
        ("JOB", "STEP"),
        ("JOBS_PENDING", "STEPS_PENDING"),
        ("MAX_JOBS", "MAX_STEPS"),
        # plurals
        ("jobs", "steps"),
        ("Jobs", "Steps"),
        # kebab, dotted, keys, routes
        ("/submit-job", "/submit-step"),
        ("app.jobs:submit_job", "app.steps:submit_step"),
        ("job:{id}", "step:{id}"),
        ("jobs:pending", "steps:pending"),
        ("job.completed", "step.completed"),
        # acronyms and digits
        ("HTTPJob", "HTTPStep"),
        ("JobHTTPClient", "StepHTTPClient"),
        ("job2", "step2"),
        ("Job2Go", "Step2Go"),
        ("v2_job", "v2_step"),
        # several words
        ("job_to_jobs", "step_to_steps"),
        ("jobJob", "stepStep"),
    ],
)
def test_rewrite_keeps_shape(text, expected):
    assert VOCAB.rewrite(text) == expected


@pytest.mark.parametrize("text", ["jobless", "joblib", "cronjob", "Jobless", "blowjobs", "worker", "", "step"])
def test_words_that_only_contain_the_term_never_match(text):
    assert VOCAB.rewrite(text) is None


@pytest.mark.parametrize(("text", "kind"), [("jobless", MatchKind.GLUED), ("cronjob", MatchKind.GLUED), ("jOb", MatchKind.ODD), ("JoB", MatchKind.ODD), ("JOBs", MatchKind.ODD)])
def test_odd_and_glued_words_are_reported_not_rewritten(text, kind):
    matches = VOCAB.scan(text)
    assert [m.kind for m in matches] == [kind]
    assert VOCAB.rewrite(text) is None


def test_scan_gives_offsets_of_each_word():
    matches = VOCAB.scan("submit_job(jobId)")
    assert [(m.start, m.end, m.replacement) for m in matches] == [(7, 10, "step"), (11, 14, "step")]


def test_split_words_follows_the_design():
    assert [w for _, _, w in split_words("HTTPJob_id2-x:y")] == ["HTTP", "Job", "id", "2", "x", "y"]


def test_keep_list_is_never_rewritten():
    vocab = Vocabulary(keep=["SLURM_JOB_ID"])
    assert vocab.rewrite("SLURM_JOB_ID") is None
    assert vocab.rewrite("JOB_ID") == "STEP_ID"


def test_configured_terms_and_plurals():
    vocab = Vocabulary([Term("task", "step"), Term("child", "item", old_plural="children")])
    assert vocab.rewrite("TaskQueue") == "StepQueue"
    assert vocab.rewrite("children_of") == "items_of"
    assert vocab.rewrite("get_child") == "get_item"


@pytest.mark.parametrize(("word", "expected"), [("job", "jobs"), ("box", "boxes"), ("batch", "batches"), ("query", "queries"), ("day", "days")])
def test_plural(word, expected):
    assert plural(word) == expected


@pytest.mark.parametrize(("old", "new"), [("Job", "step"), ("job", "Step"), ("job", "v2"), ("job", "two  words"),
                                          ("job", "_step"), ("work__item", "ticket"), ("", "step")])
def test_term_words_are_validated(old, new):
    with pytest.raises(ValueError):
        Term(old, new)


def test_mentions_is_case_insensitive():
    assert VOCAB.mentions("xJOBx")
    assert not VOCAB.mentions("step")


@pytest.mark.parametrize("text", ["submit_job", "JOBS", "jo_b", "j\u00f6b", "\u212aob", "job\u00e9", "", "J\u00d3B"])
def test_mentions_answers_as_the_case_insensitive_pattern(text):
    """ASCII text takes a shortcut (lowered, then searched); the answer is the pattern's."""
    import re

    pattern = re.compile("|".join(map(re.escape, VOCAB.stems)), re.IGNORECASE)
    assert VOCAB.mentions(text) == (pattern.search(text) is not None)


def _scan_every_word(vocab: Vocabulary, text: str) -> list:
    """The definition `scan` must keep: every word of the text is looked at, in order, whether
    or not its run holds the term (scan itself only splits the stretches around a stem)."""
    from termshift.casing import JOINERS
    from termshift.vocabulary import WordMatch

    if not vocab.mentions(text):
        return []
    words = split_words(text)
    found: list = []
    index = 0
    while index < len(words):
        match, used = vocab._match_at(text, words, index)
        if match is None:
            index += 1
            continue
        found.append(match)
        index += used
    # Every stem, overlaps included; ASCII case folding only (a folded ſ or K is no word of ours).
    stems = [(at.start(), at.start() + len(stem)) for stem in vocab.stems
             for at in re.finditer("(?=" + re.escape(stem) + ")", text, re.IGNORECASE | re.ASCII)]
    for low, high in sorted(stems):
        if any(match.start < high and low < match.end for match in found):
            continue
        touched = [word for word in words if word[0] < high and low < word[1]]
        piece = text[touched[0][0]:touched[-1][1]]
        forms = {joiner.join(old): len(old) for old in vocab.forms for joiner in JOINERS}
        spelled = forms.get(piece.lower())
        odd = spelled is not None and (len(touched) > spelled or any(c in piece for c in "_- "))
        found.append(WordMatch(touched[0][0], touched[-1][1], piece, MatchKind.ODD if odd else MatchKind.GLUED, None))
    return sorted(found)


def test_scan_finds_what_splitting_every_word_finds() -> None:
    import random
    from pathlib import Path

    rng = random.Random(20261129)
    alphabet = "jJoObBsS bx_-./:éKſİ2\n"  # the term's letters in both cases, separators, digits, look-alikes
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(20000)]
    texts += ["jOb jObs JoB_jOBS", "cronjob jobless", "HTTPJobJOBs", "j_ob jo-b", "jéob", "JOBjob", "job" * 5]
    sources = Path(__file__).parent.parent / "termshift"
    texts += [line for path in sorted(sources.glob("*.py")) for line in path.read_text(encoding="utf-8").splitlines()]
    vocabularies = [VOCAB, Vocabulary([Term("job", "step"), Term("task", "action")]),
                    Vocabulary([Term("job", "build_step"), Term("ob_s", "x"), Term("b_job", "y")])]
    for vocab in vocabularies:
        for text in texts:
            assert vocab.scan(text) == _scan_every_word(vocab, text), text


def test_lowering_a_text_finds_what_the_case_insensitive_pattern_does_but_for_four_characters():
    """`mentions` lowers a text outside ASCII and searches it, unless the text holds one of
    FOLDS_TO_ASCII: the characters outside ASCII that this interpreter's case-insensitive
    pattern takes for an ASCII letter, or that lower to one."""
    import re
    import sys

    from termshift.vocabulary import FOLDS_TO_ASCII

    letters = frozenset("abcdefghijklmnopqrstuvwxyz")
    letter = re.compile("[a-z]", re.IGNORECASE)
    special = {chr(code) for code in range(128, sys.maxunicode + 1)
               if letter.match(chr(code)) or letters.intersection(chr(code).lower())}
    assert special <= set(FOLDS_TO_ASCII)
    vocabulary = Vocabulary()
    for text in ("a ſtep and a \u212aey", "ﬁle_\u0130d", "the ｊob", "café job", "Café JOB", "naïve"):
        assert vocabulary.mentions(text) == (vocabulary._mention.search(text) is not None), text


def test_a_text_whose_bytes_never_mention_the_term_is_asked_only_in_its_nfkc_form():
    """`spelled_in(text, written=False)`: the pre-filter found no mention in the bytes as written,
    which answers for the text as written, but where a character folds to an ASCII letter."""
    vocabulary = Vocabulary([Term("job", "step"), Term("task", "action"), Term("item", "entry")])
    texts = ["\u0131tem = 1\n", "caf\u00e9 = 1\n", "\uff4aob = 1\n", "\u0130d = 1\n", "TAS\u212a = 1\n", "x = 'ta\u017fk'\n",
             "\u017ftep = 1\n", "na\u00efve = '\uff2a\uff2f\uff22'\n", "t\u0430sk = 1\n"]
    for text in texts:
        assert not any(stem.encode() in text.encode().lower() for stem in vocabulary.stems), text
        assert vocabulary.spelled_in(text, written=False) == vocabulary.spelled_in(text), text
    assert vocabulary.spelled_in("\uff4aob = 1\n", written=False)
    assert vocabulary.spelled_in("TAS\u212a = 1\n", written=False)  # the Kelvin sign folds to k
    assert vocabulary.spelled_in("\u0131tem = 1\n", written=False)  # so does a dotless i, which NFKC keeps as it is
