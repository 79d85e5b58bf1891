"""The comparison chart of one question: the organisation's own result and each shown peer group,
as bars (or points for means) with their 95 % intervals. Drawn with the shared chart shapes, so the
inline SVG, the SVG download and the PNG download agree."""

from flask_babel import get_locale
from flask_babel import gettext as _

from app.benchmarks.questions import Kind
from app.benchmarks.wording import format_number
from app.results.charts import WIDTH, Chart, Line, Rect, Text

LABEL_WIDTH = 200
TOP = 12
LEGEND_ROW = 20
BAR_HEIGHT = 12
SERIES_GAP = 4
BLOCK_GAP = 14
OWN_COLOUR = "#1f5f8b"
# Distinct from each other and at least 3:1 against white, as graphics must be.
GROUP_COLOURS = ("#a34700", "#4f5d00", "#7a3b8f", "#00695c", "#8b1f3f")
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#8c8c8c"


def comparison_chart(question) -> Chart:
    series = [(_("Your organisation"), OWN_COLOUR, {m: e for m, _label, e in question.own})]
    for colour, group in zip(GROUP_COLOURS, question.shown_groups, strict=False):
        series.append((group.label, colour, {c.measure: c.peer for c in group.comparisons}))
    measures = [(measure, text) for measure, text, _estimate in question.own] or [
        (c.measure, c.label) for group in question.shown_groups for c in group.comparisons
    ]
    measures = list(dict.fromkeys(measures))
    low, high = _domain(question.kind, series)
    # Looked up once: a chart has a few hundred ticks and figures.
    locale = str(get_locale())
    left, right = LABEL_WIDTH, WIDTH - 60

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / ((high - low) or 1)

    legend_height = LEGEND_ROW * len(series)
    block = len(series) * (BAR_HEIGHT + SERIES_GAP) + BLOCK_GAP
    top = TOP + legend_height + 8
    bottom = top + block * len(measures)
    chart = Chart(question.text, bottom + 30)
    for index, (name, colour, _values) in enumerate(series):
        y = TOP + LEGEND_ROW * index
        chart.shapes += [Rect(left, y, 12, 12, colour), Text(left + 18, y + 11, name)]
    for step in range(5):
        value = low + (high - low) * step / 4
        chart.shapes += [
            Line(x(value), top - 4, x(value), bottom, GRID, 0.5),
            Text(x(value), bottom + 16, _tick(question.kind, value, locale), "middle", MUTED),
        ]
    if low < 0 < high:
        chart.shapes.append(Line(x(0), top - 4, x(0), bottom, INK, 1))
    for index, (measure, text) in enumerate(measures):
        block_top = top + block * index
        chart.shapes.append(Text(left - 8, block_top + BAR_HEIGHT, _short(text), "end"))
        for position, (_name, colour, values) in enumerate(series):
            estimate = values.get(measure)
            y = block_top + position * (BAR_HEIGHT + SERIES_GAP)
            if estimate is None:
                chart.shapes.append(Text(left + 4, y + BAR_HEIGHT - 2, "–", fill=MUTED))
                continue
            start, end = sorted((x(0.0 if low <= 0 <= high else low), x(estimate.value)))
            chart.shapes.append(Rect(start, y, end - start, BAR_HEIGHT, colour))
            if estimate.low is not None and estimate.high is not None:
                middle = y + BAR_HEIGHT / 2
                chart.shapes += [
                    Line(x(estimate.low), middle, x(estimate.high), middle, INK, 1.5),
                    Line(x(estimate.low), middle - 4, x(estimate.low), middle + 4, INK, 1.5),
                    Line(x(estimate.high), middle - 4, x(estimate.high), middle + 4, INK, 1.5),
                ]
            tick = _tick(question.kind, estimate.value, locale)
            chart.shapes.append(Text(right + 6, y + BAR_HEIGHT - 1, tick))
    return chart


def _domain(kind: Kind, series) -> tuple[float, float]:
    if kind in (Kind.CHOICE, Kind.MULTIPLE):
        return 0.0, 1.0
    if kind == Kind.NPS:
        return -100.0, 100.0
    values = [
        bound
        for _name, _colour, estimates in series
        for estimate in estimates.values()
        for bound in (estimate.value, estimate.low, estimate.high)
        if bound is not None
    ]
    return min([0.0, *values]), max([1.0, *values])


def _tick(kind: Kind, value: float, locale: str) -> str:
    if kind in (Kind.CHOICE, Kind.MULTIPLE):
        return format_number(value, "#,##0 %", percent=True, locale=locale)
    return format_number(value, "#,##0.#", locale=locale)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
