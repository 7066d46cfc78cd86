"""Text that Office XML can hold: what XML 1.0 forbids is dropped, a line break becomes a new line."""

from __future__ import annotations

import re

# Vertical tab (Word's manual line break when pasted), form feed, CR and the Unicode separators break a line.
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\u2028\u2029\x85]")
# What XML 1.0 cannot carry at all: C0 controls except tab and newline, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Return ``text`` as a string that XML 1.0 can hold: line breaks as "\\n", other controls dropped."""
    if text is None:
        return ""
    return _NOT_XML.sub("", _LINE_BREAKS.sub("\n", str(text)))


def paragraphs(text: object) -> list[str]:
    """Split ``text`` into its non-empty, stripped paragraphs (one per line)."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]
