"""The parsed shape of a regulation: document → chapters → articles → paragraphs and items."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.numerals import to_numeral

_SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")

# Article kinds
ARTICLE = "article"      # a numbered article ("五十、…" or "第五十条 …")
NOTICE = "notice"        # the preamble / notice before the articles: article 0
PARAGRAPH = "paragraph"  # a document without recognisable articles, ingested by paragraph


@dataclass
class Item:
    no: int            # （一） → 1
    paragraph: int     # 1-based paragraph (款) the item belongs to
    text: str          # verbatim line


@dataclass
class Article:
    no: int
    kind: str
    text: str                                   # verbatim, lines joined with "\n"
    paragraphs: list[str] = field(default_factory=list)  # verbatim 款, items included
    items: list[Item] = field(default_factory=list)
    chapter_no: int | None = None
    chapter_title: str = ""

    @property
    def chapter_heading(self) -> str:
        if self.chapter_no is None:
            return self.chapter_title
        return f"第{to_numeral(self.chapter_no)}章 {self.chapter_title}".strip()

    @property
    def label(self) -> str:
        """How a person names this article: 第五十条, 公告说明, 第3段."""
        if self.kind == NOTICE:
            return "公告说明"
        if self.kind == PARAGRAPH:
            return f"第{self.no}段"
        return f"第{to_numeral(self.no)}条"


@dataclass
class RegDocument:
    doc_id: str
    title: str                      # full citation title, e.g. 西平县人民政府工作规则（征求意见稿）
    source: str                     # file name relative to the knowledge folder
    numbering: str                  # "ordinal" (五十、), "tiao" (第五十条) or "paragraphs"
    issuer: str = ""
    date: str = ""                  # the date of this version (last revision or issue)
    status: str = ""                # 征求意见稿, 试行, … as the title block says
    adopted: str = ""               # ISO dates read from the header ("" when not given)
    promulgated: str = ""
    effective: str = ""
    revised: list[str] = field(default_factory=list)
    superseded_by: str = ""         # doc_id of a newer version of the same regulation
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def article(self, no: int) -> Article | None:
        for art in self.articles:
            if art.no == no:
                return art
        return None

    @property
    def article_numbers(self) -> list[int]:
        return [a.no for a in self.articles]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RegDocument":
        data = dict(data)
        arts = []
        for a in data.pop("articles", []):
            a = dict(a)
            a["items"] = [Item(**i) for i in a.get("items", [])]
            arts.append(Article(**a))
        known = {f for f in cls.__dataclass_fields__}
        return cls(articles=arts, **{k: v for k, v in data.items() if k in known})


def split_sentences(text: str) -> list[str]:
    """Sentences (ending in 。；！？) and lines, verbatim, without surrounding blanks."""
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]
