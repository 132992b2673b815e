"""Scores every Spanish HTML page of a build with textstat's Szigriszt-Pazos
(INFLESZ) index, on the text a client reads: paragraphs and list items of
<main>, without headings, the list of laws cited, footnote marks or form
controls. Fails when a page scores under 65 ("bastante fácil")."""
import sys
from html.parser import HTMLParser
from pathlib import Path

import textstat

textstat.set_lang("es")
SKIP_TAGS = {"h1", "h2", "h3", "h4", "sup", "label", "input", "script", "style", "fieldset"}
BLOCKS = {"p", "li"}


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_main = False
        self.skip = 0  # depth inside skipped elements
        self.stack = []
        self.blocks = []
        self.cur = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        skipping = tag in SKIP_TAGS or "laws" in (a.get("class") or "").split() or "signature" in (a.get("class") or "").split()
        if tag in ("input", "br", "img", "meta", "link"):
            return  # void elements
        self.stack.append(skipping)
        if skipping:
            self.skip += 1
        if tag in BLOCKS and not self.skip:
            self.flush()

    def handle_endtag(self, tag):
        if tag == "main":
            self.flush()
            self.in_main = False
            return
        if not self.in_main or tag in ("input", "br", "img", "meta", "link") or not self.stack:
            return
        if self.stack.pop():
            self.skip -= 1
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.in_main and not self.skip:
            self.cur.append(data)

    def flush(self):
        t = " ".join("".join(self.cur).split())
        if t:
            # Each block ends a sentence, as the reader sees it.
            self.blocks.append(t if t[-1] in ".:;?!" else t + ".")
        self.cur = []


def main():
    out = Path(sys.argv[1])
    pages = sorted(p for p in out.rglob("*.html") if "/es/" in p.as_posix())
    if not pages:
        print(f"no Spanish pages in {out}")
        return 1
    worst, failed = 101.0, []
    for p in pages:
        parser = Text()
        parser.feed(p.read_text(encoding="utf-8"))
        text = "\n".join(parser.blocks)
        score = textstat.szigriszt_pazos(text)
        worst = min(worst, score)
        if score < 65:
            failed.append(f"{p.relative_to(out)}: INFLESZ {score:.1f}")
    print(f"   {len(pages)} Spanish pages, lowest INFLESZ {worst:.1f}")
    for f in failed:
        print(f"   under 65: {f}")
    return 1 if failed else 0


sys.exit(main())
