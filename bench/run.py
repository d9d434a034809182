"""Benchmark termshift against its anchors, side by side, on real code.

    python bench/run.py [--workers N] [--runs K] [--cache DIR]

Absolute times on shared machines are noise; ratios measured in the same run
are not. So every tool runs on the same corpora, round-robin, K times each,
and the table gives the median wall time and its ratio to the *LibCST floor*:
`libcst.parse_module` of exactly the files that mention the term (found by
the same byte search termshift uses), in the same number of processes.

Corpora (prepared once into a git-ignored cache):

- dense: the packages of pinned sdists of real projects of the job domain;
- heavy: the same for projects where most files mention the term (no target
  of its own: it tells whether dense's ratio comes from the work per file);
- sample: 10 files of dense that mention the term, a pre-commit-sized run;
- sparse: the running interpreter's standard library, where few files do.

Fixit 2.2.1 gets its own virtual environment in the cache and runs one
equivalent rule (bench/fixit_job_rule.py); so does termshift, installed from
this checkout (not editable), and the parse anchors run in that one. Stdlib only; this is a benchmark,
not a test, and CI does not run it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # run as a script, or imported by path
from anchor import mentions  # noqa: E402  (the anchors' own definition of "mentions the term")
DEFAULT_CACHE = HERE / ".cache"
FIXIT_VERSION = "2.2.1"
SAMPLE_SIZE = 10


@dataclass(frozen=True)
class Sdist:
    name: str
    version: str
    sha256: str
    packages: tuple[str, ...]  # folders inside the sdist that are the project's code

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tar.gz"

    @property
    def top(self) -> str:
        return f"{self.name}-{self.version}"


CELERY = Sdist("celery", "5.4.0", "504a19140e8d3029d5acad88330c541d4c3f64c789d85f94756762d8bca7e706", ("celery",))
DRAMATIQ = Sdist("dramatiq", "1.17.0", "7621280160b2f0dcb9cdd20eeee41e009d42bc7cc75a2c4b9b944c641dadd4df", ("dramatiq",))
SUBMITIT = Sdist("submitit", "1.5.2", "36a8a54ad4e10171111e7618eefe28fe819f931a89c9cd1f6d2770900c013f12", ("submitit",))
JENKINS = Sdist("python-jenkins", "1.8.2", "56e7dabb0607bdb8e1d6fc6d2d4301abedbed9165da2b206facbd3071cb6eecb", ("jenkins",))
RQ = Sdist("rq", "1.16.2", "5c5b9ad5fbaf792b8fada25cc7627f4d206a9a4455aced371d4f501cc3f13b34", ("rq",))
APSCHEDULER = Sdist("APScheduler", "3.10.4", "e6df071b27d9be898e486bc7940a7be50b4af2e9da7c08f0744a96d4bd4cef4a",
                    ("apscheduler",))
ARQ = Sdist("arq", "0.26.1", "a4db5395c3aaefe0610074b0aa125ff3392aa90a2214973be566796a5819d9cf", ("arq",))

# The corpora made of sdists. dense: real projects of the job domain, of which few files mention
# the term (celery and dramatiq say "task" and "message"). heavy: projects where most files do, so
# that the floor is the parse of most of the corpus: not a target of its own, it shows whether
# dense's ratio comes from its few mentioning files or from the work per file.
CORPORA = {
    "dense": (CELERY, DRAMATIQ, SUBMITIT, JENKINS),
    "heavy": (RQ, APSCHEDULER, ARQ, SUBMITIT, JENKINS),
}
SDISTS = tuple(dict.fromkeys(sdist for sdists in CORPORA.values() for sdist in sdists))

# A marker so that termshift (and Fixit's file walker) see each corpus as a project of its own.
CORPUS_PYPROJECT = '[project]\nname = "termshift-bench-{name}"\nversion = "0"\n'


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Preparing the cache
# ---------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ignore_itself(cache: Path) -> None:
    """The cache must never be committed, wherever it lives."""
    cache.mkdir(parents=True, exist_ok=True)
    (cache / ".gitignore").write_text("*\n")


def fetch_sdists(cache: Path) -> Path:
    folder = cache / "sdists"
    folder.mkdir(exist_ok=True)
    missing = [s for s in SDISTS if not (folder / s.filename).exists() or sha256(folder / s.filename) != s.sha256]
    if missing:
        log(f"downloading {', '.join(s.filename for s in missing)}")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--dest", str(folder), *(f"{s.name}=={s.version}" for s in missing)],
            check=True,
        )
    for sdist in SDISTS:
        actual = sha256(folder / sdist.filename)
        if actual != sdist.sha256:
            sys.exit(f"{sdist.filename}: sha256 {actual} does not match the pinned {sdist.sha256}")
    return folder


def fresh_folder(path: Path, stamp: str) -> bool:
    """True when `path` already holds what `stamp` describes; otherwise empties it."""
    marker = path / ".prepared"
    if marker.exists() and marker.read_text() == stamp:
        return True
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return False


def finish_corpus(path: Path, name: str, stamp: str) -> None:
    (path / "pyproject.toml").write_text(CORPUS_PYPROJECT.format(name=name))
    (path / ".prepared").write_text(stamp)


def prepare_sdist_corpus(cache: Path, sdists: Path, name: str) -> Path:
    """The package folders of CORPORA[name]'s sdists, as one project."""
    corpus = cache / "corpora" / name
    stamp = json.dumps([s.filename + ":" + s.sha256 for s in CORPORA[name]])
    if fresh_folder(corpus, stamp):
        return corpus
    for sdist in CORPORA[name]:
        with tarfile.open(sdists / sdist.filename) as archive:
            for member in archive.getmembers():
                parts = Path(member.name).parts
                if len(parts) < 3 or parts[0] != sdist.top or parts[1] not in sdist.packages or not member.isfile():
                    continue
                target = corpus.joinpath(*parts[1:])
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
    finish_corpus(corpus, name, stamp)
    return corpus


def prepare_sparse(cache: Path) -> Path:
    """The interpreter's standard library, Python files only, as one project."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    corpus = cache / "corpora" / "sparse"
    stamp = f"{stdlib} {platform.python_version()}"
    if fresh_folder(corpus, stamp):
        return corpus
    for folder, dirs, names in os.walk(stdlib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        for name in names:
            if name.endswith((".py", ".pyi")):
                source = Path(folder) / name
                target = corpus / source.relative_to(stdlib)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    finish_corpus(corpus, "sparse", stamp)
    return corpus


def python_files(corpus: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / name for name in names if name.endswith((".py", ".pyi")))
    return sorted(found)


def sample(dense: Path) -> list[Path]:
    """SAMPLE_SIZE files that mention the term, spread evenly over the sorted corpus."""
    chosen = [path for path in python_files(dense) if mentions(path)]
    step = max(len(chosen) // SAMPLE_SIZE, 1)
    return chosen[::step][:SAMPLE_SIZE]


def prepare_fixit(cache: Path) -> Path:
    """Fixit in its own venv, with the same LibCST version termshift uses here."""
    venv = cache / f"fixit-{FIXIT_VERSION}"
    fixit = venv / "bin" / "fixit"
    libcst_version = _installed_libcst()
    stamp = f"fixit=={FIXIT_VERSION} libcst=={libcst_version} {platform.python_version()}"
    marker = venv / ".prepared"
    if fixit.exists() and marker.exists() and marker.read_text() == stamp:
        return fixit
    log(f"building {stamp} in {venv}")
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pins = [f"fixit=={FIXIT_VERSION}"] + ([f"libcst=={libcst_version}"] if libcst_version else [])
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins], check=True)
    marker.write_text(stamp)
    return fixit


def prepare_termshift(cache: Path) -> Path:
    """This checkout of termshift installed (not editable) into a venv of its own, as pre-commit
    installs a hook and as Fixit is installed here: every tool then starts from a plain venv, not
    from an interpreter whose site-packages runs .pth hooks at every start. Its dependencies are
    installed when the venv is made; termshift itself is reinstalled on every run."""
    venv = cache / "termshift-venv"
    python = venv / "bin" / "python"
    libcst_version = _installed_libcst()
    project = HERE.parent
    stamp = (f"libcst=={libcst_version} {platform.python_version()} "
             f"{hashlib.sha256((project / 'pyproject.toml').read_bytes()).hexdigest()}")
    marker = venv / ".prepared"
    pins = [f"libcst=={libcst_version}"] if libcst_version else []
    if not (python.exists() and marker.exists() and marker.read_text() == stamp):
        log(f"building a venv for termshift in {venv}")
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(project), *pins], check=True)
        marker.write_text(stamp)
    log("installing this checkout of termshift")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(project)],
                   check=True)
    return python


def _installed_libcst() -> str | None:
    try:
        from importlib.metadata import version

        return version("libcst")
    except Exception:
        return None


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


@dataclass
class Tool:
    corpus: str
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str] | None = None
    before: object = None  # callable run before each timed run (e.g. dropping a cache)
    files: int = 0
    lines: int = 0
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def _user_env(env: dict[str, str] | None) -> dict[str, str]:
    """Every tool runs as on a user's machine: with its bytecode cached. A
    PYTHONDONTWRITEBYTECODE in this shell would make each run recompile every
    module it imports — a cost no user pays, and it falls unevenly on the tools."""
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(tool: Tool) -> None:
    if callable(tool.before):
        tool.before()
    start = time.perf_counter()
    done = subprocess.run(tool.command, cwd=tool.cwd, env=_user_env(tool.env), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    # termshift exits 1 when it finds something (check) or refuses something (migrate): both are
    # results. A traceback also exits 1, and is not.
    if done.returncode in (0, 1) and "Traceback (most recent call last)" not in done.stderr:
        tool.times.append(elapsed)
    else:
        tool.errors.append(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def peak_rss(command: list[str], cwd: Path) -> tuple[int, int]:
    """(peak of the summed RSS of the process tree, sampled; largest single process, from wait4)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    finished = threading.Event()

    def sample_tree() -> None:
        nonlocal peak
        while not finished.is_set():
            pending, total = [process.pid], 0
            while pending:
                pid = pending.pop()
                total += _rss_bytes(pid)
                pending.extend(_children(pid))
            peak = max(peak, total)
            finished.wait(0.01)

    sampler = threading.Thread(target=sample_tree, daemon=True)
    sampler.start()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    finished.set()
    sampler.join()
    return peak, usage.ru_maxrss * 1024


def help_text(python: Path, *command: str) -> str:
    done = subprocess.run([str(python), "-m", "termshift", *command, "--help"], capture_output=True, text=True, cwd=HERE)
    return done.stdout if done.returncode == 0 else ""


def count_lines(paths: list[Path]) -> int:
    return sum(path.read_bytes().count(b"\n") for path in paths)


def write_listing(cache: Path, name: str, paths: list[Path]) -> Path:
    listing = cache / f"{name}.files"
    listing.write_text("".join(f"{path}\n" for path in paths))
    return listing


def drop_folder(path: Path):
    return lambda: shutil.rmtree(path, ignore_errors=True)


def touch(path: Path):
    """A new modification time, the same content."""
    return lambda: os.utime(path)


@dataclass
class Target:
    what: str
    measured: float | None
    limit: str
    met: bool | None
    note: str = ""


def fmt_seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for termshift and the parse anchors (default: CPU count)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (default: 3)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"where corpora and Fixit live (default: {DEFAULT_CACHE})")
    parser.add_argument("--no-fixit", action="store_true", help="skip Fixit (it takes most of the time)")
    parser.add_argument("--corpora", default="dense,heavy,sparse,sample",
                        help="which corpora to measure, comma-separated (default: dense,heavy,sparse,sample)")
    args = parser.parse_args()

    cache = args.cache.resolve()
    ignore_itself(cache)
    sdists = fetch_sdists(cache)
    dense = prepare_sdist_corpus(cache, sdists, "dense")
    heavy = prepare_sdist_corpus(cache, sdists, "heavy")
    sparse = prepare_sparse(cache)
    fixit = None if args.no_fixit else prepare_fixit(cache)
    python = prepare_termshift(cache)
    sampled = sample(dense)

    notes: list[str] = []
    check_help = help_text(python, "check")
    migrate_help = help_text(python, "migrate")
    if not check_help:
        notes.append("`termshift check` does not exist yet: its rows and targets are skipped.")
    cached = "--no-cache" in check_help
    if check_help and not cached:
        notes.append("`termshift check` has no --no-cache: no cache, so the warm re-run is skipped.")

    def workers_flag(help: str) -> list[str]:
        return ["--workers", str(args.workers)] if "--workers" in help else []

    for name, text in (("check", check_help), ("migrate", migrate_help)):
        if text and "--workers" not in text:
            notes.append(f"`termshift {name}` has no --workers: it ran in one process.")

    corpora = {"dense": python_files(dense), "heavy": python_files(heavy), "sparse": python_files(sparse)}
    tools: list[Tool] = []
    # -P keeps the corpus (the current directory) off sys.path: the sparse corpus is a copy of the
    # standard library, and would otherwise be imported in place of it.
    termshift = [str(python), *(["-P"] if sys.version_info >= (3, 11) else []), "-m", "termshift"]
    me = [str(python), str(HERE / "anchor.py")]  # the anchors: the same venv, its LibCST
    fixit_env = dict(os.environ, PYTHONPATH=str(HERE))
    fixit_lint = [str(fixit), "--rules", "fixit_job_rule:JobWord", "lint"] if fixit else None

    chosen = {name.strip() for name in args.corpora.split(",") if name.strip()}
    known = {"dense", "heavy", "sparse", "sample"}
    if not chosen <= known:
        parser.error(f"unknown corpus in --corpora: {', '.join(sorted(chosen - known))}")
    for corpus_name, root in (("dense", dense), ("heavy", heavy), ("sparse", sparse)):
        if corpus_name not in chosen:
            continue
        paths = corpora[corpus_name]
        listing = write_listing(cache, corpus_name, paths)
        if corpus_name != "heavy":
            tools.append(Tool(corpus_name, "ast.parse (all files)", [*me, "ast", str(listing), "--workers", str(args.workers)], root))
        tools.append(Tool(corpus_name, "libcst floor", [*me, "libcst", str(listing), "--workers", str(args.workers), "--prefilter"], root))
        if corpus_name == "dense":
            tools.append(Tool(corpus_name, "libcst (all files)", [*me, "libcst", str(listing), "--workers", str(args.workers)], root))
        if check_help:
            tools.append(Tool(corpus_name, "termshift check", [*termshift, "check", ".", *workers_flag(check_help)], root,
                              before=drop_folder(root / ".termshift_cache") if cached else None))
            if cached and corpus_name != "heavy":
                tools.append(Tool(corpus_name, "termshift check (warm cache)", [*termshift, "check", ".", *workers_flag(check_help)], root))
                # An edit somewhere: the run can't be replayed whole, the cache still answers for unchanged files.
                touched = next(path for path in paths if mentions(path))
                tools.append(Tool(corpus_name, "termshift check (warm, 1 file touched)",
                                  [*termshift, "check", ".", *workers_flag(check_help)], root, before=touch(touched)))
        if corpus_name == "dense":
            tools.append(Tool(corpus_name, "termshift migrate --diff",
                              [*termshift, "migrate", "--diff", ".", *workers_flag(migrate_help),
                               *(["--no-cache"] if "--no-cache" in migrate_help else [])], root))
            if fixit_lint:
                tools.append(Tool(corpus_name, f"fixit {FIXIT_VERSION} (1 rule)", [*fixit_lint, "."], root, env=fixit_env))
        for tool in tools:
            if tool.corpus == corpus_name:
                tool.files, tool.lines = len(paths), count_lines(paths)

    relative_sample = [str(path.relative_to(dense)) for path in sampled]
    sample_listing = write_listing(cache, "sample", sampled)
    sample_tools = [Tool("sample", "libcst floor", [*me, "libcst", str(sample_listing), "--workers", str(args.workers), "--prefilter"], dense)]
    if check_help:
        sample_tools.append(Tool("sample", "termshift check", [*termshift, "check", *relative_sample, *workers_flag(check_help),
                                                               *(["--no-cache"] if cached else [])], dense))
    if fixit_lint:
        sample_tools.append(Tool("sample", f"fixit {FIXIT_VERSION} (1 rule)", [*fixit_lint, *relative_sample], dense, env=fixit_env))
    for tool in sample_tools:
        tool.files, tool.lines = len(sampled), count_lines(sampled)
    if "sample" in chosen:
        tools.extend(sample_tools)

    load_at_start = os.getloadavg()[0]
    # Warm the page cache and .pyc files once, untimed; then round-robin so noise spreads evenly.
    log(f"warming up ({len(tools)} tools)")
    for tool in tools:
        if "fixit" not in tool.name or tool.corpus == "sample":
            run_once(tool)
            tool.times.clear()
    for run in range(1, args.runs + 1):
        for tool in tools:
            # The warm-cache run measures the run right after a cold one: keep the pair adjacent.
            log(f"run {run}/{args.runs}: {tool.corpus} {tool.name}")
            run_once(tool)

    if cached and not (dense / ".termshift_cache").is_dir():
        notes.append("no .termshift_cache folder at the corpus root after a check: the cold runs, which remove it, "
                     "may not have been cold.")

    rss: dict[str, tuple[int, int]] = {}
    rss_subjects = []
    if check_help:
        rss_subjects.append(("termshift check", [*termshift, "check", ".", *workers_flag(check_help), *(["--no-cache"] if cached else [])]))
    rss_subjects.append(("termshift migrate --diff", [*termshift, "migrate", "--diff", ".", *workers_flag(migrate_help)]))
    for name, command in rss_subjects if "dense" in chosen else ():
        log(f"peak RSS: dense {name}")
        rss[name] = peak_rss(command, dense)

    print_report(args, tools, rss, notes, fixit is not None, (load_at_start, os.getloadavg()[0]))


def floor_of(tools: list[Tool], corpus: str) -> Tool | None:
    return next((t for t in tools if t.corpus == corpus and t.name == "libcst floor"), None)


def find(tools: list[Tool], corpus: str, prefix: str) -> Tool | None:
    return next((t for t in tools if t.corpus == corpus and t.name.startswith(prefix)), None)


def revision() -> str:
    """The commit of the working tree measured, and whether it had local changes."""
    def git(*command: str) -> str:
        done = subprocess.run(["git", "-C", str(HERE.parent), *command], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + local changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def print_report(args, tools: list[Tool], rss: dict[str, tuple[int, int]], notes: list[str], with_fixit: bool,
                 load: tuple[float, float]) -> None:
    print(f"termshift benchmark — termshift {revision()}, Python {platform.python_version()}, "
          f"libcst {_installed_libcst()}, {os.cpu_count()} CPUs, --workers {args.workers}, median of {args.runs} runs")
    print(f"load average (1 min) {load[0]:.2f} at start, {load[1]:.2f} at end: other work on the machine slows "
          "multi-process tools more than single-process ones")
    print()
    header = ("corpus", "files", "lines", "tool", "median s", "min–max s", "× floor")
    rows = []
    for tool in tools:
        floor = floor_of(tools, tool.corpus)
        ratio = tool.median / floor.median if tool.median and floor and floor.median else None
        spread = f"{min(tool.times):.2f}–{max(tool.times):.2f}" if tool.times else "failed"
        rows.append((tool.corpus, str(tool.files), str(tool.lines), tool.name, fmt_seconds(tool.median), spread,
                     "—" if ratio is None else f"{ratio:.2f}"))
    print_table(header, rows)

    targets = []

    def ratio_target(what: str, corpus: str, tool_prefix: str, limit: float) -> None:
        tool, floor = find(tools, corpus, tool_prefix), floor_of(tools, corpus)
        if tool is None or not tool.median or not floor or not floor.median:
            targets.append(Target(what, None, f"≤ {limit}× floor", None, "not measured"))
            return
        value = tool.median / floor.median
        targets.append(Target(what, value, f"≤ {limit}× floor", value <= limit))

    def speedup_target(what: str, corpus: str, limit: float) -> None:
        ours, theirs = find(tools, corpus, "termshift check"), find(tools, corpus, "fixit")
        if not (ours and theirs and ours.median and theirs.median):
            targets.append(Target(what, None, f"≥ {limit}× faster", None, "not measured"))
            return
        value = theirs.median / ours.median
        targets.append(Target(what, value, f"≥ {limit}× faster", value >= limit))

    ratio_target("dense: check", "dense", "termshift check", 0.5)
    everything, check = find(tools, "dense", "libcst (all files)"), find(tools, "dense", "termshift check")
    if everything and check and everything.median and check.median and targets[-1].measured is not None:
        # The floor counts only the files that mention the term; parsing every file is the looser anchor.
        targets[-1].note = f"{check.median / everything.median:.2f}× a LibCST parse of all files"
    ratio_target("dense: migrate --diff", "dense", "termshift migrate", 2.0)
    speedup_target("dense: Fixit time / check time", "dense", 12)
    speedup_target("sample (10 files): Fixit time / check time", "sample", 5)
    ratio_target("sparse (stdlib): check", "sparse", "termshift check", 0.5)
    cold, warm = find(tools, "dense", "termshift check"), find(tools, "dense", "termshift check (warm")
    if cold and warm and cold.median and warm.median:
        value = warm.median / cold.median
        targets.append(Target("dense: warm re-run / cold run", value, "≤ 0.15×", value <= 0.15))
    else:
        targets.append(Target("dense: warm re-run / cold run", None, "≤ 0.15×", None, "not measured"))
    for name, (total, largest) in rss.items():
        targets.append(Target(f"dense: peak RSS, {name} (all processes)", total / 2**20, "≤ 300 MB", total <= 300 * 2**20,
                              f"largest process {largest / 2**20:.0f} MB"))
    heavy_check, heavy_floor = find(tools, "heavy", "termshift check"), floor_of(tools, "heavy")
    if heavy_check and heavy_floor and heavy_check.median and heavy_floor.median:
        notes.append(f"heavy (not a target): check {heavy_check.median / heavy_floor.median:.2f}× its floor, on a corpus "
                     "where most files mention the term.")
    if not with_fixit:
        notes.append("Fixit skipped (--no-fixit).")

    print()
    rows = []
    for target in targets:
        measured = "—" if target.measured is None else (
            f"{target.measured:.0f} MB" if "MB" in target.limit else f"{target.measured:.2f}×")
        verdict = {True: "met", False: "NOT met", None: "—"}[target.met]
        rows.append((target.what, measured, target.limit, verdict, target.note))
    print_table(("target", "measured", "limit", "", "note"), rows)
    failed = [f"{t.corpus} {t.name}: {error}" for t in tools for error in t.errors[:1]]
    for line in notes + failed:
        print(f"note: {line}")


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    numeric = {i for i, title in enumerate(header) if title in ("files", "lines", "median s", "min–max s", "× floor", "measured")}

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(line(header))
    print("|" + "|".join(("-" * (w + 1) + ":" if i in numeric else "-" * (w + 2)) for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(line(row))


if __name__ == "__main__":
    main()
