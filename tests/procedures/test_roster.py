"""The roster: loading, lookups and the administrator's warnings."""
from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT, load_config
from bot.procedures.roster import ROLES, Roster, RosterError

EXAMPLE = PROJECT_ROOT / "knowledge" / "roster.example.toml"


@pytest.fixture(scope="module")
def roster():
    return Roster.load(EXAMPLE)


def load_text(tmp_path, text) -> Roster:
    path = tmp_path / "roster.toml"
    path.write_text(text, encoding="utf-8")
    return Roster.load(path)


def person(name, role, **fields) -> str:
    lines = [f'[[person]]\nname = "{name}"\nrole = "{role}"']
    for key, value in fields.items():
        if isinstance(value, list):
            value = "[" + ", ".join(f'"{v}"' for v in value) + "]"
        elif isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, str):
            value = f'"{value}"'
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


COMPLETE = (person("县长A", "县长")
            + person("常务B", "常务副县长", portfolio=["财政"], partner="副县长C")
            + person("副县长C", "副县长", portfolio=["教育"], partner="常务B")
            + person("主任D", "办公室主任")
            + person("副主任E", "办公室副主任", serves=["副县长C"]))


def test_config_points_at_the_example_roster():
    assert load_config(PROJECT_ROOT / "config.toml", env={}).roster.path == EXAMPLE


def test_example_roster_loads_without_warnings(roster):
    assert roster.warnings == []
    assert {p.role for p in roster.people} == set(ROLES)
    assert all(p.name.startswith("示例·") for p in roster.people)


def test_lookups(roster):
    assert roster.by_name("示例·县长").role == "县长"
    assert roster.by_name("无此人") is None
    assert [p.name for p in roster.by_role("办公室主任")] == ["示例·办公室主任"]
    assert roster.deputy_for_area("教育").name == "示例·副县长甲"
    assert roster.deputy_for_area("财政").name == "示例·常务副县长"
    assert roster.deputy_for_area("外交") is None and roster.deputy_for_area(None) is None
    assert roster.area_of_department("农业农村局") == "农业农村"
    assert roster.deputy_for_department("农业农村局").name == "示例·副县长乙"
    assert roster.deputy_for_department("卫生健康委员会").name == "示例·副县长甲"
    assert roster.deputy_for_department("水利局").name == "示例·副县长乙"  # name starts with the area
    assert roster.head_of("出山镇").name == "示例·出山镇镇长"
    deputy = roster.by_name("示例·副县长甲")
    assert roster.office_deputy_for(deputy).name == "示例·办公室副主任甲"
    assert roster.office_deputy_for(roster.by_name("示例·常务副县长")).name == "示例·办公室副主任丙"
    assert roster.partner_of(deputy).name == "示例·副县长乙"
    assert roster.resolve("分管副县长", deputy=deputy) is deputy
    assert roster.resolve("互补副县长", applicant=deputy).name == "示例·副县长乙"
    assert roster.resolve("县长").name == "示例·县长"
    assert roster.resolve("副县长") is None  # several holders: only context decides


def test_telegram_ids(tmp_path):
    r = load_text(tmp_path, COMPLETE + person("员工F", "工作人员", telegram_id=42, admin=True))
    assert r.by_telegram_id(42).name == "员工F" and r.by_telegram_id(42).admin
    assert r.by_telegram_id(7) is None
    assert r.warnings == []


def test_office_deputy_matches_by_shared_area(tmp_path):
    r = load_text(tmp_path, COMPLETE.replace('serves = ["副县长C"]', 'portfolio = ["教育"]'))
    assert r.office_deputy_for(r.by_name("副县长C")).name == "副主任E"
    assert r.office_deputy_for(r.by_name("常务B")) is None


@pytest.mark.parametrize("missing", ["县长", "常务副县长", "办公室主任", "办公室副主任"])
def test_unfilled_roles_warn(tmp_path, missing):
    blocks = [b for b in COMPLETE.split("[[person]]") if b.strip()]
    kept = "".join("[[person]]" + b for b in blocks if f'role = "{missing}"' not in b)
    warnings = load_text(tmp_path, kept).warnings
    assert f"花名册中没有“{missing}”，涉及该职务的程序无法确定人选" in warnings


def test_an_empty_roster_warns_about_every_needed_role(tmp_path):
    warnings = load_text(tmp_path, "").warnings
    for role in ("县长", "常务副县长", "副县长", "办公室主任", "办公室副主任"):
        assert any(f"“{role}”" in w for w in warnings)


def test_area_of_a_department_that_no_deputy_covers(tmp_path):
    r = load_text(tmp_path, COMPLETE + person("局长G", "部门主要负责人", department="商务局", area="商务"))
    assert r.warnings == ["“商务局”所属的分管领域“商务”没有副县长分管"]
    assert r.deputy_for_department("商务局") is None


def test_partner_problems(tmp_path):
    text = (person("县长A", "县长") + person("主任D", "办公室主任")
            + person("副主任E", "办公室副主任")
            + person("常务B", "常务副县长", portfolio=["财政"], partner="副县长C")
            + person("副县长C", "副县长", portfolio=["教育"], partner="副县长H")
            + person("副县长H", "副县长", portfolio=["水利"])
            + person("副县长I", "副县长", portfolio=["交通"], partner="不存在")
            + person("副县长J", "副县长", portfolio=["商务"], partner="主任D"))
    warnings = load_text(tmp_path, text).warnings
    assert "互补关系不对应：“常务B”填写的是“副县长C”，而“副县长C”填写的是“副县长H”" in warnings
    assert "互补关系不对应：“副县长C”填写的是“副县长H”，而“副县长H”填写的是空" in warnings
    assert "副县长“副县长H”没有填写互补副县长（partner），外出时无法确定代行人" in warnings
    assert "“副县长I”的互补副县长“不存在”不在花名册中" in warnings
    assert "“副县长J”的互补对象“主任D”是办公室主任，不是副县长" in warnings


def test_duplicates_and_overlaps_warn(tmp_path):
    text = (COMPLETE.replace('name = "副主任E"', 'name = "副主任E"\ntelegram_id = 5')
            + person("员工F", "工作人员", telegram_id=5)
            + person("员工F", "工作人员")
            + person("县长Z", "县长")
            + person("副县长K", "副县长", portfolio=["教育"], partner="副县长K")
            + person("员工L", "工作人员", partner="县长A", serves=["县长A"]))
    r = load_text(tmp_path, text)
    assert "花名册中“员工F”出现了不止一次，只使用第一条" in r.warnings
    assert "“副主任E”和“员工F”的 telegram_id 相同（5）" in r.warnings
    assert "花名册中有多名“县长”（县长A、县长Z），只使用第一位" in r.warnings
    assert "分管领域“教育”同时由“副县长C”和“副县长K”分管，按“副县长C”处理" in r.warnings
    assert "只有副县长实行工作互补制度，“员工L”（工作人员）的 partner 不起作用" in r.warnings
    assert "“员工L”服务的“县长A”不是花名册中的副县长" in r.warnings
    assert "“副县长K”的互补副县长不能填写本人" in r.warnings
    assert r.deputy_for_area("教育").name == "副县长C"
    assert r.resolve("县长").name == "县长A"


@pytest.mark.parametrize("text, message", [
    ("[[person]\nname = 1", "不是有效的 TOML"),
    (person("甲", "市长"), "职务“市长”无法识别"),
    (person("甲", "县长", phone="123"), "无法识别的字段：phone"),
    ('[[person]]\nrole = "县长"\n', "缺少姓名"),
    (person("甲", "县长", telegram_id="abc"), "telegram_id 必须是整数"),
    (person("甲", "副县长", portfolio="教育"), "portfolio 必须是文字列表"),
    (person("甲", "县长", admin="yes"), "admin 必须是 true 或 false"),
    ('title = "x"\n', "无法识别的部分：title"),
])
def test_malformed_rosters_raise(tmp_path, text, message):
    with pytest.raises(RosterError, match=message):
        load_text(tmp_path, text)


def test_missing_file_raises(tmp_path):
    with pytest.raises(RosterError, match="找不到花名册文件"):
        Roster.load(tmp_path / "none.toml")
