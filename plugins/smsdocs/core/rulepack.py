"""Rule packs: the standard's clauses and the rules for each record type, loaded from data.

A pack is a folder of YAML files shipped with smsdocs (``packs/<name>/``). A profile selects
the wording of one edition (2018 or 2011). An organisation's ``smsdocs.yml`` may disable
rules, change severities, add aliases or keywords, and add its own rules and record types.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from .concepts import Lexicon, Topics
from .findings import Severity
from .frontmatter import SafeLoader

PACKS_DIR = Path(__file__).parent.parent / "packs"
DEFAULT_PACK = "iso20000-1:2018"
CHECK_KINDS = ("builtin", "section")


ClauseKey = tuple[tuple[int, int | str], ...]


def clause_key(number: str) -> ClauseKey:
    """Sort key for clause numbers: 4 < 4.1 < 4.10 < 10 (non-numeric parts last)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in number.split("."))


@dataclass(slots=True)
class Clause:
    """A clause of the standard: number, title, what it asks, what it requires on file."""

    number: str
    title: str
    parent: str | None = None
    asks: str = ""
    requires: list[dict[str, Any]] = field(default_factory=list)
    edition_2011: list[str] = field(default_factory=list)
    confidence: str = "high"
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


@dataclass
class SectionSpec:
    """What a section-based rule looks for: heading aliases and content requirements."""

    aliases: list[str] = field(default_factory=list)
    topics: list[list[str] | str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    # concepts that show another role only when a heading above (or a table's header) has
    # them: a row of a KPI table is a measure even when it says "resolved"
    exclude_above: list[str] = field(default_factory=list)
    weak: list[list[str] | str] = field(default_factory=list)  # count if content confirms
    # what confirms a weak heading besides the topic's words: this pattern found at least
    # min_items (or 2) times in its content, e.g. a date on each row under "When"
    confirm: str | None = None
    ordered_list: bool = False  # a numbered list of min_items steps presents it anywhere
    all_of: list[list[str]] = field(default_factory=list)
    any_of: list[str] = field(default_factory=list)
    pattern: str | None = None
    each_item_pattern: str | None = None
    each_item_skip_first_cell: bool = False
    ignore: str | None = None  # text that never counts for pattern/each_item_pattern (dates)
    deferral: bool = False  # a section that only defers the topic is missing
    min_items: int = 0
    levels: tuple[int, ...] = (2, 3, 4)

    @cached_property
    def meaning(self) -> Topics:
        """The topics a heading must carry (aliases are literal topics)."""
        return Topics.of(self.topics, self.aliases, self.exclude)

    @cached_property
    def weak_meaning(self) -> Topics:
        """Topics too vague alone ("What do we need?"): the content must confirm them."""
        return Topics.of(self.weak, (), self.exclude)

    @cached_property
    def ignore_re(self) -> re.Pattern[str] | None:
        return re.compile(self.ignore) if self.ignore else None

    @cached_property
    def all_of_res(self) -> list[re.Pattern[str]]:
        return [_words(group) for group in self.all_of]

    @cached_property
    def any_of_re(self) -> re.Pattern[str] | None:
        return _words(self.any_of) if self.any_of else None


def _words(terms: list[str]) -> re.Pattern[str]:
    """A case-insensitive regex for any of the terms, each starting at a word boundary."""
    return re.compile(r"(?i)(?<![A-Za-z0-9])(?:" + "|".join(re.escape(str(t)) for t in terms)
                      + ")")


@dataclass(slots=True)
class Rule:
    """A rule with a stable id, a severity and the clause it comes from."""

    id: str
    severity: Severity
    clause: str
    message: str
    hint: str
    check: str = "builtin"
    description: str = ""
    source: str = ""
    applies_to: list[str] = field(default_factory=list)
    section: SectionSpec | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, default: str = "") -> str:
        value = self.extra.get(key, default)
        return str(value) if value is not None else default


@dataclass(slots=True)
class RecordType:
    """A record type of the pack: its kind, clauses, id prefix and required fields."""

    name: str
    title: str
    kind: str
    clauses: list[str]
    required: list[str]
    id_prefix: str = ""
    action_prefix: str = ""
    action_rules: dict[str, str] = field(default_factory=dict)
    provides: list[str] = field(default_factory=list)


@dataclass
class RulePack:
    """A loaded, profiled, configured pack: everything the validator consults."""

    name: str
    edition: str
    version: str
    profile: str
    clauses: dict[str, Clause]
    crosswalk_2011: dict[str, list[str]]
    rules: dict[str, Rule]
    types: dict[str, RecordType]
    fields: dict[str, dict[str, Any]]
    action_fields: dict[str, dict[str, Any]]
    status_values: dict[str, list[str]]
    placeholders: list[tuple[str, re.Pattern[str], bool]]  # (lower-case guard, pattern, always)
    id_pattern: re.Pattern[str]
    disabled: set[str] = field(default_factory=set)
    lexicon: Lexicon = field(default_factory=Lexicon)
    field_placeholders: list[re.Pattern[str]] = field(default_factory=list)
    deferral: re.Pattern[str] | None = None
    deferral_guard: tuple[str, ...] = ()  # lower-case words one of which every deferral holds
    later_meeting: re.Pattern[str] | None = None  # a sentence moving a topic to a later meeting
    top_management: list[str] = field(default_factory=list)
    other_roles: list[str] = field(default_factory=list)
    heading_cache: dict[tuple[Any, ...], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False)  # (type, kind, level, heading, parents) -> rules
    # that the heading presents, and rules it names only weakly (the content must confirm)
    shape_cache: dict[tuple[Any, ...], tuple[tuple[tuple[str, int], ...],
                                             tuple[tuple[str, int], ...]]] = field(
        default_factory=dict, repr=False)  # (type, headings of a record) -> what they present
    concept_cache: dict[str, frozenset[str]] = field(
        default_factory=dict, repr=False)  # heading -> the lexicon's concepts it carries

    def rules_for(self, record_type: str, check: str) -> list[Rule]:
        """Rules of a check kind that apply to one record type (or to every type)."""
        return self._by_type.get((record_type, check), []) + self._by_type.get(("*", check), [])

    @cached_property
    def excluded_concepts(self) -> frozenset[str]:
        """The concepts some section rule excludes (the only ones looked for above a heading)."""
        return frozenset(e for r in self.rules.values() if r.section
                         for e in (*r.section.exclude, *r.section.exclude_above))

    @cached_property
    def _by_type(self) -> dict[tuple[str, str], list[Rule]]:
        index: dict[tuple[str, str], list[Rule]] = {}
        for rule in self.rules.values():
            for record_type in rule.applies_to or ["*"]:
                index.setdefault((record_type, rule.check), []).append(rule)
        return index


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"YAML error: {exc.problem or exc}", str(path),
                        (mark.line + 1) if mark else 0) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", str(path)) from exc


def pack_dir(name: str) -> Path:
    """The folder of a shipped pack, from its name (``iso20000-1:2018``)."""
    folder = PACKS_DIR / name.replace(":", "-")
    if not (folder / "pack.yaml").is_file():
        known = sorted(p.name.replace("-20", ":20", 1) for p in PACKS_DIR.iterdir() if p.is_dir())
        raise ConfigError(f"unknown rule pack '{name}' (known: {', '.join(known)})")
    return folder


def load(name: str = DEFAULT_PACK, profile: str | None = None,
         overrides: dict[str, Any] | None = None, config_file: str = "",
         config_lines: dict[tuple[str | int, ...], int] | None = None) -> RulePack:
    """Load a pack, select a profile, and apply an organisation's overrides."""
    folder = pack_dir(name)
    raw = _read_yaml(folder / "pack.yaml")
    for include in raw.get("include") or []:
        extra = _read_yaml(folder / include) or {}
        raw["types"] = {**raw["types"], **(extra.get("types") or {})}
        raw["rules"] = [*raw["rules"], *(extra.get("rules") or [])]
        raw["concepts"] = {**(raw.get("concepts") or {}), **(extra.get("concepts") or {})}
    profile = str(profile or raw.get("default_profile", raw["edition"]))
    if profile not in raw.get("profiles", {}):
        raise ConfigError(f"unknown profile '{profile}' (known: {', '.join(raw['profiles'])})",
                        config_file, (config_lines or {}).get(("profile",), 0))
    clauses = _load_clauses(folder / "clauses.yaml")
    crosswalk = _load_crosswalk(folder / "crosswalk-2011.yaml")
    # Resolve the profile first (its variants included), then apply the organisation's
    # overrides to what will actually run.
    rules_raw = [_resolve(r, profile) for r in raw["rules"]
                 if profile in r.get("profiles", [profile])]
    other_profiles = {r["id"] for r in raw["rules"]} - {r["id"] for r in rules_raw}
    types_raw = copy.deepcopy(raw["types"])
    overlay = _Overlay(overrides or {}, config_file, config_lines or {}, other_profiles)
    rules_raw, types_raw, disabled = overlay.apply(rules_raw, types_raw, profile)
    rules: dict[str, Rule] = {}
    for entry in rules_raw:
        rule = _make_rule(entry, profile, str(folder / "pack.yaml"))
        rules[rule.id] = rule
    types = {key: RecordType(name=key, title=v.get("title", key), kind=v.get("kind", "document"),
                             clauses=[str(c) for c in v.get("clauses", [])],
                             required=list(v.get("required", [])),
                             id_prefix=v.get("id_prefix", ""),
                             action_prefix=v.get("action_prefix", ""),
                             action_rules=dict(v.get("action_rules", {})),
                             provides=[str(k) for k in v.get("provides") or []])
             for key, v in types_raw.items()}
    return RulePack(
        name=raw["pack"] + ":" + str(raw["edition"]), edition=str(raw["edition"]),
        version=str(raw["version"]), profile=profile, clauses=clauses,
        crosswalk_2011=crosswalk, rules=rules, types=types, fields=raw["fields"],
        action_fields=raw["action_fields"], status_values=raw["status_values"],
        placeholders=[(str(p.get("guard", "")).lower(), re.compile(p["pattern"], re.MULTILINE),
                       bool(p.get("always", False))) for p in raw["placeholders"]],
        id_pattern=re.compile(raw["id_pattern"]), disabled=disabled,
        lexicon=Lexicon.of(overlay.lexicon(raw.get("concepts") or {})),
        field_placeholders=[re.compile(p, re.IGNORECASE)
                            for p in raw.get("field_placeholders") or []],
        deferral=re.compile(raw["deferral"]) if raw.get("deferral") else None,
        deferral_guard=tuple(str(w).lower() for w in raw.get("deferral_guard") or [""]),
        later_meeting=re.compile(raw["later_meeting"]) if raw.get("later_meeting") else None,
        top_management=overlay.roles(list(raw.get("top_management") or [])),
        other_roles=[str(r) for r in raw.get("other_roles") or []])


def _resolve(entry: dict[str, Any], profile: str) -> dict[str, Any]:
    """A rule as it applies under a profile: its variant for the profile merged in."""
    entry = copy.deepcopy(entry)
    variant = (entry.pop("variants", None) or {}).get(profile)
    if variant:
        entry.update(variant)
    return entry


def _make_rule(entry: dict[str, Any], profile: str, where: str) -> Rule:
    entry = dict(entry)
    try:
        section = entry.pop("section", None)
        spec = SectionSpec(**section) if section else None
        known = {"id", "severity", "clause", "message", "hint", "check", "description",
                 "source", "applies_to", "profiles"}
        rule = Rule(id=entry["id"], severity=Severity(entry["severity"]),
                    clause=str(entry["clause"]), message=entry["message"],
                    hint=entry.get("hint", ""), check=entry.get("check", "builtin"),
                    description=entry.get("description", ""), source=entry.get("source", ""),
                    applies_to=list(entry.get("applies_to", [])), section=spec,
                    extra={k: v for k, v in entry.items() if k not in known})
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"rule {entry.get('id', '?')}: {exc}", where) from exc
    if rule.check not in CHECK_KINDS:
        raise ConfigError(f"rule {rule.id}: unknown check '{rule.check}' "
                        f"(known: {', '.join(CHECK_KINDS)})", where)
    if rule.check == "section" and spec is None:
        raise ConfigError(f"rule {rule.id}: a section rule needs 'section: aliases: [...]'", where)
    return rule


def _load_clauses(path: Path) -> dict[str, Clause]:
    if not path.is_file():
        return {}
    raw = _read_yaml(path) or {}
    result: dict[str, Clause] = {}
    for entry in raw.get("clauses", []):
        number = str(entry["number"])
        result[number] = Clause(
            number=number, title=entry.get("title", ""), parent=entry.get("parent"),
            asks=entry.get("asks", ""), requires=list(entry.get("requires") or []),
            edition_2011=[str(x) for x in entry.get("edition_2011") or []],
            confidence=entry.get("confidence", "high"), note=entry.get("note") or "")
    return result


def _load_crosswalk(path: Path) -> dict[str, list[str]]:
    if not path.is_file():
        return {}
    raw = _read_yaml(path) or {}
    return {str(e["number"]): [str(x) for x in e.get("maps_to") or []]
            for e in raw.get("clauses", [])}


class _Overlay:
    """Applies the ``rules:`` and ``types:`` keys of an organisation's smsdocs.yml."""

    RULE_KEYS = {"enabled", "severity", "aliases", "add_aliases", "add_keywords", "message",
                 "hint"}

    def __init__(self, config: dict[str, Any], file: str,
                 lines: dict[tuple[str | int, ...], int],
                 other_profiles: set[str] | None = None) -> None:
        self.config = config
        self.file = file
        self.lines = lines
        self.other_profiles = other_profiles or set()  # rule ids of the profiles not in use

    def error(self, message: str, *path: str | int) -> ConfigError:
        line = 0
        while path and not line:
            line = self.lines.get(tuple(path), 0)
            path = path[:-1]
        return ConfigError(message, self.file, line)

    def lexicon(self, concepts: dict[str, Any]) -> dict[str, list[str]]:
        """The pack's concepts with the organisation's added words (``lexicon:``)."""
        merged = {str(k): [str(t) for t in v or []] for k, v in concepts.items()}
        extra = self.config.get("lexicon") or {}
        if not isinstance(extra, dict):
            raise self.error("'lexicon' must map concept names to lists of words", "lexicon")
        for name, words in extra.items():
            if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
                raise self.error(f"lexicon '{name}' must be a list of words", "lexicon", name)
            merged[str(name)] = [*merged.get(str(name), []), *words]
        return merged

    def roles(self, defaults: list[str]) -> list[str]:
        """Top-management roles: the pack's, replaced or extended by the organisation."""
        roles = [str(r) for r in defaults]
        for key in ("top_management", "add_top_management"):
            value = self.config.get(key)
            if value is None:
                continue
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise self.error(f"'{key}' must be a list of roles", key)
            roles = list(value) if key == "top_management" else [*roles, *value]
        return roles

    def apply(self, rules: list[dict[str, Any]], types: dict[str, Any],
              profile: str) -> tuple[list[dict[str, Any]], dict[str, Any], set[str]]:
        rules = copy.deepcopy(rules)
        by_id = {r["id"]: r for r in rules}
        disabled: set[str] = set()
        new_types = self.config.get("types") or {}
        if not isinstance(new_types, dict):
            raise self.error("'types' must be a mapping of type name to definition", "types")
        for name, definition in new_types.items():
            if not isinstance(definition, dict):
                raise self.error(f"type '{name}' must be a mapping", "types", name)
            types[name] = {**types.get(name, {}), **definition}
        overrides = self.config.get("rules") or {}
        if not isinstance(overrides, dict):
            raise self.error("'rules' must be a mapping of rule id to settings", "rules")
        for rule_id, settings in overrides.items():
            if not isinstance(settings, dict):
                raise self.error(f"rule '{rule_id}': settings must be a mapping", "rules", rule_id)
            if rule_id not in by_id and rule_id in self.other_profiles:
                continue  # a setting for the other edition's rule: valid, just not in use
            if rule_id not in by_id:
                if "check" in settings or "message" in settings:
                    rule = {"id": rule_id, **settings}
                    for key in ("severity", "clause", "message"):
                        if key not in rule:
                            raise self.error(f"new rule '{rule_id}' needs '{key}'", "rules",
                                             rule_id)
                    if profile in rule.get("profiles", [profile]):
                        rules.append(rule)
                        by_id[rule_id] = rule
                    continue
                raise self.error(f"unknown rule id '{rule_id}' (see 'smsdocs rules')",
                                 "rules", rule_id)
            self._tune(by_id[rule_id], rule_id, settings, disabled)
        return rules, types, disabled

    def _tune(self, rule: dict[str, Any], rule_id: str, settings: dict[str, Any],
              disabled: set[str]) -> None:
        for key, value in settings.items():
            where = ("rules", rule_id, key)
            if key == "enabled":
                if not isinstance(value, bool):
                    raise self.error(f"rule '{rule_id}': enabled must be true or false", *where)
                if not value:
                    disabled.add(rule_id)
            elif key == "severity":
                if value not in ("error", "warning"):
                    raise self.error(f"rule '{rule_id}': severity must be 'error' or 'warning'",
                                     *where)
                rule["severity"] = value
            elif key in ("aliases", "add_aliases"):
                if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    raise self.error(f"rule '{rule_id}': {key} must be a list of text", *where)
                section = self._section(rule, rule_id, key, where)
                section["aliases"] = list(value) if key == "aliases" else [
                    *section.get("aliases", []), *value]
                if key == "aliases":
                    section["topics"] = []  # the organisation's list replaces the pack's
            elif key == "add_keywords":
                self._add_keywords(rule, rule_id, value, where)
            elif key in ("message", "hint"):
                rule[key] = str(value)
            elif key == "variants":
                continue
            else:
                raise self.error(f"rule '{rule_id}': unknown setting '{key}' "
                                 f"(known: {', '.join(sorted(self.RULE_KEYS))})", *where)

    def _section(self, rule: dict[str, Any], rule_id: str, key: str,
                 where: tuple[str | int, ...]) -> dict[str, Any]:
        if rule.get("section") is None:
            raise self.error(f"rule '{rule_id}' checks no section; {key} does not apply", *where)
        section: dict[str, Any] = dict(rule["section"])
        rule["section"] = section
        return section

    def _add_keywords(self, rule: dict[str, Any], rule_id: str, value: Any,
                      where: tuple[str | int, ...]) -> None:
        """Accept more words. A rule that needs several groups of words (all_of) takes a
        mapping from a group's first word to the words it should also accept, so that one
        new word can never satisfy every group at once."""
        section = self._section(rule, rule_id, "add_keywords", where)
        groups = section.get("all_of") or []
        if len(groups) == 1 and isinstance(value, list):
            value = {str(groups[0][0]): value}  # one group: a plain list is unambiguous
        if groups:
            firsts = [str(g[0]) for g in groups]
            if not (isinstance(value, dict) and all(isinstance(v, list) for v in value.values())):
                raise self.error(
                    f"rule '{rule_id}' needs one word from each of several groups; give "
                    f"add_keywords as a mapping from a group ({', '.join(firsts)}) to a list "
                    f"of words", *where)
            new_groups = [list(g) for g in groups]
            for group, words in value.items():
                if str(group) not in firsts:
                    raise self.error(f"rule '{rule_id}': no word group '{group}' "
                                     f"(groups: {', '.join(firsts)})", *where, group)
                new_groups[firsts.index(str(group))] += [str(w) for w in words]
            section["all_of"] = new_groups
        else:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise self.error(f"rule '{rule_id}': add_keywords must be a list of text",
                                 *where)
            section["any_of"] = [*section.get("any_of", []), *value]
