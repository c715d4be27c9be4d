"""smsdocs: docs-as-code for an ISO/IEC 20000-1 service management system.

The public face for scripts and other tools; everything else is internal::

    from smsdocs import check
    run = check(Path("."), as_of=date(2026, 11, 30), gate=True)
    for finding in run.result.findings:
        print(finding.file, finding.line, finding.rule, finding.message)

``check`` is the one path every entry point takes (configuration, rule pack, validation,
and with ``gate=True`` the engine and document-control checks). The names load on first use,
so ``import smsdocs`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .core.config import Config
    from .core.config import load as load_config
    from .core.findings import Finding, Severity
    from .errors import ConfigError, SmsdocsError, UsageError
    from .run import Run
    from .run import run_check as check
    from .validate import Result

__all__ = ["Config", "ConfigError", "Finding", "Result", "Run", "Severity", "SmsdocsError",
           "UsageError", "__version__", "check", "load_config"]

_PUBLIC = {"check": ("run", "run_check"), "Run": ("run", "Run"),
           "Result": ("validate", "Result"), "Finding": ("core.findings", "Finding"),
           "Severity": ("core.findings", "Severity"), "Config": ("core.config", "Config"),
           "load_config": ("core.config", "load"), "ConfigError": ("errors", "ConfigError"),
           "UsageError": ("errors", "UsageError"), "SmsdocsError": ("errors", "SmsdocsError")}


def __getattr__(name: str) -> Any:
    """A public name, imported when first asked for."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'smsdocs' has no attribute {name!r}")
    import importlib

    module, attribute = _PUBLIC[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
