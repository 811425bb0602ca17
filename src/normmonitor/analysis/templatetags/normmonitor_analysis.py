"""Template helpers of the analysis pages: a line chart in plain SVG (no script, no inline
style, so the content security policy holds) and small formatting filters."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 34, 12, 48


@register.simple_tag
def trend_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Fraction | None]]],
    breaks: Sequence[int] = (),
    title: str = "",
) -> SafeString:
    """A line chart of percentages (0-100%) per round. ``series`` holds (name, values) with a
    value per label (None leaves a gap); ``breaks`` are the indices at which a new norm version
    starts (drawn as a dashed line). The numbers are in the table beside it; the chart itself is
    a picture for sighted readers (role img with a title)."""
    count = len(labels)
    if not count:
        return SafeString("")
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (inner_w * index / (count - 1) if count > 1 else inner_w / 2)

    def y(value: Fraction) -> float:
        return TOP + inner_h * (1 - float(value))

    parts: list[str] = []
    for share in (0, 25, 50, 75, 100):
        level = y(Fraction(share, 100))
        parts.append(
            format_html(
                '<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart__axis" x="{}" y="{}" text-anchor="end">{}%</text>',
                LEFT,
                f"{level:.1f}",
                WIDTH - RIGHT,
                f"{level:.1f}",
                LEFT - 6,
                f"{level + 4:.1f}",
                share,
            )
        )
    for index in breaks:
        if 0 < index < count:
            middle = (x(index - 1) + x(index)) / 2
            parts.append(
                format_html(
                    '<line class="chart__break" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                    f"{middle:.1f}",
                    TOP,
                    f"{middle:.1f}",
                    HEIGHT - BOTTOM,
                )
            )
    for index, label in enumerate(labels):
        parts.append(
            format_html(
                '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{x(index):.1f}",
                HEIGHT - BOTTOM + 18,
                label,
            )
        )
    for number, (_name, values) in enumerate(series):
        css = f"chart__line chart__line--{number % 6}"
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(index):.1f},{y(value):.1f}")
            parts.append(
                format_html(
                    '<circle class="{}" cx="{}" cy="{}" r="3.5"/>',
                    css,
                    f"{x(index):.1f}",
                    f"{y(value):.1f}",
                )
            )
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    format_html('<polyline class="{}" points="{}"/>', css, " ".join(points))
                )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
    )


@register.simple_tag
def chart_legend(series: Sequence[tuple[str, Sequence[Fraction | None]]]) -> SafeString:
    items = format_html_join(
        "",
        '<li><span class="chart__key chart__line--{}" aria-hidden="true"></span> {}</li>',
        ((number % 6, name) for number, (name, _values) in enumerate(series)),
    )
    return format_html('<ul class="chart__legend">{}</ul>', items)


@register.filter
def exact(value: Fraction | None) -> str:
    """An exact figure: whole numbers as such, fractions with two decimals."""
    if value is None:
        return "—"
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".replace(".", ",")


@register.filter
def change_label(change: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        "improved": _("improved"),
        "worsened": _("worsened"),
        "unchanged": _("unchanged"),
        "new": _("new"),
        "no_longer_applicable": _("no longer applicable"),
    }
    return labels.get(change, change)


@register.filter
def outcome_label(outcome) -> str:
    """A short text for an outcome: its rating, or its status."""
    from django.utils.translation import gettext as _

    if outcome is None:
        return "—"
    labels = {
        "achieved": _("achieved"),
        "not_achieved": _("not achieved"),
        "unanswered": _("not answered"),
        "not_applicable": _("not applicable"),
        "excluded": _("does not apply"),
    }
    text = labels.get(outcome.status, outcome.status)
    if outcome.status == "not_achieved" and outcome.score:
        text = _("partly achieved")
    if outcome.applicable_children:
        text = f"{text} ({outcome.achieved_children}/{outcome.applicable_children})"
    return text


# -- Panels that other apps' pages include (the round dashboard, the organisation page) -------


@register.inclusion_tag("analysis/_round_panel.html", takes_context=True)
def round_analysis(context, monitoring_round, score=None) -> dict:
    """The waterbed weak spots and the pace of a round, for the round dashboard; nothing for
    users without ``analysis.view_region_analysis`` on the round's region. ``score``: the
    round's score when the page has it already."""
    from normmonitor.analysis.selectors import Scores, round_pace, round_waterbed
    from normmonitor.rounds.models import RoundState

    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or monitoring_round.state == RoundState.DRAFT
        or not user.has_perm("analysis.view_region_analysis", monitoring_round.region)
    ):
        return {"show": False}
    scores = Scores({monitoring_round.pk: score} if score is not None else None)
    waterbed = round_waterbed(monitoring_round, scores)
    pace = round_pace(monitoring_round, scores=scores)
    return {
        "show": True,
        "round": monitoring_round,
        "waterbed": waterbed,
        "spots": waterbed.weak_spots[:5],
        "pace": pace,
    }


@register.inclusion_tag("analysis/_organisation_panel.html", takes_context=True)
def organisation_analysis(context, organisation) -> dict:
    """An organisation's trend, baseline, pace, actions, initiatives and scans, for the
    organisation page; each part only as far as the user may see it."""
    from django.utils import timezone

    from normmonitor.access.selectors import visible_rounds
    from normmonitor.actions.models import OPEN_STATUSES
    from normmonitor.actions.selectors import visible_actions
    from normmonitor.analysis.selectors import Scores, organisation_trend, round_pace
    from normmonitor.assessments.models import Assessment
    from normmonitor.initiatives.selectors import visible_initiatives
    from normmonitor.resiliencescan.selectors import baseline_for, visible_scans
    from normmonitor.rounds.models import RoundState

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("analysis.view_organisation_analysis", organisation):
        return {"show": False}
    scores = Scores()
    taken_part = Assessment.objects.filter(organisation=organisation).values("round_id")
    rounds = list(visible_rounds(user).filter(pk__in=taken_part).exclude(state=RoundState.DRAFT))
    trend = organisation_trend(organisation, rounds, scores=scores)
    latest = max(rounds, key=lambda r: r.reference_date) if rounds else None
    pace = (
        dict(round_pace(latest, {organisation.pk}, scores=scores).organisations).get(organisation)
        if latest
        else None
    )
    return {
        "show": True,
        "organisation": organisation,
        "trend": trend,
        "baseline": baseline_for(organisation, trend.target) if trend else None,
        "latest": latest,
        "pace": pace,
        "actions": list(
            visible_actions(user).filter(organisation=organisation, status__in=OPEN_STATUSES)
        ),
        "initiatives": list(visible_initiatives(user).filter(organisations=organisation)),
        "scans": list(visible_scans(user).filter(organisation=organisation)[:5]),
        "can_add_action": user.has_perm("actions.add_action", organisation),
        "can_add_scan": user.has_perm("resiliencescan.add_scan", organisation),
        "today": timezone.localdate(),
    }
