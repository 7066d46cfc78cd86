"""Read a PDF back as a reader sees it: lines with their position per page (pdftotext), fonts (pdffonts)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float = 0.0


def pages(pdf: bytes) -> list[list[Line]]:
    """Return each page's text lines (as pdftotext -bbox-layout finds them), top to bottom."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(pdf)
        xml = subprocess.run(  # noqa: S603
            ["pdftotext", "-bbox-layout", handle.name, "-"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    result: list[list[Line]] = []
    for page in xml.split("<page ")[1:]:
        lines = []
        for match in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"[^>]*>(.*?)</line>', page, re.S
        ):
            words = re.findall(r">([^<]*)</word>", match.group(5))
            x_min, y_min, x_max, y_max = (float(match.group(i)) for i in range(1, 5))
            lines.append(Line("".join(words), x_min, x_max, y_min, y_max))
        result.append(_merge(sorted(lines, key=lambda line: (round(line.y_min), line.x_min))))
    return result


def _merge(lines: list[Line]) -> list[Line]:
    """Join the pieces pdftotext finds on one baseline (发文字号 and 签发人 share a line)."""
    merged: list[Line] = []
    for line in lines:
        if merged and abs(merged[-1].y_min - line.y_min) < 1:
            last = merged.pop()
            line = Line(last.text + line.text, last.x_min, line.x_max, last.y_min, max(last.y_max, line.y_max))
        merged.append(line)
    return merged


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """Return the (name, embedded) of every font the PDF uses."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(pdf)
        out = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True, text=True).stdout  # noqa: S603,S607
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if parts:
            emb = parts[-5] if len(parts) >= 5 else "no"
            rows.append((parts[0], emb == "yes"))
    return rows
