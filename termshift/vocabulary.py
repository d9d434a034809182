"""The vocabulary: which words are legacy, and what each becomes.

Everything here is a pure function of text, so that the lint and the codemods
agree by construction: an identifier, a storage key and a route are all split
into words the same way, and a term is replaced keeping its case shape and
every character around it.

A term may be several words (`work_item -> ticket`, `job -> build_step`): it
matches where its words follow one another joined the same way (`work_item`,
`work-item`, `work item`, `workItem`, `WorkItem`), and its replacement is
written in the style found there (casing.py).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from .casing import JOINERS, Shape, apply_shape, render, shape, style_in_context, style_of_words

__all__ = ["DEFAULT_TERMS", "MatchKind", "Shape", "Term", "Vocabulary", "WordMatch", "apply_shape", "plural",
           "shape", "split_words", "term_words"]

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


_SPELLING = re.compile(r"[a-z]+(?:[_\- ][a-z]+)*")


def term_words(spelling: str) -> tuple[str, ...]:
    """The words of a term as configured: lower-case words joined by `_`, `-` or a space."""
    if not _SPELLING.fullmatch(spelling):
        raise ValueError(f"{spelling!r} must be lower-case words of letters, joined by '_', '-' or a space "
                         f"(like 'job' or 'work_item')")
    return tuple(re.split(r"[_\- ]", spelling))


@dataclass(frozen=True)
class Term:
    """One mapping, e.g. job -> step or work_item -> ticket, with its plural forms.

    Each form is kept as its words joined by `_` (`work-item` is stored as
    `work_item`); a plural not given is the plural of the last word
    (`work_items`)."""

    old: str
    new: str
    old_plural: str = ""
    new_plural: str = ""

    def __post_init__(self) -> None:
        for name in ("old", "new", "old_plural", "new_plural"):
            value = getattr(self, name)
            if value or name in ("old", "new"):
                object.__setattr__(self, name, "_".join(term_words(value)))
        for name, singular in (("old_plural", self.old), ("new_plural", self.new)):
            if not getattr(self, name):
                *first, last = singular.split("_")
                object.__setattr__(self, name, "_".join((*first, plural(last))))

    @property
    def forms(self) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
        """(old words, new words) for the singular and the plural."""
        return ((tuple(self.old.split("_")), tuple(self.new.split("_"))),
                (tuple(self.old_plural.split("_")), tuple(self.new_plural.split("_"))))


DEFAULT_TERMS = (Term("job", "step"),)


class MatchKind(enum.Enum):
    TERM = "term"  # a legacy word, rewritable
    ODD = "odd"  # the term in an odd case shape (jOb, WORKItem): reported, not rewritten
    GLUED = "glued"  # a word that only contains the term (jobless, cronjob, workitem)


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


def spellings(words: tuple[str, ...]) -> set[str]:
    """A form's lower-case spellings: its words with each joiner (one word: itself)."""
    return {joiner.join(words) for joiner in JOINERS}


# The characters outside ASCII that a case-insensitive pattern matches to an ASCII letter (İ ı ſ and
# the Kelvin sign): the only ones where lowering a text and searching it differs from the pattern.
FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


class Vocabulary:
    """The configured terms, with memoised rewriting of identifiers and text."""

    def __init__(self, terms: Sequence[Term] = DEFAULT_TERMS, keep: Iterable[str] = ()):
        if not terms:
            raise ValueError("at least one term is needed")
        self.terms = tuple(terms)
        self.keep = frozenset(keep)
        # old words (lower case) -> new words
        self.forms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for term in self.terms:
            for old, new in term.forms:
                self.forms.setdefault(old, new)
        self._lengths = tuple(sorted({len(old) for old in self.forms}, reverse=True))
        self._firsts = frozenset(old[0] for old in self.forms)  # a term starts at one of these words
        self._new_keys = frozenset(self.forms.values())
        # Every way a new form can be spelled, lower-cased: what a line that may use a new name holds.
        self.new_forms = frozenset(spelling for new in self._new_keys for spelling in spellings(new))
        # A spelling of an old form whose case alone is odd (wOrk_item), and glued ones (workitem),
        # each with how many words the form has: split into more, it was an odd case (wOrkItem).
        self._joined = frozenset(joiner.join(old) for old in self.forms for joiner in JOINERS if joiner and len(old) > 1)
        self._glued = {"".join(old): len(old) for old in self.forms}
        every = {spelling for old in self.forms for spelling in spellings(old)}
        # Every spelling of an old form holds one stem, in some case (`jobs` holds `job`).
        self.stems = tuple(sorted(spelling for spelling in every
                                  if not any(other != spelling and other in spelling for other in every)))
        self.needles = tuple(stem.encode() for stem in self.stems)
        self._mention = re.compile("|".join(map(re.escape, self.stems)), re.IGNORECASE)
        self._ascii_stems = all(stem.isascii() for stem in self.stems)
        # What scan looks for: every spelling, longest first, so that the stretch it splits into words
        # holds the whole of each (`b_job` of a term `b_job` is more than the stem `job` of another).
        longest_first = sorted(every, key=lambda spelling: (-len(spelling), spelling))
        # ASCII case folding only: a match that folds a character outside ASCII (ſ, K) is no word of ours.
        self._spelling = re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE | re.ASCII)
        self._stem = re.compile("|".join(map(re.escape, self.stems)), re.IGNORECASE | re.ASCII)
        self._memo: dict[str, str | None] = {}

    def renames(self, name: str) -> bool:
        """Would a rename change `name` (it mentions the term, and the term is rewritten there)?"""
        return self.mentions(name) and self.rewrite(name) is not None

    def mentions(self, text: str) -> bool:
        """Cheap test: does the text contain an old form anywhere, in any case?

        Asked of nearly every name in a file: text is lowered and searched, twice as
        fast as the case-insensitive pattern, which is kept for the rest: stems outside
        ASCII, and text holding a character the pattern takes for an ASCII letter in
        another case (FOLDS_TO_ASCII; no other lowers to one)."""
        if text.isascii() or not self._folds(text):
            lowered = text.lower()
            for stem in self.stems:
                if stem in lowered:
                    return True
            return False
        return self._mention.search(text) is not None

    def _folds(self, text: str) -> bool:
        """Must the case-insensitive pattern be asked, rather than the lowered text searched? For a
        stem outside ASCII, or a character of FOLDS_TO_ASCII in the text."""
        return not self._ascii_stems or any(special in text for special in FOLDS_TO_ASCII)

    def spelled_in(self, text: str, *, written: bool = True) -> bool:
        """Does a module's text spell the term in a name or anywhere else? Outside ASCII, a name in
        the tree is the NFKC form of its spelling in the text (`ｊｏｂ` is `job`): the text is asked
        as written and in that form. (An identifier ends at a character that starts afresh, such as
        a space or an operator, so its form is a part of the whole text's.) `written=False`: its
        bytes are known not to mention the term as written (the pre-filter's test), which answers
        for the text as written too, but where the case-insensitive pattern would differ."""
        if (written or self._folds(text)) and self.mentions(text):
            return True
        # Most text outside ASCII is in that form already (accented letters): then it spells nothing more.
        return not text.isascii() and not unicodedata.is_normalized("NFKC", text) \
            and self.mentions(unicodedata.normalize("NFKC", text))

    def scan(self, text: str) -> list[WordMatch]:
        """Every legacy, odd-case or glued term in `text`, in order.

        Only the stretches around a spelling of an old form (whole runs of
        letters and digits, and the runs a spelling joins) are split into
        words: a docstring that names the term once costs a run or two, not
        all its words.
        """
        found: list[WordMatch] = []
        segment: list = []  # [start, end, spellings found] of the stretch being gathered
        position = 0
        search = self._spelling.search
        while True:
            mention = search(text, position)
            if mention is None:
                break
            position = mention.start() + 1  # spellings may overlap (work_item_type: work_item, item_type)
            start, end = span = mention.span()
            while start and text[start - 1] in _RUN_CHARS:
                start -= 1
            while end < len(text) and text[end] in _RUN_CHARS:
                end += 1
            if segment and start < segment[1]:
                segment[1] = max(segment[1], end)
                segment[2].append(span)
            else:
                if segment:
                    self._scan_segment(text, *segment, found)
                segment = [start, end, [span]]
        if segment:
            self._scan_segment(text, *segment, found)
        return found

    def _scan_segment(self, text: str, start: int, end: int, spelled: list[tuple[int, int]],
                      found: list[WordMatch]) -> None:
        # A segment starts and ends a run, and no word crosses a run: the words of the whole text there.
        words = [(word.start(), word.end(), word.group()) for word in _WORD.finditer(text, start, end)]
        here: list[WordMatch] = []
        firsts = self._firsts
        index = 0
        while index < len(words):
            if words[index][2].lower() in firsts:
                match, used = self._match_at(text, words, index)
                if match is not None:
                    here.append(match)
                    index += used
                    continue
            index += 1
        # Every spelling found lies in a term taken: nothing is left over. A stem at p starts a
        # spelling found at p (the longest there), so it lies in the same term.
        for low, high in spelled:
            for match in here:
                if match.start <= low and high <= match.end:
                    break
            else:
                break
        else:
            found.extend(here)
            return
        # A stem no term took: a glued word (cronjob, workitem) or an odd case (jOb, wOrk_item).
        for low, high in self._stems_in(text, start, end):
            if any(match.start < high and low < match.end for match in here):
                continue
            touched = [word for word in words if word[0] < high and low < word[1]]
            if not touched:
                continue
            first, last = touched[0][0], touched[-1][1]
            piece = text[first:last]
            lowered = piece.lower()
            odd = lowered in self._joined or self._glued.get(lowered, len(touched)) < len(touched)
            here.append(WordMatch(first, last, piece, MatchKind.ODD if odd else MatchKind.GLUED, None))
        here.sort()
        found.extend(here)

    def _stems_in(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Where a stem stands in text[start:end], overlaps included, in order."""
        spans = []
        search = self._stem.search
        while True:
            found = search(text, start, end)
            if found is None:
                return spans
            spans.append(found.span())
            start = found.start() + 1

    def _match_at(self, text: str, words: list[tuple[int, int, str]], index: int) -> tuple[WordMatch | None, int]:
        """The longest term whose words start at words[index], and how many words it takes."""
        for count in self._lengths:
            if index + count > len(words):
                continue
            if count == 1:
                start, end, word = words[index]
                new = self.forms.get((word.lower(),))
                if new is None:
                    continue
                if len(new) == 1:  # one word for one: only its case shape matters
                    word_shape = shape(word)
                    if word_shape is Shape.ODD:
                        return WordMatch(start, end, word, MatchKind.ODD, None), 1
                    return WordMatch(start, end, word, MatchKind.TERM, apply_shape(new[0], word_shape)), 1
                style = style_in_context(text, start, end)
            else:
                chunk = words[index:index + count]
                gaps = {text[chunk[at][1]:chunk[at + 1][0]] for at in range(count - 1)}
                joiner = gaps.pop()
                if gaps or joiner not in JOINERS:
                    continue
                new = self.forms.get(tuple(word.lower() for _, _, word in chunk))
                if new is None:
                    continue
                start, end = chunk[0][0], chunk[-1][1]
                style = style_of_words([word for _, _, word in chunk], joiner)
            if style is None:
                return WordMatch(start, end, text[start:end], MatchKind.ODD, None), count
            return WordMatch(start, end, text[start:end], MatchKind.TERM, render(new, style)), count
        return None, 0

    def doubled(self, name: str) -> bool:
        """Does a new form stand right after another in `name` (`TwoStepStep`, `step_build_step`)?"""
        words = tuple(word.lower() for _, _, word in split_words(name))
        ends: set[int] = set()  # where a new form found so far ends
        for start in range(len(words)):
            for new in self._new_keys:
                if words[start:start + len(new)] == new:
                    if start in ends:
                        return True
                    ends.add(start + len(new))
        return False

    def rewrite(self, text: str) -> str | None:
        """The text with every legacy term replaced, or None when nothing changes.

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
