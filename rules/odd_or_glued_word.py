"""TSH304 odd-or-glued-word."""

from __future__ import annotations

from termshift.rule import Invalid, Rule, Valid


class OddOrGluedWord(Rule):
    """
    ## What it does
    Notes a word that contains the legacy term without being it (`jobless`,
    `cronjob`) or that spells it in an odd case shape (`jOb`). A term of
    several words is glued when its words run together without a case change
    (`workitem` for `work_item`) or into a longer word (`rework_item`), and
    odd when their case doesn't agree (`WORKItem`, `work_Item`).

    ## Why is this bad?
    Usually it isn't: `jobless` is not about jobs. But glued and oddly cased
    words are where a rename by hand goes wrong, so they are listed for a
    reviewer, as information only.

    ## Example
    ```python
    jOb_count = 0
    ```

    ## Use instead
    ```python
    step_count = 0
    ```

    ## Fix
    None: odd shapes are renamed by hand, glued words are left alone.
    """

    code = "TSH304"
    name = "odd-or-glued-word"
    severity = "info"
    summary = "A word only contains the legacy term, or spells it in an odd case"
    fixable = False
    VALID = [
        Valid("step_count = 0\n"),
    ]
    INVALID = [
        Invalid("jOb_count = 0\n", at=("app.py:1:1",)),
        Invalid("jobless_polls = 0\n", at=("app.py:1:1",)),
    ]

    @staticmethod
    def message(site) -> str:
        return site.note or f"{site.old!r} has an odd shape: left as it is"
