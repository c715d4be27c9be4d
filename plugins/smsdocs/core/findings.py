"""The one finding model that every output (terminal, JSON, CI, MkDocs) is fed from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
    # What the finding is about (an id, an action), when the rule names one: lets --base
    # and baselines match findings without their line. Not part of equality or as_dict().
    subject: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.rule, self.message)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        del data["subject"]
        data["severity"] = str(self.severity)
        return data


def count(findings: list[Finding], severity: Severity) -> int:
    """Number of findings of one severity."""
    return sum(1 for f in findings if f.severity is severity)
