"""`remove_pieces`: exactly the marked pieces go, every other byte stays."""

from __future__ import annotations

import datetime

import pytest

from termshift.codemods.cleanup import is_shim, remove_pieces

BLOCK = "# termshift: compat until 2027-03-01\nJob = Step\n# termshift: end compat\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # At the end of a module, with the two blank lines migrate put before it.
        ("class Step:\n    pass\n\n\n" + BLOCK, "class Step:\n    pass\n"),
        # Before a trailing main guard: the blank lines before and after add up the same.
        ("x = 1\n\n\n" + BLOCK + "\n\nif __name__ == '__main__':\n    main()\n",
         "x = 1\n\n\nif __name__ == '__main__':\n    main()\n"),
        # A one-line piece: the whole line goes, the blank lines around it stay.
        ('@app.get("/step/{id}")\n@app.get("/job/{id}")  # termshift: compat until 2027-03-01\ndef get(id):\n    pass\n',
         '@app.get("/step/{id}")\ndef get(id):\n    pass\n'),
        # A block that ended a file without a final newline.
        ("x = 1\n\n\n" + BLOCK.rstrip("\n"), "x = 1"),
        # CRLF files keep their newlines.
        ("x = 1\r\n\r\n\r\n" + BLOCK.replace("\n", "\r\n") + "\r\n\r\ny = 2\r\n", "x = 1\r\n\r\n\r\ny = 2\r\n"),
        # The wire layer's pieces: its import, an old route twin serving the old vocabulary, its block.
        ('from minirouter import Router\nfrom . import _termshift_wire  # termshift: compat until 2027-03-01\n\n'
         'app = Router()\n\n\n@app.route("/step/{id}")\n'
         '@_termshift_wire.old_route(app.route("/job/{id}"), "/job/{id}", "/step/{id}")  # termshift: compat until 2027-03-01\n'
         'def get(id):\n    pass\n\n\n'
         '# termshift: compat until 2027-03-01\n_termshift_wire.payloads(globals())\n'
         '_termshift_wire.storage(Store, "redis")\n# termshift: end compat\n',
         'from minirouter import Router\n\napp = Router()\n\n\n@app.route("/step/{id}")\ndef get(id):\n    pass\n'),
        # Nothing marked: nothing changes, not even comments that mention termshift.
        ("# termshift: ignore[TSH101]\nx = 1\n", "# termshift: ignore[TSH101]\nx = 1\n"),
    ],
)
def test_remove_pieces(text: str, expected: str) -> None:
    assert remove_pieces(text) == expected
    assert remove_pieces(expected) == expected  # idempotent


def test_expired_only() -> None:
    text = "a = 1\n\n\n" + BLOCK + "b = 2  # termshift: compat until 2027-06-01\n"
    assert remove_pieces(text, datetime.date(2027, 3, 1)) == text  # the last day still counts
    assert remove_pieces(text, datetime.date(2027, 3, 2)) == "a = 1\nb = 2  # termshift: compat until 2027-06-01\n"
    assert remove_pieces(text, datetime.date(2027, 6, 2)) == "a = 1\n"


def test_the_wire_module_is_a_whole_file() -> None:
    import datetime as dt

    from termshift.wiring import WirePlan, module_text

    text = module_text(WirePlan(keys=[("job:{}", "step:{}")], events={"job_done": "step_done"}),
                       dt.date(2027, 3, 1), dt.date(2027, 1, 4))
    assert is_shim(text)
    namespace: dict = {}
    exec(compile(text, "_termshift_wire.py", "exec"), namespace)  # noqa: S102 -- standard library only
    assert namespace["old_key"]("step:1") == "job:1" and namespace["SUNSET"] == "2027-03-01"


def test_shim_modules_are_whole_files() -> None:
    shim = "# termshift: compat module until 2027-03-01\nimport sys\n"
    assert is_shim(shim) and remove_pieces(shim) == shim
    assert not is_shim(shim, datetime.date(2027, 1, 1)) and is_shim(shim, datetime.date(2027, 3, 2))
    assert not is_shim("x = 1\n" + shim)
