"""A tiny PDF writer for tests: one page whose text layer holds the given lines.

No PDF library in the project can write text (pypdf reads only), so this writes the
file by hand: a Type0 font with Identity-H encoding and a ToUnicode CMap, which is
what real Chinese PDFs use and what pypdf's text extraction reads.
"""
from __future__ import annotations


def make_pdf(pages: list[list[str]]) -> bytes:
    chars = sorted({ch for lines in pages for line in lines for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    bf = "\n".join(f"<{cid[ch]:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch in chars)
    cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{len(chars)} beginbfchar\n{bf}\nendbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend").encode("ascii")

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    n_pages = len(pages)
    first_page = 6  # objects 1..5: catalog, pages, font, CID font, ToUnicode
    page_ids = [first_page + 2 * i for i in range(n_pages)]
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            " ".join(f"{p} 0 R" for p in page_ids).encode(), n_pages),
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
           b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
           b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        5: stream(cmap),
    }
    for page_id, lines in zip(page_ids, pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "50 800 Td"]
        ops += [f"<{''.join(f'{cid[ch]:04X}' for ch in line)}> Tj T*" for line in lines]
        ops.append("ET")
        objs[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1))
        objs[page_id + 1] = stream("\n".join(ops).encode("ascii"))

    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)
