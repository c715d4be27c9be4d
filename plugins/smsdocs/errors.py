"""The errors a command reports to its user instead of a result, caught once by the CLI
(`cli.main`) and the MkDocs plugin. Each message says what the user did wrong and where."""

from __future__ import annotations


class SmsdocsError(Exception):
    """A command cannot give a result; the message is for the user."""


class UsageError(SmsdocsError):
    """The command was asked something it cannot do: a path that is not a folder, a file
    that exists, an option that needs git, input it cannot read (exit 2)."""


class ConfigError(SmsdocsError):
    """The configuration (smsdocs.yml, a baseline) or the rule pack cannot be used; says
    in which file and on which line when it knows (exit 2)."""

    def __init__(self, message: str, file: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (
            f"{self.file}: " if self.file else "")
        return where + self.message


class EvidencePackError(SmsdocsError):
    """The evidence pack cannot be built (failed site build, a leak) or signed (exit 1)."""
