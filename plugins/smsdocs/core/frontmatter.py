"""Read YAML front matter exactly as MkDocs does, keeping the line of every key and item.

MkDocs (``mkdocs.utils.meta.get_data``) matches the block with the regex below and loads it
with PyYAML's C safe loader (YAML 1.1). When that fails, or yields something that is not a
mapping, MkDocs silently renders the block as page text. We use the same regex and loader so
that ``smsdocs check`` and the site never disagree, but we say so out loud.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # both loaders have one interface
    from yaml import SafeLoader as SafeLoader
else:  # the loader MkDocs reads front matter with (mkdocs.utils.yaml), shared by smsdocs
    try:
        from yaml import CSafeLoader as SafeLoader
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        from yaml import SafeLoader

# Identical to mkdocs.utils.meta.YAML_RE (MkDocs 1.6).
YAML_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)

Path = tuple[str | int, ...]


@dataclass(slots=True)
class FrontMatter:
    """The parsed front matter of one file, with 1-based file lines for every key path."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[Path, int] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # scalar source text, as written
    present: bool = False
    body: str = ""
    body_line: int = 1  # file line on which the body starts
    error: str | None = None
    error_line: int = 1
    multimarkdown: bool = False  # no '---' block, but MkDocs reads MultiMarkdown metadata

    def line(self, *path: str | int) -> int:
        """Best line for a key path: the deepest known ancestor, else the block start."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def split(text: str) -> FrontMatter:
    """Split a Markdown file into front matter and body the way MkDocs does."""
    match = YAML_RE.match(text)
    if not match:
        result = FrontMatter(body=text, body_line=1, multimarkdown=bool(_MMD_META.match(text)))
        if _META_RECORD.match(text):
            result.error = ("'id' and 'type' are written as MultiMarkdown metadata, which MkDocs "
                            "reads but smsdocs does not check; put them between '---' lines")
        return result
    block = match.group(1)
    body = text[match.end() :]
    body_line = text.count("\n", 0, match.end()) + 1
    result = FrontMatter(present=True, body=body, body_line=body_line)
    _load(block, result, offset=2)  # the block starts on the line after the opening '---'
    return result


# The first line of MultiMarkdown metadata (mkdocs.utils.meta.META_RE): MkDocs reads it.
_MMD_META = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")

# MultiMarkdown metadata (MkDocs' fallback) naming both id and type before the first blank line.
_META_RECORD = re.compile(
    r"^(?=(?:[ ]{0,3}[A-Za-z0-9_-]+:.*\n(?:(?:[ ]{4}|\t).*\n)*)*?[ ]{0,3}id:)"
    r"(?=(?:[ ]{0,3}[A-Za-z0-9_-]+:.*\n(?:(?:[ ]{4}|\t).*\n)*)*?[ ]{0,3}type:)", re.IGNORECASE)


def parse_yaml(text: str) -> FrontMatter:
    """Parse a whole YAML file (e.g. smsdocs.yml) with the same line bookkeeping."""
    result = FrontMatter(present=True)
    _load(text, result, offset=1)
    return result


class _Lines:
    """File lines from YAML marks. PyYAML also breaks lines at U+0085, U+2028 and U+2029,
    which are not line breaks in the file, so marks are mapped through their index."""

    def __init__(self, block: str, offset: int) -> None:
        self.offset = offset
        self.exotic = any(ch in block for ch in "\x85\u2028\u2029")
        self.breaks = [i for i, ch in enumerate(block) if ch == "\n"] if self.exotic else []

    def line(self, mark: yaml.Mark | None) -> int:
        if mark is None:
            return self.offset
        if not self.exotic:
            return self.offset + mark.line
        return self.offset + bisect_right(self.breaks, mark.index - 1)


def _load(block: str, result: FrontMatter, offset: int) -> None:
    lines = _Lines(block, offset)
    loader = None
    node: yaml.Node | None = None
    try:
        loader = SafeLoader(block)  # the pure-Python reader checks characters here already
        node = loader.get_single_node()
        if node is None:
            result.error = "the front matter block is empty, so MkDocs would show it as page text"
            result.error_line = offset
            return
        # without an alias ('*name') nothing can expand or refer to itself: skip the count
        problem = _expansion_problem(node) if "*" in block else None
        if problem:
            result.error, where = problem
            result.error_line = lines.line(where.start_mark)
            return
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and exc.context_mark is not None and mark.line >= block.count("\n"):
            mark = exc.context_mark  # the parser ran into the closing '---'; point at the cause
        result.error = _yaml_message(exc)
        result.error_line = lines.line(mark)
        return
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        position = getattr(exc, "position", 0) or 0
        if SafeLoader.__name__ == "CSafeLoader":  # libyaml counts bytes of the UTF-8 text
            position = len(block.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        result.error = f"YAML error: {getattr(exc, 'reason', None) or exc}"
        result.error_line = offset + block.count("\n", 0, position)
        return
    except RecursionError:
        result.error = "an alias refers to itself"
        result.error_line = offset
        return
    except Exception as exc:  # noqa: BLE001 - e.g. ValueError for 2025-13-01
        result.error = f"value cannot be read: {exc}"
        result.error_line = lines.line(_bad_scalar_mark(node, loader)) if node else offset
        return
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        result.error = f"front matter is a {type(data).__name__}, not a mapping of keys"
        result.error_line = lines.line(node.start_mark)
        return
    result.data = data
    _index_lines(node, (), lines, result, depth=0)


# How many nodes the front matter may hold once every alias is expanded: far more than
# any real front matter, far less than an alias bomb (9 levels of 9 aliases: 387 million).
EXPANSION_BUDGET = 100_000


def _expansion_problem(root: yaml.Node) -> tuple[str, yaml.Node] | None:
    """Why the node graph must not be constructed (an alias bomb, an alias cycle) and at
    which node, or None.

    Counts the expanded size of every node once (memoised, iterative), so the cost is
    linear in the nodes written, whatever the aliases multiply them to.
    """
    size: dict[int, int] = {}
    state: dict[int, int] = {}  # 1: being counted, 2: counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            total = 1 + sum(size[id(c)] for c in children)
            size[key] = total
            state[key] = 2
            if total > EXPANSION_BUDGET:
                return (f"alias expansion too large (more than {EXPANSION_BUDGET:,} values "
                        "once aliases are expanded)", node)
            continue
        if state.get(key) == 2:
            continue
        if state.get(key) == 1:
            return "an alias refers to itself", node
        state[key] = 1
        stack.append((node, True))
        for child in children:
            if state.get(id(child)) == 1:
                return "an alias refers to itself", child
            if state.get(id(child)) != 2:
                stack.append((child, False))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "YAML error: " + ", ".join(parts) if parts else "YAML error"


def _bad_scalar_mark(node: yaml.Node, loader: Any) -> yaml.Mark | None:
    """Find the scalar that the constructor rejected (MkDocs would fail on it too)."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue  # an alias may refer back to its own collection
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except Exception:  # noqa: BLE001
                return current.start_mark
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.extend((value, key))
    return None


def _index_lines(node: yaml.Node, path: Path, lines: _Lines, out: FrontMatter, depth: int) -> None:
    """Record the line (and raw text) of each key and item, four levels deep."""
    if depth > 4:
        return
    if isinstance(node, yaml.ScalarNode):
        if path:
            out.raw[path] = node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = (*path, key.value)
                out.lines[child] = lines.line(key.start_mark)
                _index_lines(value, child, lines, out, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.lines[child] = lines.line(item.start_mark)
            _index_lines(item, child, lines, out, depth + 1)

