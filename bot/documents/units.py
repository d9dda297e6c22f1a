"""Who a 公文's issuer and recipients are: the county government, its office, a roster
department or township, a body above (the city), the 县委 or 人大, a leader personally,
another county's unit, or a name we do not know.

The county's own names come from knowledge/gongwen/units.toml; departments and
townships from the roster (each person's `department`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.data import read_toml
from bot.procedures.roster import Roster

GOVERNMENT, OFFICE, DEPARTMENT, TOWNSHIP = "县政府", "县政府办公室", "部门", "乡镇"
UPPER, PARTY, CONGRESS, LEADER, OTHER_COUNTY, UNKNOWN = "上级", "县委", "人大", "领导", "外县", "未知"
UPPER_DEPARTMENT = "上级部门"   # a city or provincial department (not the government itself)
# The issuers the signing rules know.
ISSUER_KINDS = (GOVERNMENT, OFFICE, DEPARTMENT, TOWNSHIP)
_TOWNSHIP_RE = re.compile(r"^(.{1,6}?[镇乡])(人民政府)?$|街道办事处$|街道$")
_PLACE_RE = re.compile(r"^(中共)?(?P<place>[\u4e00-\u9fff]{1,5}?(县|市|区|省|自治州|自治县|旗))")
_GROUP_RE = re.compile(r"^(各|全县各|县直各|县政府各|有关)")


class UnitsError(Exception):
    pass


@dataclass(frozen=True)
class Unit:
    kind: str              # one of the constants above
    name: str              # as written
    department: str | None = None   # the roster's name, for a department or township


@dataclass
class UnitDirectory:
    county: str
    city: str = ""
    government: list[str] = field(default_factory=list)
    office: list[str] = field(default_factory=list)
    party_committee: list[str] = field(default_factory=list)
    congress: list[str] = field(default_factory=list)
    leader_titles: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    departments: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)      # roster names of county leaders

    @classmethod
    def load(cls, path: Path, roster: Roster) -> "UnitDirectory":
        raw = read_toml(path, UnitsError)
        known = {"county", "city", "government", "office", "party_committee", "congress",
                 "leader_titles", "aliases"}
        unknown = set(raw) - known
        if unknown or not raw.get("county"):
            raise UnitsError(f"{path}: unknown keys {sorted(unknown)} or no county")
        departments, townships = [], []
        for p in roster.people:
            d = p.department
            if not d or d == "县政府办公室":
                continue
            target = townships if p.role == "乡镇主要负责人" or _TOWNSHIP_RE.search(d) else departments
            if d not in target:
                target.append(d)
        leaders = [p.name for p in roster.people if p.role in ("县长", "常务副县长", "副县长")]
        return cls(departments=departments, townships=townships, leaders=leaders, **raw)

    # -- resolving ---------------------------------------------------------------------
    def resolve(self, written: str) -> Unit:
        name = re.sub(r"[ \u3000]+", "", written or "").strip("：:，,。")
        if not name:
            return Unit(UNKNOWN, written)
        if name in self.leaders or any(name.endswith(t) and len(name) > len(t) or name == t
                                       for t in self.leader_titles):
            return Unit(LEADER, name)
        local, place = self._local(name)
        if place == "other":
            return Unit(OTHER_COUNTY, name)
        if place == "upper":
            return Unit(UPPER if self._is_government(local) else UPPER_DEPARTMENT, name)
        if local in self.office or local in ("县" + o for o in self.office):
            return Unit(OFFICE, name)
        if local in self.government or local in ("县" + g for g in self.government):
            return Unit(GOVERNMENT, name)
        bare = local[1:] if local.startswith("县") else local
        if bare in self.party_committee or local.startswith("县委") and len(local) <= 6:
            return Unit(PARTY, name)
        if bare in self.congress:
            return Unit(CONGRESS, name)
        bare = self.aliases.get(bare, bare)
        for d in self.departments:
            if bare == d or bare == self.aliases.get(d, d):
                return Unit(DEPARTMENT, name, d)
        town = re.sub(r"人民政府$", "", bare)
        for t in self.townships:
            if town == re.sub(r"人民政府$", "", t):
                return Unit(TOWNSHIP, name, t)
        if _TOWNSHIP_RE.search(bare):
            return Unit(TOWNSHIP, name)          # a township the roster does not list
        return Unit(UNKNOWN, name)

    @staticmethod
    def _is_government(name: str) -> bool:
        """驻马店市人民政府, 市政府, 省人民政府办公厅, 国务院, 市委: a government or party
        committee above, not one of its departments."""
        rest = re.sub(r"^(中共)?[\u4e00-\u9fff]{0,6}?(市|省|自治州)", "", name)
        return (name.startswith("国务院") or rest in ("", "人民政府", "政府", "人民政府办公室", "政府办公室",
                                                    "人民政府办公厅", "政府办", "委", "委员会", "委办公室"))

    def _local(self, name: str) -> tuple[str, str]:
        """The name without our county's prefix, and where it sits: "ours", "upper"
        (the city, the province), "other" (another county)."""
        county = self.county
        short = county[0] if county else ""
        n = re.sub(r"^中共", "", name)
        if county and n.startswith(county):
            return n[len(county):] or "人民政府", "ours"
        if n.startswith(("市", "省")) or self.city and n.startswith(self.city) or n.startswith("国务院"):
            return n, "upper"
        m = _PLACE_RE.match(n)
        if m and m.group("place") not in (county, short):
            place = m.group("place")
            if place.endswith(("市", "省", "自治州")):
                return n, "upper"
            return n, "other"
        return n, "ours"

    def is_group(self, written: str) -> bool:
        """"各乡镇人民政府", "县政府各部门": many units at once (a 下行文's recipients)."""
        name = re.sub(r"[ \u3000]+", "", written)
        return bool(_GROUP_RE.match(name)) or "各" in name


def direction(issuer: Unit | None, recipients: list[Unit], groups: int) -> str | None:
    """上行文, 平行文 or 下行文, from who sends to whom."""
    if issuer is None or (not recipients and not groups):
        return None
    kinds = {r.kind for r in recipients}
    if issuer.kind in (DEPARTMENT, TOWNSHIP):
        if kinds & {GOVERNMENT, OFFICE, LEADER, UPPER, UPPER_DEPARTMENT, PARTY, CONGRESS}:
            return "上行文"
        if groups and not kinds:
            return "下行文"
        return "平行文"
    if issuer.kind in (GOVERNMENT, OFFICE):
        if kinds & {UPPER, PARTY, CONGRESS}:
            return "上行文"
        if groups or kinds & {DEPARTMENT, TOWNSHIP}:
            return "下行文"
        return "平行文"
    return None
