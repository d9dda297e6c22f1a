import pytest

from ingest.numerals import parse_numeral, to_numeral


@pytest.mark.parametrize("n", range(0, 201))
def test_round_trip(n):
    assert parse_numeral(to_numeral(n)) == n


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十一", 21), ("五十", 50),
    ("六十七", 67), ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("两百", 200),
    ("〇", 0), ("零", 0),
    ("50", 50), ("7", 7), ("０５０", 50), ("６７", 67), (" 五十 ", 50),
])
def test_parse_samples(text, value):
    assert parse_numeral(text) == value


@pytest.mark.parametrize("text", ["", "  ", "五五", "第五十", "条", "abc", "十x", "5十"])
def test_parse_rejects_non_numerals(text):
    assert parse_numeral(text) is None


@pytest.mark.parametrize("n,text", [
    (0, "零"), (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (50, "五十"),
    (67, "六十七"), (100, "一百"), (101, "一百零一"), (105, "一百零五"), (110, "一百一十"),
    (1005, "一千零五"), (1010, "一千零一十"),
])
def test_format_samples(n, text):
    assert to_numeral(n) == text


@pytest.mark.parametrize("n", [-1, 10000])
def test_format_out_of_range(n):
    with pytest.raises(ValueError):
        to_numeral(n)
