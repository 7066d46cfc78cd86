"""GB/T 9704-2012 page geometry and the fonts it names (DESIGN.md, "Official documents")."""

from __future__ import annotations

# Page geometry in millimetres: A4, top 37, left (binding) 28, text block 156 x 225.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
MARGIN_TOP, MARGIN_LEFT = 37, 28
TEXT_WIDTH, TEXT_HEIGHT = 156, 225
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
# The page number's line is 16 pt (5.6 mm) high and its top 7 mm below the text block (GB/T 9704 7.5):
# the footer stands 35 - 7 - 5.6 ≈ 22 mm above the page foot. A taller footer would push the block up.
FOOTER_DISTANCE = 22
FOOTER_LINE_PT = 16
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

# Sizes in points: 2号 title, 3号 body, 4号 page numbers and 版记.
TITLE_PT, BODY_PT, SMALL_PT = 22, 16, 14
TABLE_PT, TABLE_LINE_PT = 12, 16  # 小四 table cells, exact 16 pt lines
# The 版记's rules: the first and last 0.35 mm, those between 0.25 mm (GB/T 9704 7.4.1).
RULE_THICK_PT, RULE_THIN_PT = 1.0, 0.7
# 2 pt above and below a cell's text: a one-line row is 20 pt, off the body's line grid (LibreOffice would
# otherwise snap every row to a 28.95 pt body line: 21 rows a page instead of about 33).
TABLE_CELL_PAD_PT = 2
TWIPS_PER_MM = 1440 / 25.4
# Exact line pitch that fits 22 lines in 225 mm: 579 twips (≈ 28.95 pt).
LINE_PITCH_TWIPS = int(TEXT_HEIGHT * TWIPS_PER_MM / LINES_PER_PAGE)
TEXT_WIDTH_PT = TEXT_WIDTH * 72 / 25.4  # ≈ 442.2 pt
# 28 characters of 3号 (16 pt) need 448 pt, the block has 442.2: each character is condensed by 0.25 pt
# (5 twentieths of a point), so 28 take 441 pt. See docs/documents.md for why this is not a character grid.
CONDENSE_TWENTIETHS = -5

FONT_TITLE = "方正小标宋简体"  # title and the red header
FONT_BODY = "仿宋_GB2312"  # body, headings of levels 3 and 4, 版记
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"
RED = "FF0000"

HEADING_FONTS = {1: FONT_HEADING_1, 2: FONT_HEADING_2, 3: FONT_BODY, 4: FONT_BODY}
