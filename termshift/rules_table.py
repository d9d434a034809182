"""`termshift rules` and `termshift explain`: the rule set, as people read it.

The README's rule table is this module's Markdown output, so the docs and
the tool can't drift apart (a test compares them).
"""

from __future__ import annotations

from .rules.registry import BY_CODE, BY_NAME, RULES


def rows() -> list[tuple[str, str, str, str, str]]:
    return [(rule.code, rule.name, rule.severity, "yes" if rule.fixable else "", rule.summary) for rule in RULES]


def markdown() -> str:
    lines = ["| code | name | severity | fix | what it reports |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {code} | `{name}` | {severity} | {fix} | {summary} |" for code, name, severity, fix, summary in rows()]
    return "\n".join(lines) + "\n"


def plain() -> str:
    """Aligned columns that never wrap, whatever the terminal's width: scripts read it too."""
    table = [("code", "name", "severity", "fix", "what it reports"), *rows()]
    widths = [max(len(row[index]) for row in table) for index in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4] + "\n" for row in table
    )


def explain_text(code: str) -> str | None:
    rule = BY_CODE.get(code.strip().upper()) or BY_NAME.get(code.strip())
    if rule is None:
        return None
    fix = "sometimes (check --fix)" if rule.fixable else "no"
    return f"{rule.code} {rule.name}\nseverity: {rule.severity} · fixable: {fix}\n\n{rule.doc()}"
