"""Server-drawn charts: one layout of plain shapes, written out as SVG or drawn as PNG with Pillow.

The page embeds the SVG inline (no script, and only presentation attributes: the CSP forbids
inline styles); the same shapes drawn by Pillow give the PNG download, so the two always agree and
no system library is needed. Pillow draws text with DejaVu Sans, shipped in `app/static/fonts/`
(its own bundled font lacks æ, ø and å). Hidden figures (too few responses) get no bar, only "–".
"""

import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont

from app.answering.question_types import label as text_in
from app.core.markdown import markdown_to_text

WIDTH = 640
LABEL_WIDTH = 220
ROW_HEIGHT = 28
BAR_HEIGHT = 16
TOP = 16
FONT_SIZE = 13
BAR = "#1f5f8b"
PARTIAL = "#6b8fb3"
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#8c8c8c"
PNG_SCALE = 2
TITLE_HEIGHT = 30
FONT_FILE = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans-Latin1.ttf"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = INK
    width: float = 1.5


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    anchor: str = "start"  # start | middle | end
    fill: str = INK


@dataclass
class Chart:
    title: str
    height: float
    shapes: list = field(default_factory=list)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percent(value: float) -> str:
    return format_percent(value, "#,##0 %")


def question_title(question: dict) -> str:
    title = markdown_to_text(text_in(question["text"]))
    if question.get("group_text"):
        return markdown_to_text(text_in(question["group_text"])) + " – " + title
    return title


# --- Layouts ----------------------------------------------------------------------------------


def _axis(chart: Chart, left: float, right: float, top: float, bottom: float, ticks: list[tuple[float, str]]):
    chart.shapes.append(Line(left, bottom, right, bottom, GRID, 1))
    for position, text in ticks:
        x = left + (right - left) * position
        chart.shapes.append(Line(x, top, x, bottom, GRID, 0.5))
        chart.shapes.append(Text(x, bottom + 16, text, "middle", MUTED))


def share_bars(question: dict) -> Chart:
    """Horizontal bars: the share choosing each option, with its 95 % interval as a whisker."""
    options = question.get("options", [])
    left, right = LABEL_WIDTH, WIDTH - 70
    bottom = TOP + ROW_HEIGHT * len(options)
    chart = Chart(question_title(question), bottom + 30)
    _axis(chart, left, right, TOP - 6, bottom, [(p / 4, _percent(p / 4)) for p in range(5)])
    span = right - left
    for index, option in enumerate(options):
        middle = TOP + ROW_HEIGHT * index + ROW_HEIGHT / 2
        chart.shapes.append(
            Text(left - 8, middle + 4, _short(markdown_to_text(text_in(option["label"]))), "end")
        )
        if option["hidden"] or option["share"] is None:
            chart.shapes.append(Text(left + 6, middle + 4, "–", fill=MUTED))
            continue
        chart.shapes.append(Rect(left, middle - BAR_HEIGHT / 2, span * option["share"], BAR_HEIGHT, BAR))
        low, high = left + span * option["ci_low"], left + span * option["ci_high"]
        chart.shapes += [
            Line(low, middle, high, middle),
            Line(low, middle - 5, low, middle + 5),
            Line(high, middle - 5, high, middle + 5),
        ]
        chart.shapes.append(Text(right + 8, middle + 4, _percent(option["share"])))
    return chart


def _scale(question: dict) -> tuple[float, float]:
    if question["type"] == "rating":
        return 1, len(question.get("options", [])) or 5
    if question["type"] == "slider":
        return 0, 100
    mean = question["mean"] or {}
    high = max(mean.get("ci_high") or 0, mean.get("value") or 0, 1)
    return min(0, mean.get("ci_low") or 0), high


def mean_point(question: dict) -> Chart:
    """The mean as a point on the question's scale, with its 95 % interval."""
    left, right = 40, WIDTH - 40
    middle = TOP + 20
    chart = Chart(question_title(question), middle + 56)
    low, high = _scale(question)
    ticks = [(step / 4, format_decimal(low + (high - low) * step / 4, "#,##0.#")) for step in range(5)]
    _axis(chart, left, right, TOP, middle + 20, ticks)
    mean = question["mean"]
    if mean is None or mean["hidden"]:
        chart.shapes.append(Text(WIDTH / 2, middle + 4, "–", "middle", MUTED))
        return chart

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / ((high - low) or 1)

    chart.shapes += [
        Line(x(mean["ci_low"]), middle, x(mean["ci_high"]), middle, INK, 2),
        Line(x(mean["ci_low"]), middle - 6, x(mean["ci_low"]), middle + 6),
        Line(x(mean["ci_high"]), middle - 6, x(mean["ci_high"]), middle + 6),
        Rect(x(mean["value"]) - 6, middle - 6, 12, 12, BAR),
        Text(x(mean["value"]), middle - 12, format_decimal(mean["value"], "#,##0.0"), "middle"),
    ]
    return chart


def question_chart(question: dict) -> Chart:
    if question.get("options"):
        return share_bars(question)
    return mean_point(question)


def _nice_step(rough: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least `rough`: round numbers on the axis."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= rough:
                return factor * magnitude
        magnitude *= 10


def timeline_chart(timeline: dict) -> Chart:
    """Complete and partial responses per period, as stacked columns."""
    periods = timeline["periods"]
    left, right, bottom = 50, WIDTH - 10, TOP + 180
    chart = Chart(_("Responses over time"), bottom + 56)
    step = _nice_step(max([(p["complete"] or 0) + (p["partial"] or 0) for p in periods] + [1]) / 4)
    highest = step * 4
    ticks = [(index / 4, format_decimal(step * index, "#,##0")) for index in range(5)]
    chart.shapes.append(Line(left, bottom, right, bottom, GRID, 1))
    for position, text in ticks:
        y = bottom - (bottom - TOP) * position
        chart.shapes += [Line(left, y, right, y, GRID, 0.5), Text(left - 6, y + 4, text, "end", MUTED)]
    slot = (right - left) / max(len(periods), 1)
    width = max(min(slot * 0.7, 40), 1)
    for index, period in enumerate(periods):
        x = left + slot * index + (slot - width) / 2
        y = bottom
        for status, colour in (("complete", BAR), ("partial", PARTIAL)):
            height = (bottom - TOP) * (period[status] or 0) / highest
            chart.shapes.append(Rect(x, y - height, width, height, colour))
            y -= height
    if periods:
        for index in sorted({0, len(periods) - 1}):
            centre = left + slot * index + slot / 2
            chart.shapes.append(Text(centre, bottom + 16, periods[index]["start"], "middle", MUTED))
    legend = bottom + 40
    chart.shapes += [
        Rect(left, legend - 10, 12, 12, BAR),
        Text(left + 18, legend, _("Complete")),
        Rect(left + 130, legend - 10, 12, 12, PARTIAL),
        Text(left + 148, legend, _("Partial")),
    ]
    return chart


# --- Output -----------------------------------------------------------------------------------


def with_title(chart: Chart) -> Chart:
    """The chart with its title above it: a downloaded chart has no page heading to explain it."""
    moved = []
    for shape in chart.shapes:
        if isinstance(shape, Line):
            moved.append(replace(shape, y1=shape.y1 + TITLE_HEIGHT, y2=shape.y2 + TITLE_HEIGHT))
        else:
            moved.append(replace(shape, y=shape.y + TITLE_HEIGHT))
    title = Text(10, 20, _short(chart.title, 90))
    return Chart(chart.title, chart.height + TITLE_HEIGHT, [title, *moved])


def chart_file(chart: Chart, kind: str) -> tuple[bytes, str]:
    """The chart with its title, as a downloadable SVG or PNG file: (content, content type)."""
    chart = with_title(chart)
    if kind == "svg":
        return to_svg(chart, "chart", standalone=True).encode(), "image/svg+xml"
    return to_png(chart), "image/png"


def to_svg(chart: Chart, element_id: str, standalone: bool = False) -> str:
    """SVG markup; every text escaped. `standalone` adds the XML declaration for a download."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {chart.height:g}" '
        f'width="{WIDTH}" height="{chart.height:g}" role="img" aria-labelledby="{element_id}-title" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}" class="chart">',
        f'<title id="{element_id}-title">{escape(chart.title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{chart.height:g}" fill="#ffffff"/>',
    ]
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            parts.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                f'height="{shape.height:.1f}" fill="{shape.fill}"/>'
            )
        elif isinstance(shape, Line):
            parts.append(
                f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" y2="{shape.y2:.1f}" '
                f'stroke="{shape.stroke}" stroke-width="{shape.width:g}"/>'
            )
        else:
            parts.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" text-anchor="{shape.anchor}" '
                f"fill={quoteattr(shape.fill)}>{escape(shape.text)}</text>"
            )
    parts.append("</svg>")
    svg = "".join(parts)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg if standalone else svg


def to_png(chart: Chart) -> bytes:
    scale = PNG_SCALE
    image = Image.new("RGB", (WIDTH * scale, int(chart.height * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_FILE), FONT_SIZE * scale)
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            if shape.width > 0 and shape.height > 0:
                draw.rectangle(
                    [
                        shape.x * scale,
                        shape.y * scale,
                        (shape.x + shape.width) * scale,
                        (shape.y + shape.height) * scale,
                    ],
                    fill=shape.fill,
                )
        elif isinstance(shape, Line):
            draw.line(
                [shape.x1 * scale, shape.y1 * scale, shape.x2 * scale, shape.y2 * scale],
                fill=shape.stroke,
                width=max(round(shape.width * scale), 1),
            )
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text(
                (shape.x * scale, shape.y * scale), shape.text, fill=shape.fill, font=font, anchor=anchor
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
