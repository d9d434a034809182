"""The analysis: discover, pre-filter, gather, find.

`analyze` is shared by `check` and `migrate`: both see exactly the same sites.
What a migration does with them lives beside it: planning.py turns sites into
edits for the chosen stages, refusing collisions as a whole (a refused name
keeps its old spelling everywhere, so nothing is ever half renamed), and
rewrite.py writes, or only reports, what the plan changes.

Where the time goes. Most files of a large repository never mention the term:
a byte-level pre-filter decides which files are read at all (in a large
project, by the worker processes), sites are found with `ast` by one finder
that `check` and `migrate` share, and LibCST parses only the files being
rewritten. Two rounds of work run in a crew of `--workers` processes
(parallel.py): first every first-party module that mentions the term is
parsed and summarised once, for the project-wide facts, then each file is
searched by the process that parsed it, so no file is parsed twice. The
command deals the second round a few files at a time, each worker's own
first, and works through its own share in between, so no one waits while
another works. The command runs without the cyclic garbage collector and
leaves without freeing its trees one by one (launch.py).

Measured on the benchmark's dense corpus (README, "Performance"), a cold
`check` with 2 workers (~0.27 s, writing the cache) spends, in the process
that runs the command: starting Python ~4%, importing termshift ~15%
(creating its dataclasses is a fifth of that), the configuration, discovery
and the pre-filter ~8%, summarising the 31 modules that mention the term ~24%,
searching the 50 files that mention it or look members up by a computed name
~42% (those 19 lookup files, which never spell the term, are about a third of
the search: each may reach a class whose members do, see lookup_reach.py),
and the plan, the lint, the output and the run's record ~8%. Writing the
cache is ~3% of a cold run. The largest savings were in what is not asked —
summarising, ahead of the search, every module its files import anything from
and asking of every method whether it overrides a third-party one cost about
as much as the search itself — and in what runs in one process while the
others wait: click, one more forked worker (its page copies cost more than
the parent's share of the work), and making each finding.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from . import files, markers, parallel, prefilter, replay, spill
from .analysis_cache import AnalysisCache
from .config import Config
from .deprecation import is_test_module
from .index import Index, pack_summary, summarize_module, worth_packing
from .manifest import Upstream
from .project import Project
from .sites import Site
from .sitetable import PACK_FROM, SiteTable
from .sourcetable import SourceTable
from .vocabulary import Vocabulary
from .workspace import TOO_DEEP, Problem, Workspace

if TYPE_CHECKING:
    from .cache import Cache
    from .finder import Collision

TYPE_KINDS = frozenset({"class", "type-alias", "type-var"})


FIELD_KINDS = frozenset({"field", "attribute", "payload-key"})  # the kinds of site a payload key may be


@dataclass(repr=False, eq=False)
class Analysis:
    """Every site in the targets, and what was learnt finding them: shared by check and migrate."""

    root: Path
    project: Project
    index: Index
    vocabulary: Vocabulary
    sites: SiteTable = field(default_factory=SiteTable)  # relative path -> sites (packed in a large run)
    collisions: dict[str, list[Collision]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: SourceTable[str] = field(default_factory=SourceTable)  # spilled in a large run, as the sites are packed
    targets: list[Path] = field(default_factory=list)
    skipped_generated: list[str] = field(default_factory=list)
    given: list[Path] = field(default_factory=list)
    # Paths named but not read, and symlinks the walk passed by under the named folders: (path, why).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Every symlink in the project (walked past, never read) -> its resolved target: what they
    # point at is never moved, or the link would dangle.
    links: dict[Path, Path] = field(default_factory=dict)
    # Files whose bytes hold prefilter.COMMENT_MARK: the lint reads these for suppressions and compat markers,
    # and needn't read every other file of the project again to learn it has none.
    marked: set[Path] = field(default_factory=set)
    exclude: tuple[str, ...] = ()  # the config's excludes: the project's other text files are found with them
    # The project's other text files (not Python, not packaging metadata) a plan rewrites, by relative
    # path, kept in `sources` once read: dotted paths to the project's code in them move with it.
    others_read: set[str] = field(default_factory=set)
    # Sub-projects under the named folders (their own roots, configs and indexes): not analysed here.
    nested: list[Path] = field(default_factory=list)
    rename_manifest: bool = True  # the config's: `apply` writes the packages' rename manifests
    _payload: tuple[int, frozenset[str]] | None = field(default=None, repr=False, compare=False)

    def compat_pieces(self, path: str) -> list[markers.Piece]:
        """The compat code in a file: its sites are seen (the lint needs them) but never planned."""
        source = self.sources.get(path)
        return markers.scan(source.text) if source is not None else []

    def all_sites(self) -> Iterable[Site]:
        for sites in self.sites.values():
            yield from sites

    def payload_names(self) -> frozenset[str]:
        """Of the names of the sites a payload key could be (FIELD_KINDS), those that are one
        (`Index.payload_names`): asked only of them, the index reads fewer modules to tell."""
        if self._payload is None or self._payload[0] != len(self.index.facts):
            asked = frozenset(site.old for site in self.all_sites() if site.kind in FIELD_KINDS)
            self._payload = (len(self.index.facts), self.index.payload_names(asked))
        return self._payload[1]


def run_options(root: Path, workers: int | None, no_cache: bool) -> tuple[int, "Cache | None"]:
    """`--workers` and `--no-cache` as `analyze` takes them (for `check` and `migrate` alike)."""
    cache = None
    if not no_cache:
        from .cache import Cache

        cache = Cache(root)
    return (workers or parallel.default_workers()), cache


def analyze(
    root: Path,
    paths: Iterable[Path],
    config: Config,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    cache: "Cache | None" = None,
    also: bytes | None = None,
    meanwhile: Callable[[], None] | None = None,
    phase: Callable[[str], None] | None = None,
    only_named: bool = False,
    rewriting: bool = False,
) -> Analysis:
    """Find every site in the files named by `paths`, with the whole project as context.

    The project is discovered and pre-filtered once; the index is built here,
    in this process, and then the files are searched, by `workers` processes
    (parallel.py) when that pays. With a `cache`, files whose findings are
    known from an earlier run, against the same project, are not searched.
    Project files whose bytes hold `also` (lowercase; matched regardless of
    case) are searched too, as if named: the pre-filter reads every file anyway.
    So are files that look members up by a computed name, unless `only_named`
    (the proof, which reads no other file's sites).
    With `rewriting` (a migration of `paths`, which leaves every other file as it
    is), what makes a wire literal the project's own to rename (a key it writes,
    an event type it sends, a route it serves) counts only where the run rewrites
    it: a read renamed while the write stays is half a rename. `check` judges
    every file as a migration of the whole project would.
    `meanwhile` is called once, as soon as worker processes are at work (before
    the work, without them): what the caller needs afterwards loads meanwhile,
    and whatever it raises stops the analysis. `phase(label)` is told when each
    step starts (for a progress display); `progress(done, total)` counts the search.
    """
    began = time.time_ns()  # what changes after it may be read before or after: see lookup_reach._states
    say = phase or _silent
    say("reading the project")
    root = root.resolve()
    vocabulary = config.vocabulary()
    links: list[Path] = []
    nested: list[Path] = []
    everything = files.discover(root, [root], config.exclude, links=links, nested=nested)
    paths, skipped = files.within_root(root, list(paths))
    targets = _targets(root, paths, everything, config)
    listed = set(everything)
    outside = [path for path in targets if path not in listed]  # named files the walk left out
    project = Project.build(root, [*everything, *outside], config.first_party)
    workspace = Workspace(root)
    index = Index(project, workspace.parse, _search_path(root, config), workspace.text)
    index.upstream = Upstream(vocabulary, index.search_path)
    if replay.observing is not None:
        replay.observing.folders.update(index.search_path)
    analysis = Analysis(root, project, index, vocabulary, targets=targets, given=paths, skipped=skipped,
                        exclude=tuple(config.exclude), rename_manifest=config.rename_manifest,
                        nested=[folder for folder in nested if any(given in (folder, *folder.parents) for given in paths)])
    _links(analysis, links)

    mentioning: set[Path] = set()
    looking_up: set[Path] = set()  # files read only for their computed lookups (see below)
    spreading: set[Path] = set()  # of them, those whose only such lookups are `**mapping` keywords
    named = set(targets)
    flagged: list[Path] = []
    scanned = [*everything, *outside]
    wide: list[Path] = []  # outside ASCII, and not mentioning the term as written (lookup_reach.py)
    digests: dict[Path, str] = {}  # of the files read further, for the cache's keys: made as they are read
    for path, (mentions, data, size, holds, marked, looks_up, outside_ascii, digest) in zip(
            scanned, prefilter.scan(scanned, vocabulary.needles, also, workers, digesting=cache is not None)):
        if digest is not None:
            digests[path] = digest
        if marked:
            analysis.marked.add(path)
        if outside_ascii:
            wide.append(path)
        if looks_up in ("lookup", "spreads"):
            if only_named:
                looks_up = ""  # the proof reads no other file's sites
            else:
                looking_up.add(path)
                if looks_up == "spreads":
                    spreading.add(path)
        if mentions or looks_up:
            mentioning.add(path)
            workspace.keep(path, data, size)
        if (holds or path in looking_up) and path in listed and path not in named:
            flagged.append(path)
    # A module a rename moves, though its text never spells the term: what its decorators register
    # may be named with its path (`@app.task` names the task `app.jobs.cleanup`), so it is read too.
    for path in _moved_unspelled(project, vocabulary, mentioning, workspace):
        mentioning.add(path)
        workspace.keep(path, None, workspace.size(path))
    if flagged:
        targets = analysis.targets = sorted({*targets, *flagged}, key=files.path_order)
    # A file read only because it looks members up by a computed name never spells the term: it is
    # searched for those lookups, and counts for the facts as every other such file does, summarised
    # only when a resolution leads into it.
    facts_from = sorted(path for path in mentioning if path in project.module_of and path not in looking_up)
    # The files whose string facts say what is ours only to keep, never to rename (see `rewriting`).
    unwritten = frozenset(facts_from).difference(targets) if rewriting else frozenset()
    store = AnalysisCache(cache, workspace, project, config, sorted(mentioning), unwritten, digests,
                          index.search_path) if cache is not None else None
    del digests
    index.store = store

    work = [path for path in targets if path in mentioning]
    # A large run keeps its sites packed (sitetable.py), packed where they are found, and its
    # module summaries and source texts out of memory (spill.py), from the first one decoded.
    packed = analysis.sites.packed = sum(map(workspace.size, work)) >= PACK_FROM
    index.packing = workspace.sources.packed = analysis.sources.packed = packed
    target_set = set(targets)
    for path in sorted(mentioning - target_set):
        if path in project.module_of and workspace.generated(path):
            analysis.skipped_generated.append(workspace.relative(path))

    outcomes: dict[Path, tuple] = {}
    generated: set[Path] = set()
    for path in work:
        if path in looking_up:
            # Decoded only when searched: lookup_reach may leave it out unread (a file it leaves out
            # is read as every other file that never spells the term, an undecodable one too).
            if workspace.generated(path):
                generated.add(path)
            elif store is not None:
                known = store.findings(path)
                if known is not None:
                    outcomes[path] = known
            continue
        source = workspace.source(path)
        if source is None:
            outcomes[path] = ("problem", workspace.errors[path])
        elif files.is_generated(source.text):
            generated.add(path)
        elif store is not None:
            known = store.findings(path)
            if known is not None:
                outcomes[path] = known
    if store is not None and looking_up:
        waiting = [path for path in work if path in looking_up and path not in spreading
                   and path not in outcomes and path not in generated]
        for path in _left_out_before(store, project, vocabulary, workspace, mentioning, waiting):
            outcomes[path] = ("sites", [], [])
    pending = [path for path in work if path not in outcomes and path not in generated]
    if pending and store is not None:
        store.cache.prepare()
    say(f"summarising {len(facts_from)} modules")
    # Gather: the project-wide facts come from every first-party module that mentions the term
    # (and, when files are to be searched, the facts their strings give).
    sizes = [workspace.size(path) for path in pending]
    _collector["on"] = sum(sizes) >= COLLECT_FROM  # inherited by the forked workers
    pooled = bool(pending) and parallel.worth_a_pool(workers, len(pending), sum(sizes))
    crew = parallel.Crew(workers) if pooled and parallel.start_method() == "fork" else None
    if pooled and crew is None:
        from . import finder  # noqa: F401  (once, here: not again in every forked worker)

    def prepare(update: tuple, made: list) -> _FindJob:
        """In a crew worker, after the gather: the index as the parent settled it, from the
        summaries the gather made (`made`) and what only the parent knows (`update`)."""
        gathered, known, routes, string_roles, extra = update
        _, adopted = _gathered(project, facts_from, False, {**known, **dict(zip(gathered, made))})
        _settle(index, adopted, routes, string_roles, extra)
        return _FindJob(workspace, index, vocabulary, packed, frozenset(spreading))

    waiting = [meanwhile] if meanwhile is not None else []

    def started() -> None:
        while waiting:
            waiting.pop()()

    # Which files read for their computed lookups could find anything (lookup_reach.py) is told by
    # this process before it searches any, while the crew's other workers search the rest.
    lookups = sorted(looking_up.intersection(pending).difference(spreading))
    telling = _worth_telling_apart(sum(map(workspace.size, lookups)), sum(sizes))
    if crew is None:
        started()
    with crew or contextlib.nullcontext():
        shares, gathered, known = _gather(
            index, workspace, vocabulary, store, facts_from, with_strings=bool(pending), workers=workers,
            searched=frozenset(pending), telling=telling,
            crew=(crew, pending, prepare, started) if crew is not None else None)
        started()  # no worker was needed for the first round
        say(f"searching {len(pending)} files")
        strings, adopted = _gathered(project, facts_from, bool(pending), shares)
        # What the gather handed over is let go of as soon as the index holds it: every module's
        # share, as it came from the workers, would otherwise be held through the whole search.
        del shares
        if not pending:
            for name, summary in adopted:
                index.adopt(name, summary)
        else:
            summarised = {name for name, summary in adopted if summary is not None}
            extra = []  # a target outside the project is summarised as it is found
            for path in pending:
                module = project.module_of.get(path, path.stem)
                if module not in summarised and path not in looking_up:
                    tree = workspace.tree(path)
                    if tree is not None:
                        extra.append((module, summarize_module(project, tree, module, path, workspace.text(path))))
            routes, string_roles = _string_facts(strings, unwritten, frozenset(
                path for path, _ in strings if is_test_module(project.module_of.get(path, path.stem))))
            del summarised, strings
            unreached: set[Path] = set()
            # To tell, this process's index must hold the facts, and no worker is dealt a lookup file before.
            facts = [name for name, _ in adopted] + [name for name, _ in extra] if telling else []

            def settle() -> _FindJob:
                _settle(index, adopted, routes, string_roles, extra)
                adopted.clear()
                return _FindJob(workspace, index, vocabulary, packed, frozenset(spreading))

            def tell_apart() -> list[int]:
                """The numbers, in `pending`, of the lookup files that reach nothing (once settled)."""
                from . import lookup_reach

                say(f"telling apart {len(lookups)} files read for their computed lookups")
                unreached.update(lookup_reach.unreached(
                    index, vocabulary, facts, lookups, wide, read=workspace.read,
                    size=workspace.size, since=began, remember=store.save_reach if store is not None else None))
                say(f"searching {len(pending) - len(unreached)} files")
                return [number for number, path in enumerate(pending) if path in unreached]

            if crew is not None and crew.started:
                # Each file is searched by the worker that parsed it for the gather, where its tree still
                # is; this process, one of them, settles its own index once the others have what they
                # need to start, and tells the lookup files apart while they work on the rest.
                first = {path: number for number, path in enumerate(gathered)}
                follows = [first.get(path) for path in pending]
                del first
                withheld = [number for number, path in enumerate(pending) if path in looking_up] if telling else []
                found = crew.second((gathered, known, routes, string_roles, extra), pending, _weights(pending, sizes, spreading),
                                    follows, progress, ready=settle, keep=_spilled_outcome if packed else None,
                                    withheld=withheld, release=tell_apart if telling else None)
                searched = [path for path in pending if path not in unreached]
                found = [outcome for path, outcome in zip(pending, found) if path not in unreached]
            else:
                job = settle()
                if telling:
                    tell_apart()
                searched = [path for path in pending if path not in unreached]
                found = parallel.run(_find_file, searched, job, workers if pooled else 1,
                                     weights=[weight for path, weight in zip(pending, _weights(pending, sizes, spreading))
                                              if path not in unreached],
                                     progress=progress, keep=_spilled_outcome if packed else None)
            for path in unreached:
                outcomes[path] = ("sites", [], [])
            for path, outcome in zip(searched, found):
                outcomes[path] = outcome[:3]
                if outcome[0] == "sites" and replay.observing is not None:
                    replay.observing.files.update(outcome[4])
            del found
    index.seal()

    for path in work:
        relative = workspace.relative(path)
        if path in generated:
            analysis.skipped_generated.append(relative)
            continue
        outcome = outcomes[path]
        if outcome[0] == "problem":
            analysis.problems.append(outcome[1])
            continue
        _, sites, collisions = outcome
        analysis.sites[relative] = sites
        if collisions:
            analysis.collisions[relative] = collisions
        if not sites and not collisions and path in looking_up:
            # A computed-lookup file that gave nothing (left out, or searched and found empty): it
            # never spells the term, so no text of it is needed, whichever process decoded it.
            continue
        if path not in workspace.sources:
            workspace.source(path)
        analysis.sources.take(relative, workspace.sources, path)
    _metadata(analysis, workspace, root, paths)
    workspace.raw.clear()  # the bytes of files that mention the term but were never decoded
    return analysis


def _moved_unspelled(project: Project, vocabulary: Vocabulary, mentioning: set[Path], workspace: Workspace) -> list[Path]:
    """The modules a rename moves (a part of the dotted name spells the term) whose text doesn't
    spell it, that decorate something or read a `__module__`: a decorator or a method may name
    what is there with the module's path."""
    found = []
    for name, path in project.modules.items():
        if path in mentioning or not any(map(vocabulary.renames, name.split("."))):
            continue
        data = workspace.read(path)
        if data is None or b"@" in data or b".__module__" in data:
            found.append(path)
    return found


def _weights(pending: list[Path], sizes: list[int], spreading: set[Path]) -> list[int]:
    """What searching each file costs, as the search is dealt (heaviest first): its size, but for
    a file read only for its `**mapping` keywords, whose search is mostly a word test of its bytes
    (`_find_file`). Weighed as a full search, these cheap files are dealt among the heavy ones, and
    a worker holding only them runs out while this process is busy with a heavy one."""
    return [size // SPREAD_SHARE if path in spreading else size for path, size in zip(pending, sizes)]


# How much cheaper than a file's search its word test is, about (the bench's dense corpus: 79 such
# files, 0.25 ms each, against ~4 ms for a searched file of the same size).
SPREAD_SHARE = 16


def _worth_telling_apart(lookups: int, searched: int) -> bool:
    """Is telling apart the computed-lookup files that reach nothing (lookup_reach.py) worth what it
    takes, with `lookups` bytes of them in `searched` bytes to search? This process tells while the
    others search, so it pays where they are most of the search, as the standard library's ~200
    are, and more than telling could cost; otherwise every one is searched."""
    return lookups >= TELL_APART_FROM and lookups > searched - lookups


# Bytes of computed-lookup files below which telling them apart is not tried: its set cost
# (~10 ms) is what searching ~30 KB of them takes, and where they are few, most of them spell a
# name that leads there (a project that spells the term often: dense's 19 files all do).
TELL_APART_FROM = 1 << 19


def _left_out_before(store: "AnalysisCache", project: Project, vocabulary: Vocabulary, workspace: Workspace,
                     keyed: set[Path], waiting: list[Path]) -> list[Path]:
    """Of the files read only for their computed lookups that have no findings in the cache, those
    an earlier run left out (it has no findings of their own to keep) and whose names, that run's,
    still tell so (lookup_reach.py)."""
    if not waiting:
        return []
    from . import lookup_reach

    remembered = store.reach()
    if not isinstance(remembered, lookup_reach.Remembered):
        return []
    return lookup_reach.unreached_as_remembered(remembered, project.modules, vocabulary, waiting,
                                                read=workspace.read, keyed=keyed) or []


def _silent(label: str) -> None:
    pass


def _links(analysis: Analysis, links: list[Path]) -> None:
    """The symlinks the walk passed by: remembered with their targets, and named when under a named folder."""
    root = analysis.root
    for link in links:
        target = Path(os.path.realpath(link))
        analysis.links[link] = target
        if any(folder == root or folder in link.parents for folder in analysis.given):
            where = (f"to {target.relative_to(root).as_posix()}" if target.is_relative_to(root)
                     else f"to {target}, outside the project")
            analysis.skipped.append((link.relative_to(root).as_posix(), f"a symlink {where}: symlinks are neither read nor rewritten"))


def _targets(root: Path, paths: list[Path], everything: list[Path], config: Config) -> list[Path]:
    """The files `paths` name: folders inside the project are a part of `everything`, already walked."""
    if paths == [root]:
        return everything
    inside = [path for path in paths if path.is_dir() and (path == root or root in path.parents)]
    named = [path for path in paths if path not in inside]
    found: set[Path] = set()
    if root in inside:
        found.update(everything)
    elif inside:
        prefixes = tuple(str(folder) + os.sep for folder in inside)
        found.update(path for path in everything if str(path).startswith(prefixes))
    if named:
        found.update(files.discover(root, named, config.exclude))
    return sorted(found, key=lambda path: path.parts) if os.name == "posix" else sorted(found)


@dataclass(repr=False, eq=False)
class _FindJob:
    """What finding one file needs: inherited by forked workers, pickled once for the others."""

    workspace: Workspace
    index: Index
    vocabulary: Vocabulary
    pack: bool = False  # send the sites packed (sitetable.py): a large run keeps them so
    spreads: frozenset[Path] = frozenset()  # files read only for their `**mapping` keywords
    # The names of the callables whose keywords spell the term (`Index.keyword_takers`), but for
    # those that spell it too: no file of `spreads` does. Made once a process, when first needed.
    _spread: tuple[str, ...] | None = None

    def spread(self) -> tuple[str, ...]:
        if self._spread is None:
            vocabulary = self.vocabulary
            names = self.index.keyword_takers(vocabulary.renames)
            self._spread = tuple(sorted(name for name in names if not vocabulary.mentions(name)))
        return self._spread


def _load_the_search() -> None:
    """A forked crew worker's wait between its rounds: the finder's modules load while the
    parent settles the first round (the parent loads them as it starts its own search)."""
    from . import finder  # noqa: F401


def _find_file(job: _FindJob, path: Path) -> tuple:
    """("sites", sites, collisions, modules consulted, third-party sources read) or ("problem", problem)."""
    from . import thirdparty
    from .finder import Finder

    workspace, index = job.workspace, job.index
    if path in job.spreads:
        # Its `**mapping` keywords can name nothing a rename changes unless it spells the name of a
        # callable that takes one (Index.keyword_takers): then it is searched.
        from .lookup_reach import spells_any, spells_the_term

        data = workspace.read(path)
        if data is not None and not spells_the_term(data, path, job.vocabulary) and not spells_any(data, job.spread()):
            workspace.drop(path)
            outcome = ("sites", [], [], (), ())
            if index.store is not None:
                index.store.save_findings(path, outcome)
            return outcome
    _collect_garbage(0)
    tree = workspace.tree(path)
    if tree is None:
        workspace.drop(path)
        outcome = ("problem", workspace.errors[path])
        if index.store is not None:
            index.store.save_findings(path, outcome)
        return outcome
    source = workspace.source(path)
    relative = workspace.relative(path)
    module = index.project.module_of.get(path, path.stem)
    index.begin_file()
    read = thirdparty.recording()
    try:
        finder = Finder(index=index, vocabulary=job.vocabulary, path=relative, module=module, text=source.text,
                        tree=tree, strings=workspace.strings.get(path))
        spool = finder.search(untie=_garbage_is_freed())
        found = finder.result
    except RecursionError:
        return ("problem", Problem(relative, 1, 0, TOO_DEEP))
    finally:
        consulted = index.end_file()
        thirdparty.stop(read)
        workspace.drop(path)
        finder = tree = None
    _collect_garbage(len(source.text))  # the tree goes before the sites are made a list
    found.sites = spool.sorted()
    outcome = ("sites", found.sites, found.collisions, tuple(sorted(consulted)), tuple(sorted(read)))
    if index.store is not None:
        index.store.save_findings(path, outcome)
    if job.pack:
        from .sitetable import pack

        return ("sites", pack(found.sites), *outcome[2:])
    return outcome


def _metadata(analysis: Analysis, workspace: "Workspace", root: Path, targets: list[Path]) -> None:
    """Packaging metadata at the root, when the run covers the root itself."""
    if not any(root == path or root in path.parents for path in targets):
        return
    from termshift.codemods import packaging

    for path in packaging.metadata_files(root):
        if not files.read_bytes_prefilter(path, analysis.vocabulary.needles):
            continue
        source = workspace.source(path)
        if source is None:
            continue
        relative = workspace.relative(path)
        sites = packaging.find_sites(relative, source.text, analysis.index, analysis.vocabulary)
        if sites:
            analysis.sites[relative] = sites
            analysis.sources[relative] = source


def _gather(index: Index, workspace: Workspace, vocabulary: Vocabulary, store: "AnalysisCache | None", paths: list[Path],
            *, with_strings: bool, workers: int, searched: frozenset[Path] | None = None, telling: bool = False,
            crew: "tuple[parallel.Crew, list[Path], Callable[[tuple, list], _FindJob], Callable[[], None]] | None"
            = None,
            ) -> tuple[dict[Path, tuple], list[Path], dict[Path, tuple]]:
    """Each module's share of what the index learns up front: its summaries (the project-wide
    facts) and, with `with_strings`, its share of the string facts. Each is made
    once, by a pool worker when that pays, or read from the cache. Returns every share by
    module path, the modules summarised in this round, and the shares the cache gave.

    With a `crew` (the crew, the files it will search next, how its workers then get ready,
    and what this process does once they are at work), the round is the crew's first: its
    workers keep the trees they parse. Of the files not in `searched` (when given), no tree
    is kept; nor, `telling` (lookup files apart, in this process, while the others search), of
    those this process summarises: the others will have searched them before it is done."""
    project = index.project
    names_of: dict[Path, list[str]] = {}
    for name in _order(project, paths):
        names_of.setdefault(project.modules[name], []).append(name)
    wanted = sorted(set(names_of) | (set(paths) if with_strings else set()), key=lambda path: path.parts)
    known: dict[Path, tuple] = {}
    missing = []
    for path in wanted:
        summaries = {name: store.load(name, path) for name in names_of.get(path, ())} if store else {}
        share = store.strings(path) if store and with_strings and path in paths else None
        if store and all(summary is not None for summary in summaries.values()) and (
                share is not None or not with_strings or path not in paths):
            known[path] = (summaries, share)
        else:
            missing.append(path)
    shares = dict(known)
    if missing:
        sizes = [workspace.size(path) for path in missing]
        if not parallel.worth_a_pool(workers, len(missing), sum(sizes)):
            workers = 1
        elif with_strings:
            from . import literals  # noqa: F401  (once, here: not again in every forked worker)
        if store is not None:
            store.cache.prepare()  # before any worker writes (see Cache.prepare)
        job = _ShareJob(workspace, project, vocabulary.needles, names_of, frozenset(paths) if with_strings else frozenset(),
                        store, searched, pack=index.packing)
        if crew is not None and workers > 1 and len(missing) > 1:
            team, then, prepare, started = crew
            job.busy = os.getpid() if telling else 0
            made = team.first(_module_share, missing, job, sizes, second=_find_file, second_items=then, prepare=prepare,
                              meanwhile=_load_the_search, started=started, keep=_spilled_share if job.pack else None)
        else:
            made = parallel.run(_module_share, missing, job, workers, weights=sizes,
                                keep=_spilled_share if job.pack else None)
        for path, share in zip(missing, made):
            shares[path] = share
    return shares, missing, known


def _spilled_share(share: tuple[dict, tuple | None]) -> tuple[dict, tuple | None]:
    """A module's share as a large run holds it until the index adopts it: its summaries spilled."""
    summaries, strings = share
    return {name: spill.keep(summary) if type(summary) is bytes else summary
            for name, summary in summaries.items()}, strings


def _spilled_outcome(outcome: tuple) -> tuple:
    """A file's search as a large run holds it until the end: its packed sites spilled, and without
    the modules it consulted (the cache, which wants them, has them already), or the third-party
    sources it read unless a replayed run records them."""
    if outcome[0] == "sites" and type(outcome[1]) is bytes:
        return (outcome[0], spill.keep(outcome[1]), outcome[2], (),
                outcome[4] if replay.observing is not None else ())
    return outcome


def _order(project: Project, paths: list[Path]) -> list[str]:
    """The modules of `paths`, each once: the order the index adopts them in."""
    return list(dict.fromkeys(project.module_of[path] for path in paths))


def _gathered(project: Project, paths: list[Path], with_strings: bool,
              shares: dict[Path, tuple]) -> tuple[list[tuple], list[tuple]]:
    """From the gather's shares: with `with_strings`, the string facts' shares in the order of
    `paths`, each as (path, share); and the summaries of the modules of `paths`, as (name, summary) in the order the
    index adopts them."""
    adopted = [(name, shares[project.modules[name]][0].get(name)) for name in _order(project, paths)]
    strings = [(path, shares[path][1]) for path in paths if shares[path][1] is not None] if with_strings else []
    return strings, adopted


def _settle(index: Index, adopted: list[tuple], routes, string_roles, extra: list[tuple]) -> None:
    """What the parent learnt from the gather, given to an index: in the parent, and in a crew
    worker, whose own copy of the index must end up the same."""
    for name, summary in adopted:
        index.adopt(name, summary)
    index.routes, index.string_roles = routes, string_roles
    for name, summary in extra:
        index.adopt(name, summary)
    index.seal()


@dataclass(repr=False, eq=False)
class _ShareJob:
    """What summarising one module needs: inherited by forked workers, pickled once for the others."""

    workspace: Workspace
    project: Project
    needles: tuple[bytes, ...]
    names_of: dict[Path, list[str]]
    strings_of: frozenset[Path]
    store: "AnalysisCache | None" = None  # where the worker that made a share keeps it for later runs
    # The files the next round searches: the others' trees are dropped once summarised, so that
    # the memory is parsed into again instead of fresh pages (each a page fault) being taken.
    searched: frozenset[Path] | None = None
    kept: int = 0  # source bytes of the trees this process keeps for the search (TREES_KEPT)
    pack: bool = False  # summaries go back packed (index.pack_summary): a large run keeps them so
    busy: int = 0  # the process that keeps no tree: it has other work before the search (`_gather`)


def _module_share(job: _ShareJob, path: Path) -> tuple[dict, tuple | None]:
    """A module's summaries (None when it can't be parsed) and its share of the string facts:
    functions of its text alone, so pool workers make them and the cache keeps them."""
    _collect_garbage(0)
    tree = job.workspace.tree(path)
    if tree is None:
        return {name: None for name in job.names_of.get(path, ())}, None
    text = job.workspace.text(path)
    try:
        summaries = {name: summarize_module(job.project, tree, name, path, text)
                     for name in job.names_of.get(path, ())}
    except RecursionError:  # too deep to follow: as if it didn't parse (the search reports it)
        return {name: None for name in job.names_of.get(path, ())}, None
    share = None
    if path in job.strings_of and _quotes_the_term(job, path):
        from .literals import StringRoles, registered_routes, string_context

        roles = StringRoles()
        try:
            context = job.workspace.strings[path] = string_context(tree, text, job.needles)
            roles.add(tree, job.needles, text, context)
        except RecursionError:
            job.workspace.strings.pop(path, None)
            return {name: None for name in summaries}, None
        # Plain data, so reading it back from the cache imports nothing.
        # Only the kinds of evidence it gives: a large project's modules mostly give none, and an
        # empty set a kind, for each of them, would be ~1 KB a module held to the end of the gather.
        share = (frozenset(registered_routes(tree, text)),
                 {name: set(values) for name, values in vars(roles).items() if values})
    if job.store is not None:
        for name, summary in summaries.items():
            job.store.save(name, path, summary)
        if share is not None:
            job.store.save_strings(path, share)
    if job.pack:
        summaries = {name: pack_summary(summary) if summary is not None and worth_packing(summary) else summary
                     for name, summary in summaries.items()}
    if (job.searched is not None and path not in job.searched) or job.busy == os.getpid():
        job.workspace.drop(path)
    elif job.kept + len(text or "") <= TREES_KEPT:
        job.kept += len(text or "")  # each worker counts its own: it has its own copy of the job
    else:
        job.workspace.drop(path)  # parsed again when searched: cheaper than holding every tree
    _collect_garbage(len(text or ""))
    return summaries, share


# Source bytes whose trees one process keeps from the gather to the search (a tree takes ~50x
# its source: this is ~50 MB). A project up to about this size per worker is parsed once; in a
# larger one, the trees past it are dropped after the gather and parsed again for the search
# (ast.parse is a small share of a file's search), so that memory stops growing with the project.
TREES_KEPT = 1_000_000

# Source bytes searched between two collections of the garbage the search leaves: its scopes and
# string walks refer to each other, and to the file's tree, which reference counting alone
# then never frees (so this many bytes of source have their trees alive at most: ~10 MB).
GARBAGE_EVERY = 200_000
# ...in a run that searches at least this many bytes: below it, the garbage together is smaller
# than the trees kept anyway (TREES_KEPT), and collecting it would only cost time (~3%).
COLLECT_FROM = 2_000_000
_collector = {"pid": 0, "since": 0, "on": False}


def _collect_garbage(size: int) -> None:
    """Free the cycles a module's summary or search left, once they add up, where the collector is off.

    The command runs with the collector off (launch.py): most of what a run makes lives to its
    end. The first call in a process moves everything it holds out of the collector's reach
    (gc.freeze: nothing in it is garbage, and a forked worker would copy every page it
    inherited by walking it); from then on, collecting the youngest generation walks only what
    was made since the last time: it costs in proportion to the work, not to the project."""
    import gc

    if gc.isenabled() or not _collector["on"]:
        return  # a library user's process, whose collector frees the cycles; or a small run
    if _collector["pid"] != os.getpid():  # the process's first module is about to be read
        gc.freeze()
        _collector["pid"], _collector["since"] = os.getpid(), 0
    _collector["since"] += size
    if _collector["since"] >= GARBAGE_EVERY:
        _collector["since"] = 0
        gc.collect(0)


def _garbage_is_freed() -> bool:
    """Is what a file's search leaves behind ever freed in this process? Not in a small run of the
    command (the collector is off, and the process ends without tearing anything down): there a
    tree left tied up in its scopes costs nothing, and freeing it an object at a time would."""
    import gc

    return gc.isenabled() or _collector["on"]


def _quotes_the_term(job: _ShareJob, path: Path) -> bool:
    """Can this module add to the string facts at all? They come from strings without
    whitespace that hold the term (keys, routes, event names), and from the words of prose
    that name a key or a mapping's field (`"clusters jobs:read"`, a template's
    `${job_name}`), so one of those is needed; most modules that mention the term only do so
    in names, comments and prose, and skip the walk."""
    source = job.workspace.source(path)
    return source is not None and quotes_the_term(source.text, job.needles)


def quotes_the_term(text: str, needles: tuple[bytes, ...]) -> bool:
    """Does `text` hold a quote followed by a run without whitespace that holds one of `needles`,
    or one of them next to a key's `:` or in a template's field (`${…}`, `$…`, `%(…)`)?
    Without one, a module's share of the string facts is empty."""
    pattern = _QUOTED_TERM.get(needles)
    if pattern is None:
        alternatives = b"|".join(re.escape(needle) for needle in needles)
        pattern = _QUOTED_TERM[needles] = re.compile(rb"[\"'][^\"'\s]*(?:" + alternatives + rb")")
    data = text.lower().encode("utf-8", "surrogatepass")
    return pattern.search(data) is not None or _keyed_or_filled(data, needles)


_RUN = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.-")


def _keyed_or_filled(data: bytes, needles: tuple[bytes, ...]) -> bool:
    """Is one of `needles` in a run of a key's characters that a `:` joins to another
    (`jobs:read`, `admin:app_job_run`), or in a template's field (`${job_id}`, `$job_id`,
    `%(job_id)s`)? Looked for around each occurrence: a pattern without a fixed first
    character would be tried at every position of every file."""
    for needle in needles:
        at = data.find(needle)
        while at != -1:
            start, end = at, at + len(needle)
            while start and data[start - 1] in _RUN:
                start -= 1
            while end < len(data) and data[end] in _RUN:
                end += 1
            before, after = data[start - 2:start] if start > 1 else data[:start], data[end:end + 2]
            if before[-1:] == b":" and before[:1] not in b" \t\r\n\"'":
                return True
            if after[:1] == b":" and after[1:] not in b" \t\r\n\"'":
                return True
            if before[-1:] == b"$" or before in (b"${", b"%("):
                return True
            at = data.find(needle, at + 1)
    return False


_QUOTED_TERM: dict[tuple[bytes, ...], "re.Pattern[bytes]"] = {}


def _string_facts(shares: list[tuple[Path, tuple]], unwritten: frozenset[Path] = frozenset(),
                  tests: frozenset[Path] = frozenset()):
    """Project-wide facts about strings: the routes the project registers (a
    request path elsewhere, a test client's, is one of ours only when it
    matches one), and how it uses its keys and event names (see StringRoles):
    the union of each module's share. What a module of `unwritten` writes, sends
    or serves is set apart (`StringRoles.written_outside` ...): it can hold a
    literal back, and never makes one the project's to rename. An event type a
    test module builds is no event the project sends, and a key only a test
    module writes no key the project writes: a fake of what comes in (a parsed
    log's `{"type": "Job"}`, a webhook, another service's response to a
    request), or what a check expects."""
    from .literals import StringRoles

    routes: set[tuple[str, ...]] = set()
    routes_outside: set[tuple[str, ...]] = set()
    roles = StringRoles()
    for path, (module_routes, module_roles) in shares:
        outside = path in unwritten
        (routes_outside if outside else routes).update(module_routes)
        for name, values in module_roles.items():
            if path in tests and name in ("events", "written"):
                if name == "written":
                    roles.written_by_tests.update(values)
                continue
            getattr(roles, f"{name}_outside" if outside and name not in StringRoles.WHOLE else name).update(values)
    roles.settle(routes | routes_outside)
    roles.served_outside = frozenset(routes_outside - routes)
    return frozenset(routes), roles


def _search_path(root: Path, config: Config) -> tuple[str, ...]:
    """The configured folders of third-party sources, then the project's own virtual environment's
    when termshift runs outside it (thirdparty.project_environment)."""
    from .thirdparty import project_environment

    configured = tuple(str((root / entry).resolve()) for entry in config.search_path)
    return configured + tuple(folder for folder in project_environment(root) if folder not in configured)
