"""Procedure rules as data: the vocabulary they use, their shape, the loader, the matcher.

A rule file (knowledge/rules/*.toml) names its `domain` ("signing" or "leave") and lists
`[[rule]]` tables:

    id = "sign.head.appointment"           # unique across files
    stage = "primary"                      # first matching primary rule wins; every
                                           # matching "extra" rule adds to it
    when = { issuer = "县政府", doc_kind = ["人事任免"] }   # fact -> allowed value(s)
    then = { signer = "县长", steps = [{ action = "review", role = "办公室主任", note = "…" }] }
    cites = [{ article = 50, phrase = "由县长签署或签发" }]  # verbatim substring of the article

`load_rules` rejects unknown keys, unknown facts, values, roles and actions, and rules
without citations, with a RulesError naming the file and the rule id.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PositiveInt,
                      ValidationError, WithJsonSchema)

from bot.config import PROJECT_ROOT
from bot.procedures.roster import BODIES, DERIVED_ROLES, ROLES

DEFAULT_RULES_DIR = PROJECT_ROOT / "knowledge" / "rules"

# Vocabulary ------------------------------------------------------------------------------

ISSUERS = ("县政府", "县政府办公室", "部门", "乡镇")
DOC_KINDS = {
    "规章": "县政府制定的政府规章",
    "决定": "县政府发布的决定",
    "命令": "县政府发布的命令",
    "西政文件": "县政府下发的西政文件",
    "议案": "向县人大或县人大常委会提出的议案",
    "工作报告": "向县人大或县人大常委会提出的报告",
    "上行文": "向市政府、县委报送的上行文（报告、请示等）",
    "商洽函": "与县政府各部门等不相隶属机关商洽重大政策性事项的文件",
    "人事任免": "人事任免文件",
    "一般公文": "其他公文（乡镇、部门为报送县政府的其他公文）",
    "会议纪要": "县政府会议纪要",
    "请示": "乡镇、部门向县政府报送的请示",
    "报告": "乡镇、部门向县政府报送的报告",
}
_GOV_ONLY = ("县政府",)
DOC_KIND_ISSUERS = {
    **{k: _GOV_ONLY for k in ("规章", "决定", "命令", "西政文件", "议案", "工作报告", "人事任免")},
    "上行文": ("县政府", "县政府办公室"),
    "商洽函": ("县政府", "县政府办公室"),
    "会议纪要": ("县政府", "县政府办公室"),
    "一般公文": ISSUERS,
    "请示": ("部门", "乡镇"),
    "报告": ("部门", "乡镇"),
}
SCOPES = ("一般", "综合性", "全局性")
MEETINGS = ("常务会议", "县长办公会议", "副县长主持的县长办公会议", "全体会议")
LEAVE_KINDS = ("出差", "休假", "出访", "离县外出", "会议请假")
LEAVE_MEETINGS = ("全体会议", "常务会议", "县长召开的会议", "副县长召开的会议")

_BOOL = (True, False)
FACTS = {
    "signing": {
        "issuer": ISSUERS, "doc_kind": tuple(DOC_KINDS), "scope": SCOPES, "meeting": MEETINGS,
        "important": _BOOL, "joint": _BOOL, "disagreement": _BOOL, "to_party_committee": _BOOL,
        "escalate": _BOOL, "multiple_matters": _BOOL, "includes_request": _BOOL,
        "bypasses_level": _BOOL, "multiple_recipients": _BOOL, "addressed_to_leader": _BOOL,
    },
    "leave": {"role": ROLES, "kind": LEAVE_KINDS, "meeting": LEAVE_MEETINGS},
}
# Action -> (Chinese label, default position among a document's steps).
ACTIONS = {
    "draft": ("起草", 10), "countersign": ("会签", 20), "coordinate": ("协调", 30),
    "review": ("审核", 40), "report": ("报告", 50), "discuss": ("讨论决定", 60),
    "approve": ("同意", 90), "sign": ("签发", 90), "notify": ("通报", 50), "act": ("代行职责", 95),
}
DOMAIN_ACTIONS = {
    "signing": {"draft", "countersign", "coordinate", "review", "report", "discuss"},
    "leave": {"approve", "notify", "report", "act"},
}
_OUTCOME_KEYS = {
    "signing": {"signer", "alternatives", "sign_action", "sign_note", "standing_meeting_required",
                "deadline", "steps", "warnings", "notes"},
    "leave": {"covered", "steps", "warnings", "notes"},
}
STEP_ROLES = set(ROLES) | set(DERIVED_ROLES) | set(BODIES)


class RulesError(Exception):
    """A rule file is malformed; the message names the file and the rule."""


# Shapes ----------------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cite(_Strict):
    article: PositiveInt
    phrase: str = Field(min_length=2)


class StepSpec(_Strict):
    action: str
    role: str
    to: str | None = None          # the recipient of a report / notification
    label: str = ""                # Chinese short label, e.g. 汇总, 签报, 报备
    note: str = ""
    seq: int | None = None         # position among a document's steps; default by action

    @property
    def position(self) -> int:
        return self.seq if self.seq is not None else ACTIONS[self.action][1]


class DeadlineSpec(_Strict):
    workdays: PositiveInt
    note: str = ""


class Outcome(_Strict):
    signer: str | None = None
    alternatives: list[str] = []
    sign_action: Literal["sign", "approve"] = "sign"
    sign_note: str = ""
    standing_meeting_required: bool = False
    deadline: DeadlineSpec | None = None
    covered: bool = True
    steps: list[StepSpec] = []
    warnings: list[str] = []
    notes: list[str] = []


_Value = str | bool | int


class Rule(_Strict):
    id: str = Field(min_length=1)
    title: str = ""
    stage: Literal["primary", "extra"] = "primary"
    when: dict[str, _Value | list[_Value]] = {}
    then: Outcome
    cites: list[Cite] = Field(min_length=1)

    def matches(self, facts: dict[str, Any]) -> bool:
        for key, allowed in self.when.items():
            allowed = allowed if isinstance(allowed, list) else [allowed]
            value = facts.get(key)
            if not any(value == a and type(value) is type(a) for a in allowed):
                return False
        return True


class Step(BaseModel):
    """One resolved step of a procedure; `role`/`person` is who performs it."""
    order: int
    action: str
    label: str
    role: str
    person: str | None = None
    to_role: str | None = None
    to_person: str | None = None
    note: str = ""


class RuleSet:
    def __init__(self, rules: dict[str, list[Rule]], sources: dict[str, str] | None = None):
        self.by_domain = rules
        self.sources = sources or {}      # rule id -> file name

    def __iter__(self):
        return (r for rules in self.by_domain.values() for r in rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self if r.id == rule_id), None)

    def evaluate(self, domain: str, facts: dict[str, Any]) -> tuple[Rule | None, list[Rule]]:
        """The first matching primary rule and every matching extra rule, in file order."""
        primary, extras = None, []
        for rule in self.by_domain.get(domain, []):
            if rule.stage == "extra" and rule.matches(facts):
                extras.append(rule)
            elif primary is None and rule.stage == "primary" and rule.matches(facts):
                primary = rule
        return primary, extras


# Loading ---------------------------------------------------------------------------------

def load_rules(directory: str | Path = DEFAULT_RULES_DIR) -> RuleSet:
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise RulesError(f"no rule files (*.toml) in {directory}")
    by_domain: dict[str, list[Rule]] = {d: [] for d in FACTS}
    sources: dict[str, str] = {}
    for path in files:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RulesError(f"{path.name}: cannot read: {exc}") from exc
        unknown = set(raw) - {"domain", "rule"}
        if unknown:
            raise RulesError(f"{path.name}: unknown top-level keys: {', '.join(sorted(unknown))}")
        domain = raw.get("domain")
        if domain not in FACTS:
            raise RulesError(f"{path.name}: domain must be one of {', '.join(FACTS)}, "
                             f"not {domain!r}")
        for i, entry in enumerate(raw.get("rule", []), start=1):
            rid = entry.get("id", f"#{i}") if isinstance(entry, dict) else f"#{i}"
            try:
                rule = Rule.model_validate(entry)
            except ValidationError as exc:
                raise RulesError(f"{path.name}: rule {rid}: {_english(exc)}") from None
            problems = _problems(rule, domain)
            if rule.id in sources:
                problems.append(f"duplicate id (also in {sources[rule.id]})")
            if problems:
                raise RulesError(f"{path.name}: rule {rule.id}: {'; '.join(problems)}")
            sources[rule.id] = path.name
            by_domain[domain].append(rule)
    return RuleSet(by_domain, sources)


def _problems(rule: Rule, domain: str) -> list[str]:
    out = []
    facts = FACTS[domain]
    for key, allowed in rule.when.items():
        if key not in facts:
            out.append(f"unknown condition {key!r} (known: {', '.join(facts)})")
            continue
        for value in allowed if isinstance(allowed, list) else [allowed]:
            if not any(value == a and type(value) is type(a) for a in facts[key]):
                out.append(f"condition {key} = {value!r} is not one of {list(facts[key])}")
    extra = rule.then.model_fields_set - _OUTCOME_KEYS[domain]
    if extra:
        out.append(f"outcome keys not used in {domain} rules: {', '.join(sorted(extra))}")
    roles = [rule.then.signer, *rule.then.alternatives]
    for step in rule.then.steps:
        roles += [step.role, step.to]
        if step.action not in DOMAIN_ACTIONS[domain]:
            out.append(f"unknown action {step.action!r} "
                       f"(known: {', '.join(sorted(DOMAIN_ACTIONS[domain]))})")
    out += [f"unknown role {r!r}" for r in roles if r is not None and r not in STEP_ROLES]
    return out


def _english(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in exc.errors())


# Argument helpers shared by the tools ----------------------------------------------------

def choice(label: str, allowed) -> Any:
    """A str type accepting only `allowed`, with a Chinese error and an enum in the schema."""
    allowed = tuple(allowed)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"未知的{label}“{value}”；可选：{'、'.join(allowed)}")
        return value

    return Annotated[str, AfterValidator(check),
                     WithJsonSchema({"type": "string", "enum": list(allowed)})]


def explain(exc: ValidationError, labels: dict[str, str]) -> str:
    """A Chinese message for invalid tool arguments."""
    parts = []
    for e in exc.errors():
        field = str(e["loc"][0]) if e["loc"] else ""
        label = labels.get(field, field)
        if e["type"] == "value_error":
            parts.append(str(e["ctx"]["error"]))
        elif e["type"] == "missing":
            parts.append(f"缺少必填项“{label}”")
        elif e["type"] == "extra_forbidden":
            parts.append(f"不认识的参数“{field}”")
        else:
            parts.append(f"“{label}”的值无效：{e['input']!r}")
    return "；".join(parts)
