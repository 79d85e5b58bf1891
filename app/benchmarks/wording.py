"""Words of the comparison page: group names and the plain-language sentence of each question."""

import math
from functools import lru_cache

from babel import Locale, numbers
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.benchmarks.groups import OrganisationTraits
from app.benchmarks.questions import Kind
from app.benchmarks.values import MEAN, NPS
from app.reference.services import label as reference_label

REASONS = {
    "too_few_organisations": _l("Too few organisations to show without revealing anyone."),
    "too_few_responses": _l("Too few responses to show without revealing anyone."),
    "dominated": _l("One organisation gives most of the answers here, so it is not shown."),
    "differencing": _l(
        "Not shown: together with another group it would reveal the figures of a few organisations."
    ),
    "withdrawn": _l(
        "Being updated after an organisation left the group; shown again when enough have changed."
    ),
    "no_data": _l("No other organisation in this group has answered this question yet."),
}


# Translated when used, one at a time: a page names ten groups.
GROUP_NAMES = {
    "sector_fylke": _l("%(sector)s in %(fylke)s"),
    "sector_size": _l("%(sector)s of size %(size)s in %(country)s"),
    "sector_country": _l("%(sector)s in all of %(country)s"),
    "fylke": _l("All sectors in %(fylke)s"),
    "country": _l("All organisations in %(country)s"),
}
MEASURE_NAMES = {MEAN: _l("Mean"), NPS: _l("Net Promoter Score")}


def group_label(kind: str, organisation: OrganisationTraits, language: str) -> str:
    names = {
        "sector": reference_label("sector", organisation.sector_code, language),
        "fylke": reference_label("fylke", organisation.fylke_code, language),
        "country": reference_label("country", organisation.country_code, language),
        "size": reference_label("size_band", organisation.size_band_code or "", language),
    }
    return str(GROUP_NAMES[kind]) % names


def measure_label(measure: str) -> str:
    return str(MEASURE_NAMES[measure])


def formatted(kind: Kind, value: float, locale: Locale | str | None = None) -> str:
    if kind in (Kind.CHOICE, Kind.MULTIPLE):
        return format_number(value, "#,##0 %", percent=True, locale=locale)
    return format_number(value, "#,##0.0", locale=locale)


def figure(kind: Kind, estimate, locale: Locale | str | None = None) -> Markup:
    """An estimate with its interval in smaller type, as the comparison page shows it."""
    value = escape(formatted(kind, estimate.value, locale))
    if estimate.low is None:
        return value
    low, high = escape(formatted(kind, estimate.low, locale)), escape(formatted(kind, estimate.high, locale))
    return Markup(f'{value} <span class="interval">({low}–{high})</span>')


def details(kind: Kind, comparison, locale: Locale | str | None = None) -> tuple:
    """A comparison's cells in the page's detail table: the difference (None where untested), adjusted
    p, typical organisation, quartiles and percentile rank ("–" where there is none). One call per
    row rather than one per figure: the page has hundreds of rows."""
    adjusted_p = comparison.adjusted_p
    typical = comparison.typical
    quartiles = comparison.quartiles
    rank = comparison.percentile_rank
    return (
        figure(kind, comparison.difference, locale) if comparison.difference else None,
        format_number(adjusted_p, "0.000", locale=locale) if adjusted_p is not None else "–",
        figure(kind, typical, locale) if typical else "–",
        Markup("; ").join(formatted(kind, value, locale) for value in quartiles) if quartiles else "–",
        format_number(rank / 100, "#,##0 %", True, locale) if rank is not None else "–",
    )


def format_number(
    value: float, pattern: str | None, percent: bool = False, locale: Locale | str | None = None
) -> str:
    """Babel's format_decimal (or format_percent) in the given locale or the request's, remembered;
    the locale's own pattern when `pattern` is None. Callers that format many numbers pass the
    locale's identifier, which the cache compares far faster than a Locale."""
    # The sign tells 0.0 and −0.0 apart in the cache: they compare equal but print differently.
    return _format_number(str(locale or get_locale()), pattern, percent, value, math.copysign(1.0, value))


# A comparison page shows thousands of figures, many of them again on the next request (its own
# results beside every group, the same page reloaded), and Babel's formatting was most of its time.
@lru_cache(maxsize=100_000)
def _format_number(locale: str, pattern: str | None, percent: bool, value: float, _sign: float) -> str:
    if percent:
        return numbers.format_percent(value, format=pattern, locale=locale)
    return numbers.format_decimal(value, format=pattern, locale=locale)


def sentence(question) -> str:
    """One sentence saying what stands out against the narrowest group that can be shown."""
    shown = question.shown_groups
    if not question.own:
        return _("You have no answers to this question in this period.")
    if not shown:
        return _("No peer group can be shown without revealing other organisations.")
    group = shown[0]
    fallback = (
        ""
        if question.groups[0].shown
        else _("%(narrow)s cannot be shown; compared with %(broad)s.")
        % {
            "narrow": question.groups[0].label,
            "broad": group.label,
        }
    )
    return " ".join(part for part in (fallback, _finding(question, group)) if part)


def _finding(question, group) -> str:
    if question.small_base:
        return _(
            "Only %(count)d answers of your own: too few to test differences (small base). Compare with care."
        ) % {"count": question.own_n}
    tested = [c for c in group.comparisons if c.significant]
    if not tested:
        return _("No significant difference from %(group)s.") % {"group": group.label}
    strongest = min(tested, key=lambda comparison: comparison.adjusted_p)
    values = {
        "group": group.label,
        "option": strongest.label,
        "own": formatted(question.kind, strongest.own.value),
        "peer": formatted(question.kind, strongest.peer.value),
    }
    higher = strongest.difference.value > 0
    if question.kind == Kind.MEAN:
        template = (
            _("Significantly higher mean than %(group)s (%(own)s vs %(peer)s).")
            if higher
            else _("Significantly lower mean than %(group)s (%(own)s vs %(peer)s).")
        )
    elif question.kind == Kind.NPS:
        template = (
            _("Significantly higher NPS than %(group)s (%(own)s vs %(peer)s).")
            if higher
            else _("Significantly lower NPS than %(group)s (%(own)s vs %(peer)s).")
        )
    elif higher:
        template = _("Significantly more answered “%(option)s” than among %(group)s (%(own)s vs %(peer)s).")
    else:
        template = _("Significantly fewer answered “%(option)s” than among %(group)s (%(own)s vs %(peer)s).")
    return template % values
