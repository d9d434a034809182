"""The vocabulary: which words are legacy, and what each becomes.

Everything here is a pure function of text, so that the lint and the codemods
agree by construction: an identifier, a storage key and a route are all split
into words the same way, and a word is replaced keeping its case shape and
every character around it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

# A run of ASCII letters and digits; everything else separates words.
_RUN = re.compile(r"[A-Za-z0-9]+")
_RUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
# Inside a run: acronyms before a capitalised word (HTTPJob -> HTTP, Job),
# capitalised or lower words, all-caps words, digits.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def plural(word: str) -> str:
    """English plural of a lower-case word, good enough for domain nouns."""
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


@dataclass(frozen=True)
class Term:
    """One mapping, e.g. job -> step, with its plural forms."""

    old: str
    new: str
    old_plural: str = ""
    new_plural: str = ""

    def __post_init__(self) -> None:
        for name in ("old", "new"):
            value = getattr(self, name)
            if not re.fullmatch(r"[a-z][a-z0-9]*", value):
                raise ValueError(f"term word {value!r} must be one lower-case word")
        object.__setattr__(self, "old_plural", self.old_plural or plural(self.old))
        object.__setattr__(self, "new_plural", self.new_plural or plural(self.new))


DEFAULT_TERMS = (Term("job", "step"),)


class Shape(enum.Enum):
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


class MatchKind(enum.Enum):
    TERM = "term"  # a legacy word, rewritable
    ODD = "odd"  # the term in an odd case shape (jOb): reported, not rewritten
    GLUED = "glued"  # a word that only contains the term (jobless, cronjob)


class WordMatch(NamedTuple):
    start: int
    end: int
    word: str
    kind: MatchKind
    replacement: str | None


def split_words(text: str) -> list[tuple[int, int, str]]:
    """Words of `text` with their offsets, as DESIGN.md's vocabulary defines them."""
    words: list[tuple[int, int, str]] = []
    for run in _RUN.finditer(text):
        base = run.start()
        for word in _WORD.finditer(run.group()):
            words.append((base + word.start(), base + word.end(), word.group()))
    return words


class Vocabulary:
    """The configured terms, with memoised rewriting of identifiers and text."""

    def __init__(self, terms: Sequence[Term] = DEFAULT_TERMS, keep: Iterable[str] = ()):
        if not terms:
            raise ValueError("at least one term is needed")
        self.terms = tuple(terms)
        self.keep = frozenset(keep)
        self.forms: dict[str, str] = {}
        for term in self.terms:
            self.forms[term.old] = term.new
            self.forms[term.old_plural] = term.new_plural
        self.new_forms = frozenset(
            form for term in self.terms for form in (term.new, term.new_plural)
        )
        self.stems = tuple(sorted({term.old for term in self.terms}))  # every old form holds one, in some case
        self.needles = tuple(stem.encode() for stem in self.stems)
        self._mention = re.compile("|".join(map(re.escape, self.stems)), re.IGNORECASE)
        self._memo: dict[str, str | None] = {}

    def mentions(self, text: str) -> bool:
        """Cheap test: does the text contain an old form anywhere, in any case?

        Asked of nearly every name in a file: ASCII text is lowered and searched,
        twice as fast as the case-insensitive pattern, which is kept for the rest
        (case folding outside ASCII is the pattern's)."""
        if text.isascii():
            lowered = text.lower()
            for stem in self.stems:
                if stem in lowered:
                    return True
            return False
        return self._mention.search(text) is not None

    def scan(self, text: str) -> list[WordMatch]:
        """Every legacy, odd-case or glued word in `text`.

        Each of those spells an old form inside one run of ASCII letters and
        digits, so only the runs the term occurs in are split into words: a
        docstring that names the term once costs one run, not all its words.
        """
        found: list[WordMatch] = []
        done = 0  # where the last run examined ends
        for mention in self._mention.finditer(text):
            start = mention.start()
            if start < done:
                continue  # in the run just examined
            while start and text[start - 1] in _RUN_CHARS:
                start -= 1
            run = _RUN.match(text, start)
            if run is None:  # a case-folded match outside ASCII: no word of ours
                continue
            done = run.end()
            self._scan_run(run.group(), start, found)
        return found

    def _scan_run(self, run: str, base: int, found: list[WordMatch]) -> None:
        words = [(base + word.start(), base + word.end(), word.group()) for word in _WORD.finditer(run)]
        for index, (start, end, word) in enumerate(words):
            lower = word.lower()
            new = self.forms.get(lower)
            if new is not None:
                word_shape = shape(word)
                if word_shape is Shape.ODD:
                    found.append(WordMatch(start, end, word, MatchKind.ODD, None))
                else:
                    found.append(
                        WordMatch(start, end, word, MatchKind.TERM, apply_shape(new, word_shape))
                    )
                continue
            odd = self._odd_split(words, index, run, base)
            if odd is not None:
                found.append(odd)
            elif self._mention.search(word):
                if not self._continues_odd(found, start):
                    found.append(WordMatch(start, end, word, MatchKind.GLUED, None))

    def _odd_split(
        self, words: list[tuple[int, int, str]], index: int, run: str, base: int
    ) -> WordMatch | None:
        """A term whose odd casing made the splitter cut it in two (jOb -> j, Ob)."""
        start = words[index][0]
        for stop in range(index + 2, min(index + 4, len(words) + 1)):
            end = words[stop - 1][1]
            piece = run[start - base:end - base]
            if piece.lower() in self.forms:
                return WordMatch(start, end, piece, MatchKind.ODD, None)
        return None

    @staticmethod
    def _continues_odd(found: list[WordMatch], start: int) -> bool:
        return bool(found) and found[-1].kind is MatchKind.ODD and found[-1].end > start

    def rewrite(self, text: str) -> str | None:
        """The text with every legacy word replaced, or None when nothing changes.

        Names listed in `keep` are never rewritten.
        """
        try:
            return self._memo[text]
        except KeyError:
            pass
        result: str | None = None
        if text not in self.keep:
            pieces: list[str] = []
            last = 0
            for match in self.scan(text):
                if match.kind is MatchKind.TERM:
                    pieces.append(text[last : match.start])
                    pieces.append(match.replacement or "")
                    last = match.end
            if pieces:
                pieces.append(text[last:])
                result = "".join(pieces)
        self._memo[text] = result
        return result
