"""`smsdocs render`: the handbook as plain Markdown, built by real MkDocs *without* the smsdocs
plugin and compared page by page with the plugin's build of the same sources."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import copy_example
from sites import build_site, env
from smsdocs import engine
from smsdocs.handbook.markdown_prose import rewrite, target_src
from test_auditor import MARKERS, REPO_HOST, _canary_files

REPO_ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"  # the date of sites.EPOCH
_TAG = re.compile(r"<[^>]+>")
_SMS_ID = re.compile(r"\b[A-Z]{1,5}(?:-[A-Z]{2,5})*-\d{3}\b")


_env = env


def smsdocs(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, env=_env(), cwd=cwd, timeout=300, check=False)


def _copy_example(root: Path) -> Path:
    return copy_example(root, _env())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_example(tmp_path_factory.mktemp("render") / "sms")


def _build(name: str, config: Path, site: Path) -> None:
    build_site(config.parent, site, config.name, engine_name=name, quiet=True, check=True)


def _pages(site: Path) -> dict[str, tuple[str, str, frozenset[str], frozenset[str],
                                          tuple[str, ...]]]:
    """Every page: (title, h1, element ids in the article, SMS ids in its text, the links
    of the article: ids linked in prose, cards, registers)."""
    out = {}
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        article = text[text.find("<article"):text.rfind("</article>")]
        title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.DOTALL)
        out[path.relative_to(site).as_posix()] = (
            html.unescape(title.group(1)) if title else "",
            html.unescape(_TAG.sub("", h1.group(1))).strip() if h1 else "",
            frozenset(re.findall(r'\bid="([^"]+)"', article)),
            frozenset(_SMS_ID.findall(html.unescape(_TAG.sub(" ", article)))),
            tuple(sorted(re.findall(r'href="([^"]*)"', article))))
    return out


def test_render_builds_without_the_plugin_with_every_page(example: Path,
                                                          tmp_path: Path) -> None:
    plugin_site = tmp_path / "with-plugin"
    _build(engine.choose(), example / "mkdocs.yml", plugin_site)
    out = tmp_path / "rendered"
    proc = smsdocs("render", str(example), "--out", str(out), "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "smsdocs" not in config["plugins"]
    assert {"nav", "extra_css", "extra_javascript"} <= yaml.safe_load(
        (out / "smsdocs-nav.yml").read_text(encoding="utf-8")).keys()
    assert not list(example.glob("docs/**/.smsdocs-render"))  # nothing written into docs/
    assert subprocess.run(["git", "status", "--porcelain"], cwd=example, capture_output=True,
                          text=True, check=True).stdout == ""
    plain_site = tmp_path / "without-plugin"
    _build("mkdocs", out / "mkdocs.yml", plain_site)  # MkDocs, no smsdocs plugin
    with_plugin, without = _pages(plugin_site), _pages(plain_site)
    assert len(with_plugin) > 100
    assert sorted(without) == sorted(with_plugin)
    differ = [(name, with_plugin[name], without[name]) for name in with_plugin
              if with_plugin[name] != without[name]]
    assert differ == []
    assert (plain_site / "sms.json").read_bytes() == (plugin_site / "sms.json").read_bytes()
    card = (plain_site / "records/nonconformities/NC-002/index.html").read_text("utf-8")
    assert 'class="smsdocs-card"' in card and "assets/smsdocs/smsdocs.css" in card


def test_auditor_render_leaves_internal_content_out_and_has_every_page(tmp_path: Path) -> None:
    root = _copy_example(tmp_path / "sms")
    _canary_files(root)
    out = tmp_path / "auditor"
    proc = smsdocs("render", str(root), "--out", str(out), "--edition", "auditor",
                   "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    texts = {p.relative_to(out).as_posix(): p.read_text("utf-8", errors="replace")
             for p in out.rglob("*") if p.is_file()}
    leaks = [f"{name}: {key}" for name, text in texts.items()
             for key, marker in MARKERS.items() if marker in text]
    assert leaks == []
    assert "docs/registers/findings.md" not in texts and "docs/registers/evidence.md" in texts
    assert REPO_HOST not in texts["mkdocs.yml"]
    assert "built from commit" in texts["docs/sms/policy.md"]
    assert "use_directory_urls: false" in texts["mkdocs.yml"]
    _build(engine.choose(), root / "mkdocs.auditor.yml", tmp_path / "with-plugin")
    _build("mkdocs", out / "mkdocs.yml", tmp_path / "without-plugin")
    with_plugin, without = _pages(tmp_path / "with-plugin"), _pages(tmp_path / "without-plugin")
    assert sorted(without) == sorted(with_plugin) and "registers/evidence.html" in without
    assert [name for name in with_plugin if with_plugin[name] != without[name]] == []


def test_render_refuses_folders_it_did_not_make(example: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.md").write_text("mine\n")
    proc = smsdocs("render", str(example), "--out", str(busy), "--as-of", AS_OF)
    assert proc.returncode == 2 and "not made by smsdocs render" in proc.stderr
    assert [p.name for p in busy.iterdir()] == ["notes.md"]
    inside = smsdocs("render", str(example), "--out", str(example / "docs/out"))
    assert inside.returncode == 2 and "overlaps the sources" in inside.stderr
    assert not (example / "docs/out").exists()
    out = tmp_path / "again"
    assert smsdocs("render", str(example), "--out", str(out), "--as-of", AS_OF).returncode == 0
    (out / "docs/stale.md").write_text("left over\n")
    assert smsdocs("render", str(example), "--out", str(out), "--as-of", AS_OF).returncode == 0
    assert not (out / "docs/stale.md").exists() and (out / "docs/registers/kpis.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "busy"]  # no temp left


def test_prose_pass_leaves_code_links_and_definitions_alone() -> None:
    source = ("MR-ACT-003 and `MR-ACT-003` and [MR-ACT-003](../a/b.md) MR-ACT-003\n"
              "```text\nMR-ACT-003\n```\n[def]: https://x.example MR-ACT-003\n"
              "~~~~\n``` MR-ACT-003\n~~~~\n<td>MR-ACT-003</td>")
    seen: list[str] = []

    def link(token: str, text: str, href: str) -> str:
        seen.append(f"{text}|{href}")
        return token

    out = rewrite(source, lambda t: t.replace("MR-ACT-003", "ID"), link)
    assert out == ("ID and `MR-ACT-003` and [MR-ACT-003](../a/b.md) ID\n"
                   "```text\nMR-ACT-003\n```\n[def]: https://x.example MR-ACT-003\n"
                   "~~~~\n``` MR-ACT-003\n~~~~\n<td>ID</td>")
    assert seen == ["MR-ACT-003|../a/b.md"]
    assert target_src("../records/nc/NC-9.md#x", "sms/policy.md") == "records/nc/NC-9.md"
    assert target_src("https://x.example/a.md", "sms/policy.md") is None
