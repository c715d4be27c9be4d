"""The one finding model that every output (terminal, JSON, CI, MkDocs) is fed from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: errors fail the gate, warnings inform."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an auditor would object to, at a file and line, under a rule id."""

    severity: Severity
    rule: str
    file: str
    line: int
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.rule, self.message)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def count(findings: list[Finding], severity: Severity) -> int:
    """Number of findings of one severity."""
    return sum(1 for f in findings if f.severity is severity)
