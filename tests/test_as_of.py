"""One as-of date for every entry point: --as-of (or the plugin's option), else smsdocs.yml,
else SOURCE_DATE_EPOCH, else today. The bundled example's MR-ACT-005 is due 2026-10-30."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from smsdocs.core.config import as_of_date
from smsdocs.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


def _check(*args: str, epoch: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "smsdocs", "check", str(ROOT), *args],
                          capture_output=True, text=True, env=env, check=False, timeout=300)


def _overdue(run: subprocess.CompletedProcess[str]) -> list[str]:
    assert run.returncode in (0, 1), run.stderr
    return [f["message"] for f in json.loads(run.stdout)["findings"]
            if f["rule"] == "action.overdue"]


def test_the_cli_judges_as_of_source_date_epoch_when_no_date_is_given() -> None:
    assert _overdue(_check("--format", "json", epoch=_epoch("2026-10-30"))) == []
    late = _overdue(_check("--format", "json", epoch=_epoch("2026-10-31")))
    assert any("MR-ACT-005" in m and "1 day(s) before 2026-10-31" in m for m in late), late


def test_as_of_beats_source_date_epoch() -> None:
    assert _overdue(_check("--format", "json", "--as-of", "2026-10-01",
                           epoch=_epoch("2026-11-23"))) == []


def test_a_source_date_epoch_that_is_not_a_number_is_a_usage_error() -> None:
    run = _check(epoch="yesterday")
    assert run.returncode == 2
    assert "SOURCE_DATE_EPOCH must be seconds since 1970: 'yesterday'" in run.stderr
    assert "Traceback" not in run.stderr


def test_junit_is_stamped_with_source_date_epoch() -> None:
    run = _check("--format", "junit", "--as-of", "2026-11-23", epoch=_epoch("2026-11-23"))
    assert 'timestamp="2026-11-23T00:00:00+00:00"' in run.stdout


def test_the_order_of_the_sources() -> None:
    configured = dt.date(2026, 1, 2)
    environ = {"SOURCE_DATE_EPOCH": _epoch("2026-03-04")}
    assert as_of_date("2026-05-06", configured, environ) == dt.date(2026, 5, 6)
    assert as_of_date(dt.datetime(2026, 5, 7, 23, 59), configured, environ) == dt.date(2026, 5, 7)
    assert as_of_date(None, configured, environ) == configured
    assert as_of_date("", None, environ) == dt.date(2026, 3, 4)
    with pytest.raises(ConfigError, match="not a date"):
        as_of_date("30/11/2026", configured, environ)
