"""Report sections as a small, safe subset of HTML (paragraphs, line breaks, bold, italic, underline, lists).

Whatever the browser sends is rebuilt tag by tag from a whitelist with no attributes, so no markup
outside the subset (scripts, styles, links, event handlers) survives. Plain text (no tags) becomes
paragraphs, one per line.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

BLOCK = {"p", "ul", "ol", "li"}
INLINE = {"strong", "em", "u"}
RENAME = {"b": "strong", "i": "em", "div": "p", "h1": "p", "h2": "p", "h3": "p", "h4": "p", "blockquote": "p"}
DROP_CONTENT = {"script", "style", "template", "iframe", "object", "noscript", "title", "head"}
_TAG = re.compile(r"<[a-zA-Z/!]")


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping:
            return
        tag = RENAME.get(tag, tag)
        if tag == "br":
            self.out.append("<br>")
        elif tag in BLOCK or tag in INLINE:
            if tag == "p" and "p" in self.stack:
                self._close("p")
            self.out.append(f"<{tag}>")
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.dropping:
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        tag = RENAME.get(tag, tag)
        if tag in self.stack:
            self._close(tag)

    def _close(self, tag: str) -> None:
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        html = "".join(self.out)
        return re.sub(r"<(p|strong|em|u|li|ul|ol)>\s*</\1>", "", html).strip()


def clean(value: str) -> str:
    """The safe HTML for ``value`` (HTML from the editor, or plain text)."""
    value = (value or "").replace("\r\n", "\n")
    if not _TAG.search(value):
        return "".join(f"<p>{escape(line.strip(), quote=False)}</p>" for line in value.split("\n") if line.strip())
    cleaner = _Cleaner()
    cleaner.feed(value)
    return cleaner.result()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.lists: list[list[int]] = []  # [counter] per open list, -1 for bullets

    def _flush(self) -> None:
        text = "".join(self.current).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"p", "div", "br"}:
            self._flush()
        elif tag in {"ul", "ol"}:
            self._flush()
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li":
            self._flush()
            if self.lists and self.lists[-1][0] >= 0:
                self.lists[-1][0] += 1
                self.current.append(f"{self.lists[-1][0]}. ")
            else:
                self.current.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "div", "li"}:
            self._flush()
        elif tag in {"ul", "ol"}:
            self._flush()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.current.append(data.replace("\n", " "))


def to_text(value: str) -> str:
    """Plain text with one paragraph or list item per line (for documents, comparison and length)."""
    if not _TAG.search(value or ""):
        return "\n".join(line.strip() for line in (value or "").splitlines() if line.strip())
    parser = _Text()
    parser.feed(value)
    parser.close()
    parser._flush()
    return "\n".join(parser.lines)
