"""The rule loader rejects malformed rule files, naming the file and the rule."""
from __future__ import annotations

import pytest

from bot.procedures.rules import DEFAULT_RULES_DIR, RulesError, load_rules

GOOD = '''
[[rule]]
id = "t.head"
when = { issuer = "县政府", doc_kind = "人事任免" }
then = { signer = "县长" }
cites = [{ article = 50, phrase = "人事任免文件" }]
'''


def write(tmp_path, text, name="signing.toml", domain="signing"):
    (tmp_path / name).write_text(f'domain = "{domain}"\n{text}', encoding="utf-8")
    return tmp_path


def test_project_rules_load():
    rules = load_rules()
    assert len(rules.by_domain["signing"]) >= 20 and len(rules.by_domain["leave"]) >= 10
    assert rules.sources["sign.head.appointment"] == "signing.toml"
    assert load_rules(DEFAULT_RULES_DIR).get("leave.department.away").then.steps


def test_a_minimal_rule_file_loads_and_matches(tmp_path):
    rules = load_rules(write(tmp_path, GOOD))
    primary, extras = rules.evaluate("signing", {"issuer": "县政府", "doc_kind": "人事任免"})
    assert primary.id == "t.head" and extras == []
    assert rules.evaluate("signing", {"issuer": "县政府", "doc_kind": "决定"}) == (None, [])


def test_boolean_conditions_do_not_match_integers(tmp_path):
    text = GOOD.replace('doc_kind = "人事任免"', "important = true")
    rules = load_rules(write(tmp_path, text))
    assert rules.evaluate("signing", {"issuer": "县政府", "important": True})[0]
    assert rules.evaluate("signing", {"issuer": "县政府", "important": 1})[0] is None


@pytest.mark.parametrize("text, message", [
    (GOOD.replace('then = {', 'colour = "red"\nthen = {'), "colour"),
    (GOOD.replace('cites = [{ article = 50, phrase = "人事任免文件" }]', ""), "cites"),
    (GOOD.replace('cites = [{ article = 50, phrase = "人事任免文件" }]', "cites = []"), "cites"),
    (GOOD.replace('phrase = "人事任免文件"', 'phrase = "人事任免文件", page = 3'), "page"),
    (GOOD.replace('signer = "县长"', 'signer = "市长"'), "unknown role '市长'"),
    (GOOD.replace('signer = "县长"', 'signer = "县长", steps = [{ action = "review", role = "秘书" }]'),
     "unknown role '秘书'"),
    (GOOD.replace('signer = "县长"', 'signer = "县长", steps = [{ action = "stamp", role = "县长" }]'),
     "unknown action 'stamp'"),
    (GOOD.replace('issuer = "县政府"', 'issuer = "县委"'), "issuer = '县委'"),
    (GOOD.replace('issuer = "县政府"', 'colour = "red"'), "unknown condition 'colour'"),
    (GOOD.replace('signer = "县长"', "covered = false"), "covered"),
    (GOOD.replace('id = "t.head"', ""), "id"),
])
def test_malformed_rules_raise_with_file_and_rule(tmp_path, text, message):
    with pytest.raises(RulesError) as err:
        load_rules(write(tmp_path, text))
    assert "signing.toml" in str(err.value) and message in str(err.value)
    if "id" not in message:
        assert "t.head" in str(err.value)


def test_leave_rules_take_only_leave_vocabulary(tmp_path):
    text = '''
[[rule]]
id = "t.leave"
when = { role = "副县长", kind = "出差" }
then = { signer = "县长", steps = [{ action = "review", role = "县长" }] }
cites = [{ article = 55, phrase = "应当事先报告县长" }]
'''
    with pytest.raises(RulesError) as err:
        load_rules(write(tmp_path, text, name="leave.toml", domain="leave"))
    assert "leave.toml: rule t.leave" in str(err.value)
    assert "signer" in str(err.value) and "unknown action 'review'" in str(err.value)


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, GOOD, name="a.toml")
    write(tmp_path, GOOD, name="b.toml")
    with pytest.raises(RulesError, match=r"b.toml: rule t.head: duplicate id \(also in a.toml\)"):
        load_rules(tmp_path)


@pytest.mark.parametrize("text, message", [
    ('domain = "signing"\n[[rule]\n', "cannot read"),
    ('domain = "budget"\n', "domain must be one of"),
    ('domain = "signing"\nversion = 2\n', "unknown top-level keys: version"),
])
def test_malformed_files(tmp_path, text, message):
    (tmp_path / "x.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules(tmp_path)


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(RulesError, match="no rule files"):
        load_rules(tmp_path)
