"""The rule set, and the one function that decides which rule a site belongs to.

Rules never match code themselves: the finder has already turned the code
into sites, and `rule_for` is the only place that maps a site to a rule.
Everything else (problems, compat pieces, suppression comments) is not a
site and is reported by the check pipeline under the rules listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from termshift.rule import Rule
from termshift.manifest import NOTE as UPSTREAM_NOTE
from termshift.sites import Action, Role, Site

from .bare_suppression import BareSuppression
from .compat_alias_use import CompatAliasUse
from .compat_expired import CompatExpired
from .event_type import EventType
from .external_name import ExternalName
from .legacy_identifier import LegacyIdentifier
from .legacy_import import LegacyImport
from .legacy_module_path import LegacyModulePath
from .legacy_name_in_string import LegacyNameInString
from .odd_or_glued_word import OddOrGluedWord
from .payload_key import PayloadKey
from .prose import Prose
from .route import Route
from .storage_key import StorageKey
from .unparsable_file import UnparsableFile
from .unresolved_use import UnresolvedUse
from .unused_suppression import UnusedSuppression

RULES: tuple[type[Rule], ...] = (
    LegacyIdentifier,
    LegacyImport,
    LegacyModulePath,
    LegacyNameInString,
    StorageKey,
    Route,
    EventType,
    PayloadKey,
    Prose,
    ExternalName,
    UnresolvedUse,
    OddOrGluedWord,
    CompatAliasUse,
    CompatExpired,
    UnparsableFile,
    BareSuppression,
    UnusedSuppression,
)

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in RULES}

_LITERAL_RULES: dict[str, type[Rule]] = {
    "key": StorageKey,
    "route": Route,
    "event": EventType,
    "payload-key": PayloadKey,
}
_ROLE_RULES: dict[Role, type[Rule]] = {
    Role.DEFINITION: LegacyIdentifier,
    Role.REFERENCE: LegacyIdentifier,
    Role.IMPORT: LegacyImport,
    Role.MODULE_PATH: LegacyModulePath,
    Role.STRING: LegacyNameInString,
}
_WIRE_FIELD_KINDS = frozenset({"field", "attribute"})


def family(site: Site) -> str:
    """Names are only compared with names, routes with routes, keys with keys:
    an old route segment `job` says nothing about a parameter called `job`."""
    return f"literal:{site.kind}" if site.role is Role.LITERAL else "name"


@dataclass(frozen=True)
class SiteContext:
    """The project-wide facts a site's rule depends on."""

    in_compat: bool = False  # the site sits inside generated compat code
    compat_names: frozenset[tuple[str, str]] = frozenset()  # (family, old name) the compat layer still serves
    wire_names: frozenset[str] = frozenset()  # field names that become payload keys


def rule_for(site: Site, context: SiteContext = SiteContext()) -> type[Rule] | None:
    """The rule that reports `site`, or None when the site is not a finding.

    Someone else's names are never findings, nor is the compat code, which
    names the old terms on purpose. What migrate deliberately leaves — outside
    names, unresolved uses, prose, odd words — goes to rules whose severity
    is below error.
    """
    if site.action is Action.EXTERNAL or context.in_compat:
        return None
    if site.action is Action.REPORT:
        return ExternalName
    if site.action is Action.UNRESOLVED:
        return UnresolvedUse
    if site.action is Action.ODD:
        return OddOrGluedWord
    if site.role is Role.PROSE or site.kind == "prose":
        return Prose
    if site.note.startswith(UPSTREAM_NOTE):  # a dependency renamed it: its old name is gone there
        return CompatAliasUse
    if context.compat_names and (family(site), site.old) in context.compat_names:
        return CompatAliasUse
    if site.role is Role.LITERAL:
        return _LITERAL_RULES.get(site.kind, LegacyNameInString)
    if site.kind in _WIRE_FIELD_KINDS and site.old in context.wire_names:
        return PayloadKey
    return _ROLE_RULES.get(site.role, LegacyIdentifier)
