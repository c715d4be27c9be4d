"""Errors a command reports to its user as a usage problem (exit 2), caught once by the CLI."""


class UsageError(Exception):
    """The command cannot do what was asked: a file exists, a folder is not empty, bad input."""
