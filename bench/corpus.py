"""Deterministic synthetic corpus for the scale run, generated from the seed regulation.

Regulation 0 is the seed itself (so the eval questions still have their answers); regulations
1..N-1 are variants: another county name and short name, another title kind / status / date /
contact, sentences of each chapter shuffled across the chapter's article slots (structure,
items and article count are kept), and every odd variant renumbered "第X条" under its
"第X章" headings instead of the seed's ordinal "X、" style.

Nothing here imports the project: the generator only depends on this file and the seed, and
the cache key (``corpus_key``) hashes exactly those.
"""
from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

SEED_FILE = "xiping-county-government-work-rules-draft-2020.txt"
SEED_ID = "xiping-gov-rules"
SEED_COUNTY, SEED_SHORT = "西平县", "西平"
SEED_KIND = "人民政府工作规则"

COUNTIES = [
    "遂平县", "上蔡县", "汝南县", "平舆县", "新蔡县", "正阳县", "确山县", "泌阳县", "舞阳县",
    "临颍县", "鄢陵县", "襄城县", "郏县", "叶县", "鲁山县", "宝丰县", "方城县", "社旗县",
    "唐河县", "桐柏县", "息县", "淮滨县", "潢川县", "光山县", "固始县", "商城县", "罗山县",
    "沈丘县", "郸城县", "太康县", "鹿邑县", "西华县", "商水县", "扶沟县", "尉氏县", "通许县",
    "杞县", "兰考县", "睢县", "宁陵县", "柘城县", "虞城县", "夏邑县", "民权县", "内乡县",
    "西峡县", "淅川县", "镇平县", "南召县", "新野县",
]
KINDS = ["人民政府工作规则", "人民政府工作细则", "人民政府议事规则", "人民政府工作制度"]
STATUSES = ["征求意见稿", "送审稿", "修订稿", "试行"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "宏伟建国明华丽军平志强红英玉兰秀梅海涛晓东"

DIGITS = "零一二三四五六七八九"
_ORDINAL_RE = re.compile(r"^([零一二三四五六七八九十百]+)、(.*)$")
_CHAPTER_RE = re.compile(r"^第([零一二三四五六七八九十百]+)章")
_ITEM_RE = re.compile(r"^[(（][零一二三四五六七八九十百\d]+[)）]")
_SENT_RE = re.compile(r"[^。；;！？!?]*[。；;！？!?]|[^。；;！？!?]+$")


def numeral(n: int) -> str:
    """1..999 as written in regulations (十, 二十一, 一百零五)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + DIGITS[rest] if rest < 10 else
                                 ("一" + numeral(rest) if rest < 20 else numeral(rest)))
    return DIGITS[n // 100] + "百" + tail


def parse_numeral(text: str) -> int | None:
    for n in range(1, 1000):
        if numeral(n) == text:
            return n
    return None


def corpus_key(seed_dir: Path, n: int) -> str:
    """Cache key: generator source + seed text + corpus size."""
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    h.update((seed_dir / SEED_FILE).read_bytes())
    h.update(str(n).encode())
    return h.hexdigest()[:12]


def _split_seed(lines: list[str]):
    """-> (preamble lines, body) where body is a list of chapters:
    (heading line, [article, ...]) and an article is a list of lines (first one numbered)."""
    first_chapter = next(i for i, l in enumerate(lines) if _CHAPTER_RE.match(l))
    preamble, body = lines[:first_chapter], []
    expected = 1
    for line in lines[first_chapter:]:
        if _CHAPTER_RE.match(line):
            body.append((line, []))
            continue
        m = _ORDINAL_RE.match(line)
        if m and parse_numeral(m.group(1)) == expected:
            body[-1][1].append([line])
            expected += 1
        else:
            body[-1][1][-1].append(line)
    return preamble, body


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT_RE.findall(text) if s]


def _shuffle_chapter(articles: list[list[str]], rng: random.Random) -> list[list[str]]:
    """Shuffle the chapter's sentences across its sentence slots; item lines and sentences that
    introduce items (ending in a colon) stay put, so structure and article count are kept."""
    split: list[list[tuple[str, list[str]]]] = []  # article -> line -> (number prefix, sentences)
    slots: list[tuple[int, int, int]] = []          # movable sentences: (article, line, sentence)
    for a, art in enumerate(articles):
        lines = []
        for li, line in enumerate(art):
            head = ""
            if li == 0:
                m = _ORDINAL_RE.match(line)
                head, line = m.group(1) + "、", m.group(2)
            if _ITEM_RE.match(line):
                lines.append((head, [line]))
                continue
            sents = _sentences(line)
            slots.extend((a, li, si) for si, s in enumerate(sents)
                         if not s.rstrip().endswith((":", "：")))
            lines.append((head, sents))
        split.append(lines)
    pool = [split[a][li][1][si] for a, li, si in slots]
    rng.shuffle(pool)
    for (a, li, si), s in zip(slots, pool):
        split[a][li][1][si] = s
    return [[head + "".join(sents) for head, sents in art] for art in split]


def _variant(seed_lines: list[str], i: int) -> tuple[str, dict]:
    rng = random.Random(f"bench-corpus-{i}")
    county = COUNTIES[i % len(COUNTIES)]
    kind = KINDS[(i // len(COUNTIES)) % len(KINDS)]
    short = county[:-1]
    year = 2016 + i % 8
    month, day = 1 + i % 12, 1 + (i * 7) % 28
    status = STATUSES[i % len(STATUSES)]
    suffix = "" if i < len(COUNTIES) * len(KINDS) else f"（{year}年第{numeral(i // (len(COUNTIES) * len(KINDS)))}版）"
    title_core = f"{county}{kind}{suffix}"
    tiao = i % 2 == 1

    preamble, body = _split_seed(seed_lines)
    chapters = [(heading, _shuffle_chapter(arts, rng)) for heading, arts in body]

    out: list[str] = []
    for line in preamble:
        if line.strip() == f"{SEED_COUNTY}{SEED_KIND}":
            line = title_core
        elif re.fullmatch(r"[(（]征求意见稿[)）]", line.strip()):
            line = f"({status})"
        out.append(line)
    for heading, arts in chapters:
        out.append(heading)
        for art in arts:
            first = art[0]
            if tiao:
                m = _ORDINAL_RE.match(first)
                first = f"第{m.group(1)}条　{m.group(2)}"
            out.append(first)
            out.extend(art[1:])
    text = "\n".join(out) + "\n"
    person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    replacements = [
        (f"{SEED_COUNTY}{SEED_KIND}", title_core),
        ("(征求意见稿)", f"({status})"),
        ("征求意见稿", status),
        (SEED_COUNTY, county), (SEED_SHORT, short), ("西政", short[0] + "政"),
        ("宋宏阳", person),
        ("0396-6277389", f"0396-{rng.randrange(2000000, 9999999)}"),
        ("xzfzhk@163.com", f"xzf{i:03d}@163.com"),
        ("176号", f"{rng.randrange(1, 400)}号"),
        ("2020年3月13日", f"{year}年{month}月{day}日"),
        ("4月14日前", f"{1 + (month % 12)}月{day}日前"),
        ("今年2月", f"今年{month}月"),
    ]
    for old, new in replacements:
        text = text.replace(old, new)
    meta = {"file": f"synth-{i:03d}.txt", "id": f"synth-{i:03d}",
            "title": f"{title_core}（{status}）", "issuer": f"{county}人民政府",
            "date": f"{year:04d}-{month:02d}-{day:02d}", "status": status}
    return text, meta


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(seed_dir: Path, out_dir: Path, n: int) -> dict:
    """Write n regulations into out_dir/knowledge and out_dir/documents.toml; returns stats."""
    seed_text = (seed_dir / SEED_FILE).read_text(encoding="utf-8")
    seed_lines = seed_text.splitlines()
    kdir = out_dir / "knowledge"
    kdir.mkdir(parents=True, exist_ok=True)
    (kdir / SEED_FILE).write_text(seed_text, encoding="utf-8")
    metas = [{"file": SEED_FILE, "id": SEED_ID, "title": "西平县人民政府工作规则（征求意见稿）",
              "issuer": "西平县人民政府", "date": "2020-03-13", "status": "征求意见稿"}]
    for i in range(1, n):
        text, meta = _variant(seed_lines, i)
        (kdir / meta["file"]).write_text(text, encoding="utf-8")
        metas.append(meta)
    titles = [m["title"] for m in metas]
    assert len(set(titles)) == len(titles), "titles must be distinct"
    with open(out_dir / "documents.toml", "w", encoding="utf-8") as fh:
        fh.write("# generated by bench/corpus.py\n")
        for m in metas:
            fh.write("\n[[document]]\n")
            for k, v in m.items():
                fh.write(f"{k} = {_toml_str(v)}\n")
    _, body = _split_seed(seed_lines)
    articles_per_doc = sum(len(a) for _, a in body) + 1  # + the notice (article 0)
    return {"regulations": n, "articles_estimate": n * articles_per_doc,
            "tiao_style": sum(1 for i in range(1, n) if i % 2 == 1)}
