import pytest

from bot.retrieval.lookup import ArticleRef, find_reference


@pytest.mark.parametrize("question,ref", [
    ("第五十条", ArticleRef(50)),
    ("五十条", ArticleRef(50)),
    ("第50条", ArticleRef(50)),
    ("50条", ArticleRef(50)),
    ("第５０条", ArticleRef(50)),
    ("第五十条说的啥", ArticleRef(50)),
    ("请问第 五十 条是什么规定？", ArticleRef(50)),
    ("五条是啥", ArticleRef(5)),
    ("第五十条第二款", ArticleRef(50, 2)),
    ("第五十一条第2款怎么规定的", ArticleRef(51, 2)),
    ("第三十九条第一款第二项", ArticleRef(39, 1, 2)),
    ("第40条第1款第10项", ArticleRef(40, 1, 10)),
    ("第五十", ArticleRef(50)),
    ("第50", ArticleRef(50)),
    ("公告说明", ArticleRef(0)),
    ("公告说明里的联系电话", ArticleRef(0)),
    ("第零条", ArticleRef(0)),
    ("第0条", ArticleRef(0)),
])
def test_references(question, ref):
    assert find_reference(question) == ref


@pytest.mark.parametrize("question", [
    "有一条规定说副县长请假要报告县长",
    "几条",
    "有几条规定",
    "这两条有什么区别",
    "副县长请假找谁",
    "会签文件几天内回复",
    "第五十个文件",
    "",
    "第",
    "条",
])
def test_not_references(question):
    assert find_reference(question) is None
