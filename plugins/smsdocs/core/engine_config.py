"""Reading an engine's ``mkdocs.yml`` without the engine: ``INHERIT`` merged, tags such as
``!ENV`` or ``!!python/name:`` kept as they are (so a copy can be written back), the plugins
in list or mapping form. Used by `smsdocs render` and by `check`'s engine rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from .frontmatter import SafeLoader

PLUGIN = "smsdocs"
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Tagged:
    """A YAML value with a tag only the engine understands, written back unchanged."""

    tag: str
    value: Any


class _Loader(SafeLoader):
    pass


class _Dumper(Dumper):  # type: ignore[misc, valid-type]
    pass


def _tagged(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(cast(yaml.MappingNode, node), deep=True)
    return Tagged(node.tag, value)


def _represent(dumper: yaml.Dumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
_Dumper.add_representer(Tagged, _represent)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``INHERIT`` as the engine does it: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load(path: Path, _seen: frozenset[Path] = frozenset()) -> dict[str, Any]:
    """The configuration at path with its ``INHERIT`` chain merged in.

    Raises OSError or yaml.YAMLError for an unreadable file, ValueError for a loop or a
    file that is not a mapping.
    """
    path = path.resolve()
    if path in _seen:
        raise ValueError(f"{path.name}: INHERIT loops back to itself")
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_Loader) or {}  # noqa: S506 - a safe loader
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a YAML mapping")
    parent = data.pop("INHERIT", None)
    if isinstance(parent, str):
        data = _merge(load(path.parent / parent, _seen | {path}), data)
    return data


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False)


def plugins(config: dict[str, Any]) -> dict[str, Any]:
    """The plugins of a configuration as {name: options} (list or mapping form)."""
    raw = config.get("plugins")
    if isinstance(raw, dict):
        return {str(k): (v if isinstance(v, dict) else {}) for k, v in raw.items()}
    out: dict[str, Any] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out[item] = {}
        elif isinstance(item, dict):
            for k, v in item.items():
                out[str(k)] = v if isinstance(v, dict) else {}
    return out


def without_plugin(config: dict[str, Any], name: str = PLUGIN) -> dict[str, Any]:
    """A copy of the configuration whose plugins leave one out (the form is kept)."""
    raw = config.get("plugins")
    out = dict(config)
    if isinstance(raw, dict):
        out["plugins"] = {k: v for k, v in raw.items() if k != name}
    elif isinstance(raw, list):
        out["plugins"] = [p for p in raw if p != name
                          and not (isinstance(p, dict) and name in p)]
    return out
