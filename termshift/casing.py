"""How a term is spelled where it stands, and the replacement spelled the same way.

A term of one word only has a case shape (`job`, `Job`, `JOB`). A term of
several words also has a joiner (`work_item`, `work-item`, `work item`, or
none: `workItem`, `WorkItem`), and so does the place a one-word term stands in
when its replacement has several words: `submit_job` wants `submit_build_step`,
`/submit-job` wants `/submit-build-step`, `JobService` wants
`BuildStepService`, "the job failed" wants "the build step failed". That
choice is a `Style`; this module reads it off the text and writes words in it.
Pure functions of text, as vocabulary.py needs them.
"""

from __future__ import annotations

import enum
from typing import NamedTuple, Sequence

# What may stand between the words of one term: an identifier's, a kebab-case
# route's or a sentence's separator, or nothing (camelCase, PascalCase).
JOINERS = ("_", "-", " ", "")

_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class Shape(enum.Enum):
    """The case shape of one word."""

    LOWER = "lower"
    UPPER = "upper"
    TITLE = "title"
    ODD = "odd"


def shape(word: str) -> Shape:
    if word.islower() or not word.isalpha() and word.lower() == word:
        return Shape.LOWER
    if word.isupper():
        return Shape.UPPER
    if word[:1].isupper() and word[1:].islower():
        return Shape.TITLE
    return Shape.ODD


def apply_shape(word: str, like: Shape) -> str:
    if like is Shape.UPPER:
        return word.upper()
    if like is Shape.TITLE:
        return word[:1].upper() + word[1:]
    return word


class Casing(enum.Enum):
    """The case of the words of a term, taken together."""

    LOWER = "lower"  # work_item, work-item, work item
    UPPER = "upper"  # WORK_ITEM
    TITLE = "title"  # WorkItem, Work-Item, Work Item: every word capitalised
    SENTENCE = "sentence"  # Work item: the first word only
    CAMEL = "camel"  # workItem: every word but the first


class Style(NamedTuple):
    casing: Casing
    joiner: str


def render(words: Sequence[str], style: Style) -> str:
    """Lower-case `words` written in `style` (one word takes only the case of the first)."""
    casing = style.casing
    if casing is Casing.UPPER:
        written = [word.upper() for word in words]
    elif casing is Casing.TITLE:
        written = [word[:1].upper() + word[1:] for word in words]
    elif casing is Casing.SENTENCE:
        written = [words[0][:1].upper() + words[0][1:], *words[1:]]
    elif casing is Casing.CAMEL:
        written = [words[0], *(word[:1].upper() + word[1:] for word in words[1:])]
    else:
        written = list(words)
    return style.joiner.join(written)


def style_of_words(words: Sequence[str], joiner: str) -> Style | None:
    """The style of a term of several words as written (`workItem`, `WORK_ITEM`), or None
    when its case is odd (`WORKItem`, `work_Item`): such a spelling is renamed by hand."""
    shapes = [shape(word) for word in words]
    first, rest = shapes[0], set(shapes[1:])
    if joiner == "":
        # Without a joiner only a case change separates the words.
        if rest == {Shape.TITLE} and first in (Shape.LOWER, Shape.TITLE):
            return Style(Casing.CAMEL if first is Shape.LOWER else Casing.TITLE, "")
        return None
    if rest == {first} and first is not Shape.ODD:
        return Style({Shape.LOWER: Casing.LOWER, Shape.UPPER: Casing.UPPER, Shape.TITLE: Casing.TITLE}[first], joiner)
    if first is Shape.TITLE and rest == {Shape.LOWER}:
        return Style(Casing.SENTENCE, joiner)
    return None


def style_in_context(text: str, start: int, end: int) -> Style | None:
    """The style a word of one term standing at text[start:end] gives a replacement of
    several words: its case, and the joiner of the words around it.

    - UPPER joins as its neighbours do, or with `_`: `JOB_ID` -> `BUILD_STEP_ID`.
    - lower before a capitalised word is camelCase: `jobId` -> `buildStepId`;
      otherwise it joins as its neighbours do (`/submit-job` -> `/submit-build-step`,
      "the job" -> "the build step"), or with `_` alone (`job` -> `build_step`).
    - Capitalised inside a word or alone is PascalCase: `JobService` ->
      `BuildStepService`, `Job` -> `BuildStep`; after a lower-case word in
      a sentence it is a name too ("the Job class" -> "the BuildStep class");
      next to other capitalised words, Title Case ("Submit Job" -> "Submit
      Build Step", `X-Job-Id` -> `X-Build-Step-Id`); otherwise the first word
      of a sentence ("Jobs are queued" -> "Build steps are queued").
    """
    word_shape = shape(text[start:end])
    if word_shape is Shape.ODD:
        return None
    left = _neighbour(text, start, -1)
    right = _neighbour(text, end, 1)
    touches_left = start > 0 and text[start - 1] in _WORD_CHARS
    touches_right = end < len(text) and text[end] in _WORD_CHARS
    joiner = _context_joiner(left, right)
    if word_shape is Shape.UPPER:
        return Style(Casing.UPPER, joiner or "_")
    if word_shape is Shape.LOWER:
        if touches_right and text[end].isupper():
            return Style(Casing.CAMEL, "")
        return Style(Casing.LOWER, joiner or "_")
    if touches_left or touches_right or joiner is None:
        return Style(Casing.TITLE, "")
    if left is not None and left[0] == " " and shape(left[1]) is Shape.LOWER:
        return Style(Casing.TITLE, "")
    if any(side is not None and side[0] == joiner and shape(side[1]) in (Shape.TITLE, Shape.UPPER)
           for side in (left, right)):
        return Style(Casing.TITLE, joiner)
    return Style(Casing.SENTENCE, joiner)


def _neighbour(text: str, at: int, step: int) -> tuple[str, str] | None:
    """(joiner, word) just across one joiner from `at` in direction `step`, if a word is there."""
    index = at - 1 if step < 0 else at
    if not 0 <= index < len(text) or text[index] not in "_- ":
        return None
    joiner = text[index]
    position = index + step
    letters = []
    while 0 <= position < len(text) and text[position] in _WORD_CHARS:
        letters.append(text[position])
        position += step
    if not letters:
        return None
    word = "".join(reversed(letters)) if step < 0 else "".join(letters)
    return joiner, word


def _context_joiner(left: tuple[str, str] | None, right: tuple[str, str] | None) -> str | None:
    """The joiner the neighbouring words use: `_` or `-` before a space, the left one first."""
    sides = [side[0] for side in (left, right) if side is not None]
    for joiner in sides:
        if joiner != " ":
            return joiner
    return sides[0] if sides else None
