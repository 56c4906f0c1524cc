"""Server-side SVG diagram of a supply-chain lane.

A *lane* is the ordered path cargo takes from a foreign supplier to a U.S. warehouse. This module
turns a list of :class:`DiagramNode` into a standalone ``<svg>`` string that can be inlined in an
HTML page served under a strict Content-Security-Policy and embedded in WeasyPrint PDFs.

Design constraints (do not relax them when editing):

* Pure Python, no Django import.
* Only presentation attributes: no ``style`` attribute, no ``<style>``/``<script>`` element,
  no event handler attributes, no ``href``/external references, no ``id`` (ids would collide when
  several diagrams are inlined on the same page).
* Every piece of user text goes through :func:`xml.sax.saxutils.escape` / ``quoteattr`` after
  removing characters that are not allowed in XML 1.0.
* Deterministic: the same input always yields the same string.

Layout: boxes flow left to right, ``per_row`` per row. When a row is full, an elbow connector goes
from the bottom of the row's last box down and back to the top of the next row's first box, so
every row still reads left to right. Each box carries its step number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

__all__ = ["MODES", "NODE_TYPES", "DiagramNode", "lane_svg"]

NODE_TYPES = (
    "supplier",
    "manufacturer",
    "consolidator",
    "origin_port",
    "carrier_leg",
    "transshipment",
    "destination_port",
    "customs_broker",
    "warehouse",
    "other",
)
MODES = ("sea", "air", "rail", "highway")


@dataclass
class DiagramNode:
    label: str  # e.g. "Shenzhen Bright Toys Co." (may contain <, &, quotes, non-ASCII)
    node_type: str  # one of NODE_TYPES
    country: str  # ISO 3166-1 alpha-2, e.g. "CN"
    mode: str | None = None  # for carrier_leg: one of MODES
    activities: list[str] = field(default_factory=list)  # e.g. ["stuffing", "sealing"]
    risk: str | None = None  # optional "High"/"Medium"/"Low" -> border colour


# --------------------------------------------------------------------------------------------
# Geometry and palette
# --------------------------------------------------------------------------------------------

FONT_FAMILY = "DejaVu Sans, sans-serif"

MARGIN = 24
TITLE_BAND = 60  # space above the first row for the title
BOX_W = 248
BOX_H = 150
GAP_X = 48  # horizontal space between boxes (holds the arrow)
GAP_Y = 48  # vertical space between rows (holds the wrap connector)
PAD = 12  # inner padding of a box
TEXT_X = 56  # x offset (inside a box) of the header text, right of the icon tile
TEXT_W = BOX_W - 2 * PAD  # usable text width inside a box

LABEL_FONT = 13
LABEL_MAX_CHARS = 28
LABEL_MAX_LINES = 2
COUNTRY_FONT = 11
ACTIVITY_FONT = 10
TYPE_FONT = 10
TITLE_FONT = 18

INK = "#0f172a"
TEXT = "#1e293b"
MUTED = "#475569"
FAINT = "#64748b"
BOX_FILL = "#ffffff"
BOX_STROKE = "#94a3b8"
ARROW = "#64748b"
ICON = "#2b4c7e"
TILE = "#e6edf7"
BADGE_FILL = "#f1f5f9"
BADGE_STROKE = "#cbd5e1"

# Constant attribute strings for _text().
BOLD = ' font-weight="bold"'
CENTRED = ' text-anchor="middle"'

RISK_COLOURS = {"High": "#b91c1c", "Medium": "#b45309", "Low": "#15803d"}

# Same wording as the NodeType choices in risk/models.py (kept here to stay Django-free).
TYPE_NAMES = {
    "supplier": "Supplier",
    "manufacturer": "Foreign manufacturer",
    "consolidator": "Consolidator",
    "origin_port": "Origin port / airport",
    "carrier_leg": "Carrier leg",
    "transshipment": "Transshipment point",
    "destination_port": "U.S. port of entry",
    "customs_broker": "Customs broker",
    "warehouse": "U.S. warehouse / DC",
    "other": "Other",
}
MODE_NAMES = {"sea": "Sea", "air": "Air", "rail": "Rail", "highway": "Highway"}

# --------------------------------------------------------------------------------------------
# Icons: 32x32 drawings made of SVG primitives only, in ICON colour on a TILE background.
# --------------------------------------------------------------------------------------------

_ICON_SHAPES = {
    # Container ship on waves.
    "ship": (
        f'<polygon points="2,19 30,19 26,26 6,26" fill="{ICON}"/>'
        f'<rect x="6" y="9" width="7" height="10" fill="{ICON}"/>'
        f'<rect x="7.5" y="11" width="4" height="2.5" fill="{TILE}"/>'
        f'<rect x="15" y="14" width="5" height="5" fill="{ICON}"/>'
        f'<rect x="21" y="14" width="5" height="5" fill="{ICON}"/>'
        f'<rect x="18" y="9" width="5" height="5" fill="{ICON}"/>'
        f'<path d="M2 29.5 q3.5 -2 7 0 t7 0 t7 0 t7 0" fill="none" stroke="{ICON}"'
        ' stroke-width="1.6" stroke-linecap="round"/>'
    ),
    # Aeroplane seen from above, nose pointing right (the direction of flow).
    "plane": (
        f'<ellipse cx="16" cy="16" rx="13.5" ry="2.8" fill="{ICON}"/>'
        f'<polygon points="20,14.5 12,2.5 8.5,2.5 13,14.5" fill="{ICON}"/>'
        f'<polygon points="20,17.5 12,29.5 8.5,29.5 13,17.5" fill="{ICON}"/>'
        f'<polygon points="6.5,15 3,8.5 1,8.5 3,15" fill="{ICON}"/>'
        f'<polygon points="6.5,17 3,23.5 1,23.5 3,17" fill="{ICON}"/>'
    ),
    # Locomotive seen from the front, on a rail.
    "train": (
        f'<rect x="5" y="3" width="22" height="20" rx="4" fill="{ICON}"/>'
        f'<rect x="8" y="6.5" width="6.5" height="6" rx="1" fill="{TILE}"/>'
        f'<rect x="17.5" y="6.5" width="6.5" height="6" rx="1" fill="{TILE}"/>'
        f'<circle cx="10" cy="18" r="1.8" fill="{TILE}"/>'
        f'<circle cx="22" cy="18" r="1.8" fill="{TILE}"/>'
        f'<path d="M10 23 L6 28.5 M22 23 L26 28.5" stroke="{ICON}" stroke-width="2.2"'
        ' stroke-linecap="round"/>'
        f'<path d="M2 29.5 H30" stroke="{ICON}" stroke-width="1.6" stroke-linecap="round"/>'
    ),
    # Box truck, cab on the right (the direction of flow).
    "truck": (
        f'<rect x="1" y="8" width="19" height="14" rx="1" fill="{ICON}"/>'
        f'<polygon points="21,12 27,12 31,17 31,22 21,22" fill="{ICON}"/>'
        f'<polygon points="23,13.5 26.3,13.5 29,17 23,17" fill="{TILE}"/>'
        f'<circle cx="7" cy="24" r="3.4" fill="{ICON}" stroke="{TILE}" stroke-width="1.5"/>'
        f'<circle cx="25.5" cy="24" r="3.4" fill="{ICON}" stroke="{TILE}" stroke-width="1.5"/>'
    ),
    # Saw-tooth roof factory with a tall chimney and windows.
    "factory": (
        f'<polygon points="2,28 2,15 9,10 9,15 16,10 16,15 23,10 23,3 28,3 28,28" fill="{ICON}"/>'
        f'<rect x="5" y="19" width="4" height="4" fill="{TILE}"/>'
        f'<rect x="12" y="19" width="4" height="4" fill="{TILE}"/>'
        f'<rect x="19" y="19" width="4" height="4" fill="{TILE}"/>'
        f'<path d="M1 28.5 H31" stroke="{ICON}" stroke-width="1.6" stroke-linecap="round"/>'
    ),
    # Gable-roof warehouse with a roll-up door.
    "warehouse": (
        f'<polygon points="2,13 16,4 30,13 30,28 2,28" fill="{ICON}"/>'
        f'<rect x="9" y="16" width="14" height="12" fill="{TILE}"/>'
        f'<path d="M9 19.5 H23 M9 23 H23 M9 26.5 H23" stroke="{ICON}" stroke-width="1.2"/>'
    ),
    # Anchor (ports and transshipment hubs).
    "anchor": (
        f'<g fill="none" stroke="{ICON}" stroke-width="2.4" stroke-linecap="round">'
        '<circle cx="16" cy="5.5" r="2.8"/>'
        '<path d="M16 8.3 V28"/>'
        '<path d="M10 13 H22"/>'
        '<path d="M5.5 19 Q6.5 28 16 28 Q25.5 28 26.5 19"/>'
        "</g>"
        f'<polygon points="2.5,21.5 5.5,15.5 9,20.5" fill="{ICON}"/>'
        f'<polygon points="29.5,21.5 26.5,15.5 23,20.5" fill="{ICON}"/>'
    ),
    # Customs document with a folded corner, text lines and a stamp.
    "document": (
        f'<path d="M6 2 H20 L27 9 V30 H6 Z" fill="{ICON}"/>'
        f'<polygon points="20,2 20,9 27,9" fill="{TILE}"/>'
        f'<path d="M9.5 13 H23.5 M9.5 17 H23.5 M9.5 21 H16" stroke="{TILE}" stroke-width="1.6"/>'
        f'<circle cx="20.5" cy="24.5" r="3.2" fill="none" stroke="{TILE}" stroke-width="1.5"/>'
    ),
    # Three stacked cartons (consolidation).
    "boxes": (
        f'<g fill="{ICON}" stroke="{TILE}" stroke-width="1.2">'
        '<rect x="2.5" y="16.5" width="13" height="12"/>'
        '<rect x="16.5" y="16.5" width="13" height="12"/>'
        '<rect x="9.5" y="4" width="13" height="12.5"/>'
        "</g>"
        f'<path d="M9 16.5 V21 M23 16.5 V21 M16 4 V8.5" stroke="{TILE}" stroke-width="1.6"/>'
    ),
    # Generic location marker.
    "generic": (
        f'<circle cx="16" cy="16" r="11" fill="none" stroke="{ICON}" stroke-width="2.6"/>'
        f'<circle cx="16" cy="16" r="4.2" fill="{ICON}"/>'
    ),
}

_MODE_ICONS = {"sea": "ship", "air": "plane", "rail": "train", "highway": "truck"}
_TYPE_ICONS = {
    "supplier": "factory",
    "manufacturer": "factory",
    "consolidator": "boxes",
    "origin_port": "anchor",
    "transshipment": "anchor",
    "destination_port": "anchor",
    "customs_broker": "document",
    "warehouse": "warehouse",
}


def _icon_name(node_type: str, mode: str) -> str:
    if node_type == "carrier_leg":
        return _MODE_ICONS.get(mode, "generic")
    return _TYPE_ICONS.get(node_type, "generic")


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

# Characters not allowed in XML 1.0 (C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ELLIPSIS = "\u2026"

# Approximate advance widths (in em) of DejaVu Sans glyph classes; enough to keep text inside
# its box without font metrics at hand. Bold text is roughly 10% wider.
_NARROW = frozenset("iljtfI.,;:!|'`()[]{} \u2019\u2018/\\-")
_WIDE = {"m": 0.98, "w": 0.82, "M": 0.87, "W": 1.05, "@": 1.0, "%": 0.95}
_BOLD_FACTOR = 1.1


def _clean(value: object) -> str:
    """Coerce to str, drop XML-invalid characters and collapse whitespace."""
    if value is None:
        return ""
    return " ".join(_XML_INVALID.sub("", str(value)).split())


def _char_em(ch: str) -> float:
    if ch in _NARROW:
        return 0.33
    if ch == "r":
        return 0.42
    if ch in _WIDE:
        return _WIDE[ch]
    if "A" <= ch <= "Z":
        return 0.72
    if ch.isascii():
        return 0.63
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.7


class _EmTable(dict):
    """``char -> width in em``, filled on first use (``sum(map(...))`` stays in C)."""

    def __missing__(self, ch: str) -> float:
        value = _char_em(ch)
        if len(self) < 4096:  # bounded: user text can contain any character
            self[ch] = value
        return value


_EM = _EmTable()


def _width(text: str, font_size: float, bold: bool = False) -> float:
    return sum(map(_EM.__getitem__, text)) * font_size * (_BOLD_FACTOR if bold else 1.0)


def _fit_prefix(text: str, max_em: float, max_chars: int) -> int:
    """Length of the longest prefix of ``text`` at most ``max_em`` wide and ``max_chars`` long."""
    used = 0.0
    for i, ch in enumerate(text[: max_chars + 1]):
        used += _EM[ch]
        if used > max_em or i >= max_chars:
            return i
    return min(len(text), max_chars)


def _wrap(
    text: str,
    max_px: float,
    font_size: float,
    *,
    bold: bool = False,
    max_lines: int = 1,
    max_chars: int = 10_000,
) -> list[str]:
    """Greedy word wrap into at most ``max_lines``; the last line ends in an ellipsis if cut.

    Words longer than a line are broken. ``text`` must already be cleaned (see ``_clean``).
    Widths are estimated in em (see ``_char_em``), so no font metrics are needed.
    """
    if not text:
        return []
    max_em = max_px / (font_size * (_BOLD_FACTOR if bold else 1.0))
    if len(text) <= max_chars and sum(map(_EM.__getitem__, text)) <= max_em:
        return [text]  # the common case: everything fits on one line

    space = _EM[" "]
    words = text.split(" ")
    lines: list[str] = []
    i = 0
    while len(lines) < max_lines - 1 and i < len(words):
        line, line_em = "", 0.0
        while i < len(words):
            word = words[i]
            word_em = sum(map(_EM.__getitem__, word))
            if not line:
                if len(word) <= max_chars and word_em <= max_em:
                    line, line_em = word, word_em
                    i += 1
                    continue
                # A single word longer than the line: break it.
                cut = max(1, _fit_prefix(word, max_em, max_chars))
                line, words[i] = word[:cut], word[cut:]
                break
            if len(line) + 1 + len(word) <= max_chars and line_em + space + word_em <= max_em:
                line, line_em = f"{line} {word}", line_em + space + word_em
                i += 1
            else:
                break
        lines.append(line)
    rest = " ".join(w for w in words[i:] if w)
    if rest:
        if len(rest) <= max_chars and sum(map(_EM.__getitem__, rest)) <= max_em:
            lines.append(rest)
        else:
            cut = _fit_prefix(rest, max_em - _EM[_ELLIPSIS], max_chars - 1)
            lines.append(rest[:cut].rstrip() + _ELLIPSIS)
    return lines


def _one_line(text: str, max_px: float, font_size: float, *, bold: bool = False) -> str:
    lines = _wrap(text, max_px, font_size, bold=bold, max_lines=1)
    return lines[0] if lines else ""


@lru_cache(maxsize=512)
def _country_name(code: str) -> str | None:
    if len(code) != 2 or not code.isalpha():
        return None
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, KeyError, LookupError):
        return None
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def country_display(code: object) -> str:
    """``"CN"`` -> ``"CN · China"``; unknown codes are shown as they are."""
    code = _clean(code).upper()
    if not code:
        return "Unknown country"
    name = _country_name(code)
    return f"{code} \u00b7 {name}" if name else code


def _normalise_risk(risk: object) -> str | None:
    value = _clean(risk).capitalize()
    return value if value in RISK_COLOURS else None


def _humanise(value: str) -> str:
    return value.replace("_", " ").strip().capitalize()


def _text(x: float, y: float, content: str, font_size: float, fill: str, attrs: str = "") -> str:
    """A ``<text>`` element; ``content`` is escaped, ``attrs`` must be trusted constant markup."""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(font_size)}" fill="{fill}"{attrs}>'
        f"{escape(content)}</text>"
    )


def _num(value: float) -> str:
    """Compact, deterministic number formatting."""
    if type(value) is int:
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _svg_open(width: int, height: int, title: str, extra: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%"'
        f' role="img" aria-label={quoteattr(title or "Supply-chain lane")}'
        f' font-family="{FONT_FAMILY}" class="lane-diagram"{extra}>'
        f"<title>{escape(title or 'Supply-chain lane')}</title>"
    )


def _empty_svg(title: str) -> str:
    width, height = 480, 150
    shown = _one_line(title, width - 2 * MARGIN, TITLE_FONT, bold=True)
    return "".join(
        (
            _svg_open(width, height, title, ' data-nodes="0"'),
            _text(MARGIN, 36, shown, TITLE_FONT, INK, BOLD),
            f'<rect x="{MARGIN}" y="56" width="{width - 2 * MARGIN}" height="70" rx="8"'
            f' fill="{BADGE_FILL}" stroke="{BOX_STROKE}" stroke-width="1.5"'
            ' stroke-dasharray="6 4"/>',
            _text(width / 2, 96, "No nodes yet", 14, MUTED, CENTRED),
            "</svg>",
        )
    )


def _node_svg(index: int, node: DiagramNode, x: int, y: int) -> str:
    node_type = _clean(node.node_type).lower()
    mode = _clean(node.mode).lower()
    label = _clean(node.label)
    # Activity keys such as "document_handling" read better with spaces.
    activities = [
        a for a in (_clean(_clean(a).replace("_", " ")) for a in (node.activities or [])) if a
    ]
    risk = _normalise_risk(node.risk)
    country = country_display(node.country)

    type_name = TYPE_NAMES.get(node_type) or _humanise(node_type) or "Other"
    if node_type == "carrier_leg":
        mode_name = MODE_NAMES.get(mode) or _humanise(mode)
        if mode_name:
            type_name = f"{type_name} \u00b7 {mode_name}"
    icon = _icon_name(node_type, mode)

    tooltip = [f"{index}. {label or '(no name)'}", type_name, country]
    if activities:
        tooltip.append(", ".join(activities))
    if risk:
        tooltip.append(f"{risk} risk")

    stroke, stroke_width = (RISK_COLOURS[risk], 3) if risk else (BOX_STROKE, 1.5)
    out = [
        f'<g class="node" data-index="{index}" data-node-type={quoteattr(node_type)}'
        f' data-icon="{icon}"' + (f' data-risk="{risk.lower()}"' if risk else "") + ">",
        f"<title>{escape(' | '.join(tooltip))}</title>",
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{BOX_FILL}"'
        f' stroke="{stroke}" stroke-width="{stroke_width}"/>',
        # Icon tile.
        f'<rect x="{x + PAD}" y="{y + PAD}" width="36" height="36" rx="6" fill="{TILE}"/>',
        f'<g class="icon" data-icon="{icon}" transform="translate({x + PAD + 2} {y + PAD + 2})">'
        f"{_ICON_SHAPES[icon]}</g>",
    ]

    # Step badge (top right).
    badge_cx, badge_cy = x + BOX_W - PAD - 11, y + PAD + 11
    out.append(
        f'<circle cx="{badge_cx}" cy="{badge_cy}" r="11.5" fill="{BADGE_FILL}"'
        f' stroke="{BADGE_STROKE}" stroke-width="1"/>'
    )
    out.append(
        _text(
            badge_cx,
            badge_cy + 3.5,
            str(index),
            10 if index < 100 else 8.5,
            MUTED,
            BOLD + CENTRED,
        )
    )

    # Header: node type (and mode), then the risk pill.
    header_w = BOX_W - TEXT_X - PAD - 28
    out.append(
        _text(
            x + TEXT_X,
            y + 25,
            _one_line(type_name, header_w, TYPE_FONT, bold=True),
            TYPE_FONT,
            MUTED,
            BOLD,
        )
    )
    if risk:
        pill_text = f"{risk} risk"
        pill_w = round(_width(pill_text, 9.5, bold=True) + 14)
        out.append(
            f'<rect x="{x + TEXT_X}" y="{y + 32}" width="{pill_w}" height="16" rx="8"'
            f' fill="{RISK_COLOURS[risk]}"/>'
        )
        out.append(
            _text(
                x + TEXT_X + pill_w / 2,
                y + 43.5,
                pill_text,
                9.5,
                "#ffffff",
                BOLD + CENTRED,
            )
        )

    # Label (max two lines, ellipsis when cut).
    label_lines = _wrap(
        label or "(no name)",
        TEXT_W,
        LABEL_FONT,
        bold=True,
        max_lines=LABEL_MAX_LINES,
        max_chars=LABEL_MAX_CHARS,
    )
    for i, line in enumerate(label_lines):
        out.append(
            _text(
                x + PAD,
                y + 72 + i * 17,
                line,
                LABEL_FONT,
                TEXT if label else FAINT,
                BOLD + ' class="label"',
            )
        )

    # Country, right under the label (so a one-line label leaves no hole).
    country_y = y + 72 + (len(label_lines) - 1) * 17 + 21
    out.append(
        _text(
            x + PAD,
            country_y,
            _one_line(country, TEXT_W, COUNTRY_FONT),
            COUNTRY_FONT,
            TEXT,
            ' class="country"',
        )
    )

    # Activities (small, max two lines).
    if activities:
        lines = _wrap(", ".join(activities), TEXT_W, ACTIVITY_FONT, max_lines=2)
        for i, line in enumerate(lines):
            out.append(
                _text(
                    x + PAD,
                    country_y + 17 + i * 13,
                    line,
                    ACTIVITY_FONT,
                    FAINT,
                    ' class="activities"',
                )
            )

    out.append("</g>")
    return "".join(out)


def _arrow_right(x1: int, x2: int, y: int, src: int) -> str:
    """Straight arrow from (x1, y) to (x2, y), head at x2."""
    return (
        f'<g class="arrow" data-from="{src}" data-to="{src + 1}">'
        f'<path d="M{x1} {y} H{x2 - 8}" fill="none" stroke="{ARROW}" stroke-width="2"/>'
        f'<polygon points="{x2},{y} {x2 - 9},{y - 5} {x2 - 9},{y + 5}" fill="{ARROW}"/>'
        "</g>"
    )


def _arrow_wrap(x_from: int, y_from: int, x_to: int, y_to: int, src: int) -> str:
    """Elbow connector: down from (x_from, y_from), across, then down into (x_to, y_to)."""
    y_mid = (y_from + y_to) // 2
    return (
        f'<g class="arrow" data-from="{src}" data-to="{src + 1}">'
        f'<path d="M{x_from} {y_from} V{y_mid} H{x_to} V{y_to - 8}" fill="none"'
        f' stroke="{ARROW}" stroke-width="2" stroke-linejoin="round"/>'
        f'<polygon points="{x_to},{y_to} {x_to - 5},{y_to - 9} {x_to + 5},{y_to - 9}"'
        f' fill="{ARROW}"/>'
        "</g>"
    )


def lane_svg(title: str, nodes: list[DiagramNode], per_row: int = 5) -> str:
    """Return a standalone ``<svg>`` element (string) drawing the lane ``nodes`` in order.

    ``per_row`` is the number of boxes per row before wrapping (must be >= 1). The SVG has a
    ``viewBox`` and ``width="100%"`` so it scales to its container; it uses presentation
    attributes only and is safe to inline under a strict CSP or to embed in WeasyPrint.
    """
    per_row = int(per_row)
    if per_row < 1:
        raise ValueError("per_row must be at least 1")
    title = _clean(title)
    nodes = list(nodes or [])
    if not nodes:
        return _empty_svg(title)

    count = len(nodes)
    cols = min(per_row, count)
    rows = -(-count // per_row)
    width = 2 * MARGIN + cols * BOX_W + (cols - 1) * GAP_X
    height = TITLE_BAND + rows * BOX_H + (rows - 1) * GAP_Y + MARGIN

    def origin(i: int) -> tuple[int, int]:
        row, col = divmod(i, per_row)
        return MARGIN + col * (BOX_W + GAP_X), TITLE_BAND + row * (BOX_H + GAP_Y)

    count_text = f"{count} node" + ("" if count == 1 else "s")
    count_w = _width(count_text, 11) + 16
    shown_title = _one_line(title, width - 2 * MARGIN - count_w, TITLE_FONT, bold=True)

    out = [
        _svg_open(width, height, title, f' data-nodes="{count}" data-rows="{rows}"'),
        _text(MARGIN, 36, shown_title, TITLE_FONT, INK, BOLD + ' class="title"'),
        _text(width - MARGIN, 36, count_text, 11, FAINT, ' text-anchor="end"'),
    ]

    # Arrows first so boxes are painted over any overlap.
    for i in range(count - 1):
        x, y = origin(i)
        nx, ny = origin(i + 1)
        if ny == y:
            out.append(_arrow_right(x + BOX_W + 3, nx - 3, y + BOX_H // 2, i + 1))
        else:
            out.append(_arrow_wrap(x + BOX_W // 2, y + BOX_H + 3, nx + BOX_W // 2, ny - 3, i + 1))

    for i, node in enumerate(nodes):
        x, y = origin(i)
        out.append(_node_svg(i + 1, node, x, y))

    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Pieces for an HTML rendering of a lane (the PDF report lays the boxes out as HTML, whose
# text WeasyPrint sets far faster than SVG text; the icons stay SVG).
# --------------------------------------------------------------------------------------------


def icon_svg(node_type: str, mode: str | None = None) -> str:
    """A node's icon on its tile as a standalone SVG with no text."""
    icon = _icon_name(_clean(node_type).lower(), _clean(mode).lower())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36" width="36" height="36">'
        f'<rect width="36" height="36" rx="6" fill="{TILE}"/>'
        f'<g transform="translate(2 2)">{_ICON_SHAPES[icon]}</g></svg>'
    )


def describe(node: DiagramNode) -> dict:
    """What a box shows, as plain (unescaped) text."""
    node_type = _clean(node.node_type).lower()
    mode = _clean(node.mode).lower()
    type_name = TYPE_NAMES.get(node_type) or _humanise(node_type) or "Other"
    if node_type == "carrier_leg" and (MODE_NAMES.get(mode) or _humanise(mode)):
        type_name = f"{type_name} \u00b7 {MODE_NAMES.get(mode) or _humanise(mode)}"
    return {
        "type_name": type_name,
        "label": _clean(node.label),
        "country": country_display(node.country),
        "activities": [_clean(a).replace("_", " ") for a in (node.activities or []) if a],
        "risk": _normalise_risk(node.risk),
        "icon": _icon_name(node_type, mode),
    }
