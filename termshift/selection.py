"""Which rules run where, and at what severity: `select`, `ignore`, `severity`, `per-path`.

Codes may be given exactly (`TSH101`), by prefix (`TSH1` = every 1xx rule,
`TSH` or `ALL` = every rule) or by rule name (`legacy-import`). Anything
else is a mistake that names the key it came from, so a typo in CI fails
loudly instead of silently checking nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from .config import Config, ConfigError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


@dataclass(frozen=True)
class RuleInfo:
    """What selecting rules and setting their severities needs to know of each."""

    code: str
    name: str
    severity: str


def resolve(spec: str, rules: Sequence[RuleInfo], where: str) -> set[str]:
    """The codes a selector names; ConfigError naming `where` when it names none."""
    text = spec.strip()
    upper = text.upper()
    if upper == "ALL":
        return {rule.code for rule in rules}
    by_name = {rule.name: rule.code for rule in rules}
    if text in by_name:
        return {by_name[text]}
    matched = {rule.code for rule in rules if rule.code.startswith(upper)} if upper else set()
    if not matched:
        raise ConfigError(f"{where}: unknown rule {spec!r} (see `termshift rules`)")
    return matched


def _resolve_all(specs: Iterable[str], rules: Sequence[RuleInfo], where: str) -> set[str]:
    codes: set[str] = set()
    for spec in specs:
        codes |= resolve(spec, rules, where)
    return codes


class Selection:
    def __init__(
        self,
        config: Config,
        rules: Sequence[RuleInfo],
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
    ):
        """`select` (command line) replaces the configured selection; `ignore` adds to it."""
        prefix = f"{config.source}: tool.termshift" if config.source else "tool.termshift"
        every = {rule.code for rule in rules}
        self.defaults = {rule.code: rule.severity for rule in rules}
        if select:
            chosen = _resolve_all(select, rules, "--select")
        elif config.select:
            chosen = _resolve_all(config.select, rules, f"{prefix}.select")
        else:
            chosen = set(every)
        chosen -= _resolve_all(config.ignore, rules, f"{prefix}.ignore")
        chosen -= _resolve_all(ignore, rules, "--ignore")
        self.codes = frozenset(chosen)
        self.severity: dict[str, str] = {}
        for spec, level in config.severity.items():
            for code in resolve(spec, rules, f"{prefix}.severity.{spec}"):
                self.severity[code] = level
        self.per_path: list[tuple[GitIgnoreSpec, frozenset[str]]] = []
        for pattern, specs in config.per_path.items():
            from pathspec import GitIgnoreSpec  # only for a per-path configuration

            codes = _resolve_all(specs, rules, f"{prefix}.per-path.{pattern}")
            self.per_path.append((GitIgnoreSpec.from_lines([pattern]), frozenset(codes)))
        self.fail_on = config.fail_on
        self._cache: dict[str, frozenset[str]] = {}

    def _ignored_at(self, path: str) -> frozenset[str]:
        if path not in self._cache:
            ignored: set[str] = set()
            for spec, codes in self.per_path:
                if spec.match_file(path):
                    ignored |= codes
            self._cache[path] = frozenset(ignored)
        return self._cache[path]

    def enabled(self, code: str, path: str) -> bool:
        return code in self.codes and code not in self._ignored_at(path)

    def severity_of(self, code: str) -> str:
        return self.severity.get(code, self.defaults.get(code, "error"))


def rule_infos(rules: Iterable) -> list[RuleInfo]:
    return [RuleInfo(rule.code, rule.name, rule.severity) for rule in rules]
