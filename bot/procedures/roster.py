"""Who is who: the roster of people, their roles, 分管 areas and 互补 partners.

`Roster.load(path)` reads `[[person]]` tables from a TOML file. Malformed files raise
RosterError; a roster that loads but cannot serve every procedure (an unfilled role, an
area no deputy covers, a partner that does not answer back) loads with Chinese
`warnings` for the administrator.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("县长", "常务副县长", "副县长", "办公室主任", "办公室副主任",
         "部门主要负责人", "乡镇主要负责人", "工作人员")
DEPUTY_ROLES = ("常务副县长", "副县长")
# Roles a procedure resolves from context rather than from one roster entry.
DERIVED_ROLES = ("分管副县长", "互补副县长", "办公室分管副主任", "申请人",
                 "相关部门主要负责人", "主办部门主要负责人")
# Bodies and groups: a step can name them, but no single person holds them.
BODIES = ("县政府办公室", "县政府常务会议", "议题汇报单位", "县政府其他领导同志")

# Roles the procedures need exactly one holder of, and roles they need at least one of.
_SINGLE = ("县长", "常务副县长", "办公室主任")
_NEEDED = ("副县长", "办公室副主任")
_KEYS = {"name", "role", "telegram_id", "portfolio", "partner", "department", "area",
         "serves", "admin"}


class RosterError(Exception):
    """The roster file cannot be read; the message is for the administrator (Chinese)."""


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    telegram_id: int | None = None
    portfolio: tuple[str, ...] = ()   # 分管 areas (deputies) or areas served (office deputies)
    partner: str | None = None        # 互补 partner's name (deputies)
    department: str | None = None     # own unit (department / township heads, staff)
    area: str | None = None           # the 分管 area the department falls under
    serves: tuple[str, ...] = ()      # office deputy director: names of the deputies served
    admin: bool = False

    @property
    def is_deputy(self) -> bool:
        return self.role in DEPUTY_ROLES


class Roster:
    def __init__(self, people: list[Person], source: Path | None = None):
        self.people = tuple(people)
        self.source = source
        self.warnings = _check(self.people)

    @classmethod
    def load(cls, path: str | Path) -> "Roster":
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RosterError(f"找不到花名册文件：{path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RosterError(f"无法读取花名册文件 {path}：{exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise RosterError(f"花名册 {path.name} 不是有效的 TOML：{exc}") from exc
        return cls.from_dict(raw, source=path)

    @classmethod
    def from_dict(cls, raw: dict, source: Path | None = None) -> "Roster":
        unknown = set(raw) - {"person"}
        if unknown:
            raise RosterError(f"花名册中有无法识别的部分：{'、'.join(sorted(unknown))}"
                              "（只能包含 [[person]]）")
        entries = raw.get("person", [])
        if not isinstance(entries, list):
            raise RosterError("花名册的 person 必须写成 [[person]] 表")
        return cls([_person(i, e) for i, e in enumerate(entries, start=1)], source=source)

    # Lookups -----------------------------------------------------------------------------

    def by_name(self, name: str) -> Person | None:
        return next((p for p in self.people if p.name == name.strip()), None)

    def by_telegram_id(self, telegram_id: int) -> Person | None:
        return next((p for p in self.people if p.telegram_id == telegram_id), None)

    def by_role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]

    def first(self, role: str) -> Person | None:
        return next(iter(self.by_role(role)), None)

    @property
    def deputies(self) -> list[Person]:
        return [p for p in self.people if p.is_deputy]

    def deputy_for_area(self, area: str | None) -> Person | None:
        """The 副县长/常务副县长 whose portfolio has `area`."""
        if not area:
            return None
        return next((p for p in self.deputies if area.strip() in p.portfolio), None)

    def area_of_department(self, department: str | None) -> str | None:
        """The 分管 area a department declares (on its head's entry), or one its name starts with."""
        if not department:
            return None
        for p in self.people:
            if p.department == department and p.area:
                return p.area
        areas = {a for d in self.deputies for a in d.portfolio}
        return next((a for a in sorted(areas, key=len, reverse=True)
                     if department.startswith(a) or department.startswith("县" + a)), None)

    def deputy_for_department(self, department: str | None) -> Person | None:
        return self.deputy_for_area(self.area_of_department(department))

    def head_of(self, department: str) -> Person | None:
        """The 部门/乡镇主要负责人 of a unit."""
        return next((p for p in self.people if p.department == department
                     and p.role in ("部门主要负责人", "乡镇主要负责人")), None)

    def office_deputy_for(self, deputy: Person | None) -> Person | None:
        """The 办公室副主任 serving `deputy`: named in `serves`, else sharing a portfolio area."""
        if deputy is None:
            return None
        office = self.by_role("办公室副主任")
        return (next((p for p in office if deputy.name in p.serves), None)
                or next((p for p in office if set(p.portfolio) & set(deputy.portfolio)), None))

    def partner_of(self, person: Person | None) -> Person | None:
        if person is None or not person.partner:
            return None
        partner = self.by_name(person.partner)
        return partner if partner and partner.is_deputy and partner.name != person.name else None

    def resolve(self, role: str, *, deputy: Person | None = None,
                applicant: Person | None = None) -> Person | None:
        """The person who holds `role` in a procedure's context, or None.

        `deputy` is the 分管副县长 of the matter; `applicant` the person asking for leave.
        Roles with several holders (副县长, 部门主要负责人…) resolve only through context.
        """
        if role in _SINGLE:
            return self.first(role)
        if role == "分管副县长":
            return deputy
        if role == "办公室分管副主任":
            return self.office_deputy_for(deputy)
        if role == "互补副县长":
            return self.partner_of(applicant)
        if role == "申请人":
            return applicant
        return None


def _person(index: int, entry) -> Person:
    if not isinstance(entry, dict):
        raise RosterError(f"花名册第 {index} 个 [[person]] 格式不对")
    name = entry.get("name")
    where = f"花名册第 {index} 个 [[person]]" + (f"（{name}）" if isinstance(name, str) else "")
    unknown = set(entry) - _KEYS
    if unknown:
        raise RosterError(f"{where}有无法识别的字段：{'、'.join(sorted(unknown))}；"
                          f"可用字段：{'、'.join(sorted(_KEYS))}")
    if not isinstance(name, str) or not name.strip():
        raise RosterError(f"{where}缺少姓名（name）")
    role = entry.get("role")
    if role not in ROLES:
        raise RosterError(f"{where}的职务“{role}”无法识别；可选：{'、'.join(ROLES)}")
    tid = entry.get("telegram_id")
    if tid is not None and (not isinstance(tid, int) or isinstance(tid, bool)):
        raise RosterError(f"{where}的 telegram_id 必须是整数")
    for key in ("portfolio", "serves"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RosterError(f"{where}的 {key} 必须是文字列表，例如 [\"教育\", \"卫生健康\"]")
    for key in ("partner", "department", "area"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise RosterError(f"{where}的 {key} 必须是文字")
    if not isinstance(entry.get("admin", False), bool):
        raise RosterError(f"{where}的 admin 必须是 true 或 false")
    return Person(name=name.strip(), role=role, telegram_id=tid,
                  portfolio=tuple(v.strip() for v in entry.get("portfolio", [])),
                  partner=(entry.get("partner") or "").strip() or None,
                  department=(entry.get("department") or "").strip() or None,
                  area=(entry.get("area") or "").strip() or None,
                  serves=tuple(v.strip() for v in entry.get("serves", [])),
                  admin=entry.get("admin", False))


def _check(people: tuple[Person, ...]) -> list[str]:
    """Chinese warnings: what the procedures will not be able to resolve."""
    warnings: list[str] = []
    by_name: dict[str, Person] = {}
    for p in people:
        if p.name in by_name:
            warnings.append(f"花名册中“{p.name}”出现了不止一次，只使用第一条")
        else:
            by_name[p.name] = p
    ids: dict[int, str] = {}
    for p in people:
        if p.telegram_id is not None:
            if p.telegram_id in ids:
                warnings.append(f"“{ids[p.telegram_id]}”和“{p.name}”的 telegram_id 相同"
                                f"（{p.telegram_id}）")
            ids.setdefault(p.telegram_id, p.name)
    for role in _SINGLE + _NEEDED:
        holders = [p.name for p in people if p.role == role]
        if not holders:
            warnings.append(f"花名册中没有“{role}”，涉及该职务的程序无法确定人选")
        elif role in _SINGLE and len(holders) > 1:
            warnings.append(f"花名册中有多名“{role}”（{'、'.join(holders)}），只使用第一位")
    deputies = [p for p in by_name.values() if p.is_deputy]
    covered: dict[str, str] = {}
    for d in deputies:
        if not d.portfolio:
            warnings.append(f"{d.role}“{d.name}”没有填写分管领域（portfolio）")
        for area in d.portfolio:
            if area in covered:
                warnings.append(f"分管领域“{area}”同时由“{covered[area]}”和“{d.name}”分管，"
                                f"按“{covered[area]}”处理")
            covered.setdefault(area, d.name)
        warnings.extend(_partner_warnings(d, by_name))
    for p in by_name.values():
        if p.area and p.area not in covered:
            warnings.append(f"“{p.department or p.name}”所属的分管领域“{p.area}”没有副县长分管")
        if p.partner and not p.is_deputy:
            warnings.append(f"只有副县长实行工作互补制度，“{p.name}”（{p.role}）的 partner 不起作用")
        for name in p.serves:
            served = by_name.get(name)
            if served is None or not served.is_deputy:
                warnings.append(f"“{p.name}”服务的“{name}”不是花名册中的副县长")
    return warnings


def _partner_warnings(d: Person, by_name: dict[str, Person]) -> list[str]:
    if not d.partner:
        return [f"{d.role}“{d.name}”没有填写互补副县长（partner），外出时无法确定代行人"]
    if d.partner == d.name:
        return [f"“{d.name}”的互补副县长不能填写本人"]
    partner = by_name.get(d.partner)
    if partner is None:
        return [f"“{d.name}”的互补副县长“{d.partner}”不在花名册中"]
    if not partner.is_deputy:
        return [f"“{d.name}”的互补对象“{d.partner}”是{partner.role}，不是副县长"]
    if partner.partner != d.name:
        back = f"“{partner.partner}”" if partner.partner else "空"
        return [f"互补关系不对应：“{d.name}”填写的是“{partner.name}”，"
                f"而“{partner.name}”填写的是{back}"]
    return []
