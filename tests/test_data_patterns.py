"""Key patterns and field translation: pure functions, as tables."""

from __future__ import annotations

import pytest

from termshift.data.patterns import KeyMap, field_names, key_pattern, key_patterns
from termshift.data.translate import FieldClash, Fields, NotJson


@pytest.mark.parametrize(("old", "new", "old_glob", "new_glob"), [
    ('f"job:{job_id}"', 'f"step:{job_id}"', "job:*", "step:*"),
    ('"jobs:pending"', '"steps:pending"', "jobs:pending", "steps:pending"),
    ('"stats:jobs_done"', '"stats:steps_done"', "stats:jobs_done", "stats:steps_done"),
    ('"job:%s:lock"', '"step:%s:lock"', "job:*:lock", "step:*:lock"),
    ('"job:%(id)s"', '"step:%(id)s"', "job:*", "step:*"),
    ('"job:{}:log".format', '"step:{}:log".format', None, None),  # not a literal
    ('"job:{}:log"', '"step:{}:log"', "job:*:log", "step:*:log"),
    ("'job:'", "'step:'", "job:*", "step:*"),  # a prefix the code concatenates to
    ('"job:*"', '"step:*"', "job:*", "step:*"),
    ('"{jobs}:pending"', '"{steps}:pending"', "{jobs}:pending", "{steps}:pending"),  # a hash tag
    ("b'job:'", "b'step:'", "job:*", "step:*"),
])
def test_key_pattern(old, new, old_glob, new_glob):
    pattern = key_pattern(old, new)
    if old_glob is None:
        assert pattern is None
    else:
        assert (pattern.old_glob, pattern.new_glob) == (old_glob, new_glob)


def change(old, new, kind="key", path="app.py", line=1):
    return {"kind": kind, "old": old, "new": new, "path": path, "line": line}


def test_spellings_fold_into_the_broadest_pattern():
    patterns = key_patterns([change('f"job:{id}"', 'f"step:{id}"'), change('"job:j1"', '"step:j1"', line=2),
                             change('"job:%s:lock"', '"step:%s:lock"', line=3),
                             change('"jobs:pending"', '"steps:pending"', line=4)])
    assert [(p.old_glob, p.new_glob) for p in patterns] == [("job:*", "step:*"), ("jobs:pending", "steps:pending")]
    assert patterns[0].where == ("app.py:1", "app.py:2", "app.py:3")


@pytest.mark.parametrize(("key", "new"), [
    (b"job:job-1f3a", b"step:job-1f3a"),  # the id is data
    (b"job:7:lock", b"step:7:lock"),
    (b"jobs:pending", b"steps:pending"),
    (b"jobs:pendingx", None),
    (b"jobless:1", None),
    (b"job:\xff\x00", b"step:\xff\x00"),  # binary ids survive
])
def test_key_map(key, new):
    keymap = KeyMap(key_patterns([change('f"job:{id}"', 'f"step:{id}"'), change('"jobs:pending"', '"steps:pending"')]))
    assert keymap.new_key(key) == new


def test_the_more_specific_pattern_wins_and_scans_do_not_overlap():
    keymap = KeyMap(key_patterns([change('f"job:{id}"', 'f"step:{id}"'),
                                  change('f"job:{id}:jobs"', 'f"step:{id}:steps"'),
                                  change('"jobs:pending"', '"steps:pending"'),
                                  change('"job:x"', '"step:x"')]))
    assert keymap.new_key(b"job:1:jobs") == b"step:1:steps"
    assert keymap.new_key(b"job:1:lock") == b"step:1:lock"
    globs, exact = keymap.scans()
    assert globs == [b"job:*"] and exact == [b"jobs:pending"]


def test_field_names_from_payload_keys_and_fields():
    names = field_names([change('"job_id"', '"step_id"', kind="payload-key"),
                         change('f"{x}_job"', 'f"{x}_step"', kind="payload-key"),
                         change('"job:1"', '"step:1"')],
                        [("job_type", "step_type"), ("jobs", "steps"), ("jobs", "tasks")])
    assert names == {"job_id": "step_id", "job_type": "step_type"}  # `jobs`: renamed two ways, left out


FIELDS = Fields({"job_id": "step_id", "job_type": "step_type", "jobs": "steps"})


@pytest.mark.parametrize(("value", "expected"), [
    (b'{"job_id": "job-1", "job_type": "x"}', b'{"step_id": "job-1", "step_type": "x"}'),
    (b'{"job_id":"a","n":1.50,"s":"\\u00e9"}', b'{"step_id":"a","n":1.50,"s":"\\u00e9"}'),  # bytes kept
    (b'{"a": "job_id", "b": ["job_id"]}', b'{"a": "job_id", "b": ["job_id"]}'),  # values are data
    (b'{"jobs": [{"job_id": 1}], "x": {"y": "jobs"}}', b'{"steps": [{"step_id": 1}], "x": {"y": "jobs"}}'),
    (b'{"say \\"job_id\\"": 1}', b'{"say \\"job_id\\"": 1}'),  # an escaped quote inside a key
    (b"42", b"42"),
    (b"worker-1 job_id", b"worker-1 job_id"),  # not a document
    (b'{"other": 1}', b'{"other": 1}'),
])
def test_documents(value, expected):
    assert FIELDS.document(value) == expected


@pytest.mark.parametrize("value", [b'{"job_id": oops', b"[1, 2"])
def test_a_broken_document_that_may_spell_a_field_is_refused(value):
    if b"job_id" in value:
        with pytest.raises(NotJson):
            FIELDS.document(value)
    else:
        assert FIELDS.document(value) == value  # nothing to translate: copied as it is


def test_clashes_are_refused():
    with pytest.raises(FieldClash):
        FIELDS.document(b'{"job_id": 1, "step_id": 2}')
    with pytest.raises(FieldClash):
        FIELDS.hash({b"job_id": b"1", b"step_id": b"2"})
    assert FIELDS.hash({b"job_id": b"job-1", b"owner": b"x"}) == {b"step_id": b"job-1", b"owner": b"x"}


def test_a_document_already_in_the_new_vocabulary_is_no_clash():
    value = b'{"step_id": 1, "x": ["job_id"]}'
    assert FIELDS.document(value) == value
