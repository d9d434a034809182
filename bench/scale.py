"""How time and memory grow with the project: a scale series on generated monorepos.

    python bench/scale.py [--sizes 800,3200,12800] [--workers 2] [--commands check,diff]
                          [--stdlib-copies 0]

Each size is a project made of copies of the bundled example's `dispatch`
package (tests/fixtures/example: eight modules, every one job-heavy), each
copy under a package name of its own (`dispatch_0000`, `dispatch_0001`, …),
with the example's stand-in third-party packages beside them. With
`--stdlib-copies K`, a further project holds K copies of the running
interpreter's standard library, each under a package name of its own: a real
large tree where few files mention the term.

For each project and command (`check --format json`, `migrate --diff`; both
`--no-cache`, `--workers N`), the table gives the wall time, the peak RSS of
the largest process (from wait4) and the peak of all processes together
(sampled from /proc every 10 ms), and each one's growth factor from the size
before. Then the targets: `check` on 3,200 files under 300 MB in the largest
process and under twice that in all; `migrate --diff` under 400 MB; memory at
12,800 files at most 1.5x memory at 3,200. The projects are generated once
into bench/.cache/scale/ (git-ignored). Stdlib only; CI does not run it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import DEFAULT_CACHE, ignore_itself, peak_rss  # noqa: E402  (the bench's own RSS sampling)

EXAMPLE = HERE.parent / "tests" / "fixtures" / "example"
FILES_PER_COPY = 8  # dispatch/: __init__, api, jobs, service, webhooks, worker, job_store/{__init__,memory}
MB = 1 << 20

# The targets of the scale series (README, "Performance").
CHECK_LARGEST_MB = 300
CHECK_ALL_FACTOR = 2.0
DIFF_LARGEST_MB = 400
GROWTH_LIMIT = 1.5
TARGET_SIZE, BIG_SIZE = 3200, 12800


def generate(folder: Path, files: int) -> Path:
    """A project of `files` job-heavy modules: the example's package, copied under new names."""
    project = folder / f"dispatch-{files}"
    stamp = project / ".complete"
    if stamp.exists():
        return project
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copytree(EXAMPLE.parent / "vendor", project / "vendor")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "dispatch-monorepo"\nversion = "0.1.0"\n\n'
        '[tool.termshift]\nsearch_path = ["vendor"]\n', encoding="utf-8")
    source = EXAMPLE / "dispatch"
    for copy in range(-(-files // FILES_PER_COPY)):
        shutil.copytree(source, project / f"dispatch_{copy:04d}", ignore=shutil.ignore_patterns("__pycache__"))
    stamp.write_text("")
    return project


def generate_stdlib(folder: Path, copies: int) -> Path:
    """The standard library, `copies` times, each copy a package of its own (`stdlib_00`, …)."""
    project = folder / f"stdlib-x{copies}"
    stamp = project / ".complete"
    if stamp.exists():
        return project
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "stdlib-monorepo"\nversion = "0.1.0"\n',
                                            encoding="utf-8")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for copy in range(copies):
        package = project / f"stdlib_{copy:02d}"
        for folder, dirs, names in os.walk(stdlib):  # as run.py's sparse corpus: its Python files
            dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
            for name in names:
                if name.endswith((".py", ".pyi")):
                    source = Path(folder) / name
                    target = package / source.relative_to(stdlib)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
        (package / "__init__.py").write_text("")
    stamp.write_text("")
    return project


def count_python(project: Path) -> int:
    vendor = project / "vendor"
    return sum(1 for _ in project.rglob("*.py")) - (sum(1 for _ in vendor.rglob("*.py")) if vendor.is_dir() else 0)


def measure(project: Path, command: list[str], workers: int) -> tuple[float, int, int]:
    """(seconds, peak RSS of the largest process, peak RSS of all processes together)."""
    full = [sys.executable, "-m", "termshift", *command, "--no-cache", "--workers", str(workers)]
    start = time.perf_counter()
    summed, largest = peak_rss(full, project)
    return time.perf_counter() - start, largest, summed


COMMANDS = {"check": ["check", "--format", "json", "--exit-zero"], "diff": ["migrate", "--diff"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="800,3200,12800", help="numbers of generated files, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--commands", default="check,diff", help="of: check, diff")
    parser.add_argument("--stdlib-copies", type=int, default=0, help="also a project of K stdlib copies")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    folder = args.cache / "scale"
    folder.mkdir(parents=True, exist_ok=True)
    ignore_itself(args.cache)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    commands = [name for name in args.commands.split(",") if name]
    projects = [(f"{size:,} files", generate(folder, size)) for size in sizes]
    if args.stdlib_copies:
        projects.append((f"stdlib x{args.stdlib_copies}", generate_stdlib(folder, args.stdlib_copies)))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
          f"--workers {args.workers}, --no-cache", flush=True)
    results: dict[tuple[str, str], tuple[float, int, int]] = {}
    rows = []
    for command in commands:
        previous = None
        for label, project in projects:
            seconds, largest, summed = measure(project, COMMANDS[command], args.workers)
            results[(command, label)] = (seconds, largest, summed)
            growth = "" if previous is None or label.startswith("stdlib") else (
                f"x{seconds / previous[0]:.2f} time, x{largest / previous[1]:.2f} largest, "
                f"x{summed / previous[2]:.2f} all")
            rows.append((command, label, f"{count_python(project):,}", f"{seconds:.1f} s", f"{largest / MB:.0f} MB",
                         f"{summed / MB:.0f} MB", growth))
            print("  ".join(rows[-1]), flush=True)
            if not label.startswith("stdlib"):
                previous = (seconds, largest, summed)
    header = ("command", "project", ".py files", "time", "largest process", "all processes", "growth")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    targets(results, sizes)


def targets(results: dict[tuple[str, str], tuple[float, int, int]], sizes: list[int]) -> None:
    def at(command: str, size: int):
        return results.get((command, f"{size:,} files"))

    lines = []
    check = at("check", TARGET_SIZE)
    if check is not None:
        lines.append((f"check, {TARGET_SIZE:,} files: largest process < {CHECK_LARGEST_MB} MB",
                      check[1] / MB < CHECK_LARGEST_MB, f"{check[1] / MB:.0f} MB"))
        lines.append((f"check, {TARGET_SIZE:,} files: all processes < {CHECK_ALL_FACTOR:g}x {CHECK_LARGEST_MB} MB",
                      check[2] / MB < CHECK_ALL_FACTOR * CHECK_LARGEST_MB, f"{check[2] / MB:.0f} MB"))
    diff = at("diff", TARGET_SIZE)
    if diff is not None:
        lines.append((f"migrate --diff, {TARGET_SIZE:,} files: largest process < {DIFF_LARGEST_MB} MB",
                      diff[1] / MB < DIFF_LARGEST_MB, f"{diff[1] / MB:.0f} MB"))
    for command in ("check", "diff"):
        small, big = at(command, TARGET_SIZE), at(command, BIG_SIZE)
        if small is not None and big is not None:
            for what, position in (("largest process", 1), ("all processes", 2)):
                factor = big[position] / small[position]
                lines.append((f"{command}: {what} at {BIG_SIZE:,} files <= {GROWTH_LIMIT:g}x at {TARGET_SIZE:,}",
                              factor <= GROWTH_LIMIT, f"x{factor:.2f}"))
    for what, met, value in lines:
        print(f"{'met ' if met else 'MISSED'}  {what}: {value}")


if __name__ == "__main__":
    main()
