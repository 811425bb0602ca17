"""Charts and the map of a report: one Vega-Lite specification each (built with Altair from the
report content), rendered on the server by vl-convert as SVG (web page, PDF) or PNG (Word).

Every chart comes with a text alternative and a data table, so nothing is only in a picture.
Rendering needs no browser and fetches nothing: data is inline and ``allowed_base_urls`` is
empty. The SVG has no script and no ``style`` attributes (the CSP forbids inline styles).
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import altair as alt
import shapely
import vl_convert
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from normmonitor.organisations import geo

from .content import Figure, OrganisationReport, RegionReport
from .summary import datum, procent

PRIMARY = "#154273"
SECONDARY = "#8fa9c7"
MUTED = "#b4b4b4"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
STATUS_COLOURS = {
    "achieved": "#9fd39f",
    "partial": "#ffe08a",
    "not_achieved": "#f2a7a1",
    "unanswered": "#ffffff",
    "not_applicable": "#eeeeee",
    "excluded": "#d0d0d0",
}
CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#1b1b1b"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11},
    "title": {"fontSize": 13, "anchor": "start", "color": "#1b1b1b"},
}


@dataclass(frozen=True)
class ChartTable:
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # the text alternative: what the chart shows, in words
    spec: dict[str, Any] = field(repr=False)
    table: ChartTable
    note: str = ""  # shown with the chart, such as the map's attribution
    wide: bool = False  # wants a landscape page in print

    def svg(self) -> str:
        return render_svg(self.spec)

    def png(self, scale: float = 2.0) -> bytes:
        return render_png(self.spec, scale)


# ---------------------------------------------------------------------------------------------
# Rendering


_STYLE_ATTRIBUTE = re.compile(r"\sstyle=\"[^\"]*\"")
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
_SVG_CACHE: OrderedDict[tuple[str, str], str] = OrderedDict()
_SVG_CACHE_SIZE = 64


def _locale() -> str:
    return "nl-NL" if (get_language() or "nl").startswith("nl") else "en-US"


def render_svg(spec: dict[str, Any]) -> str:
    """SVG text of a Vega-Lite spec; cached by content, since reports repeat their charts."""
    key = (json.dumps(spec, sort_keys=True, default=str), _locale())
    svg = _SVG_CACHE.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(
            spec,
            config=CONFIG,
            format_locale=_locale(),
            time_format_locale=_locale(),
            allowed_base_urls=[],
        )
        svg = clean_svg(svg)
        _SVG_CACHE[key] = svg
        while len(_SVG_CACHE) > _SVG_CACHE_SIZE:
            _SVG_CACHE.popitem(last=False)
    else:
        _SVG_CACHE.move_to_end(key)
    return svg


def render_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    return vl_convert.vegalite_to_png(
        spec,
        scale=scale,
        config=CONFIG,
        format_locale=_locale(),
        time_format_locale=_locale(),
        allowed_base_urls=[],
    )


def clean_svg(svg: str) -> str:
    """No script and no style attributes, whatever the renderer produces."""
    return _STYLE_ATTRIBUTE.sub("", _SCRIPT.sub("", svg))


# ---------------------------------------------------------------------------------------------
# Helpers


def _values(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)


def _percent_axis(title: str = "") -> alt.Axis:
    return alt.Axis(format=".0%", title=title or None, values=[0, 0.25, 0.5, 0.75, 1])


def _scale() -> alt.Scale:
    return alt.Scale(domain=[0, 1])


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    # Altair's validation of the spec against the Vega-Lite JSON schema took most of the time
    # of building a report's charts; the specs are ours and fixed, and the tests render them.
    spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    spec.pop("config", None)
    return spec


def _highest_lowest(items: list[tuple[str, Figure]]) -> str:
    known = [(name, figure) for name, figure in items if figure.percentage is not None]
    if not known:
        return ""
    best = max(known, key=lambda item: item[1].percentage)
    worst = min(known, key=lambda item: item[1].percentage)
    return _("Highest: %(best)s (%(best_pct)s); lowest: %(worst)s (%(worst_pct)s).") % {
        "best": best[0],
        "best_pct": best[1].percent,
        "worst": worst[0],
        "worst_pct": worst[1].percent,
    }


# ---------------------------------------------------------------------------------------------
# Organisation report


def organisation_charts(report: OrganisationReport) -> list[Chart]:
    return [_org_themes(report), _org_trend(report), _org_position(report)]


def _org_themes(report: OrganisationReport) -> Chart:
    name = report.organisation.name
    region_label = _("Region")
    rows = []
    for line in report.themes:
        theme = f"{line.code}. {line.title}"
        rows.append({"theme": theme, "series": name, "value": line.figure.value})
        if line.region is not None:
            rows.append({"theme": theme, "series": region_label, "value": line.region.value})
    title = _("Ambitions achieved per theme: %(organisation)s and the region") % {
        "organisation": name
    }
    chart = (
        alt.Chart(_values(rows), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("series:N", sort=[name, region_label]),
            x=alt.X("value:Q", axis=_percent_axis(), scale=_scale()),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[name, region_label], range=[PRIMARY, SECONDARY]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=300, height=alt.Step(14))
    )
    description = _(
        "Bar chart of the share of ambitions achieved per theme, for %(organisation)s and for "
        "the region as a whole. %(extremes)s"
    ) % {
        "organisation": name,
        "extremes": _highest_lowest([(line.title, line.figure) for line in report.themes]),
    }
    table = ChartTable(
        [_("Theme"), name, _("Region")],
        [
            [
                f"{line.code}. {line.title}",
                f"{line.figure.percent} ({line.figure.ratio})",
                f"{line.region.percent} ({line.region.ratio})" if line.region else "",
            ]
            for line in report.themes
        ],
    )
    return Chart("themes", title, description, _spec(chart), table)


def _trend_chart(
    rows: list[dict[str, Any]], title: str, domain: list[str], widths: dict[str, int]
) -> dict[str, Any]:
    base = alt.Chart(_values(rows), title=title).encode(
        x=alt.X(
            "date:T",
            title=_("reference date"),
            axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 6}),
        ),
        y=alt.Y("value:Q", axis=_percent_axis(), scale=_scale()),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=domain, scheme="tableau10"),
            legend=alt.Legend(orient="right", labelLimit=200),
        ),
        strokeWidth=alt.StrokeWidth(
            "series:N",
            scale=alt.Scale(domain=list(widths), range=list(widths.values())),
            legend=None,
        ),
    )
    chart = alt.layer(base.mark_line(), base.mark_point(filled=True, size=40)).properties(
        width=380, height=200
    )
    return _spec(chart)


def _org_trend(report: OrganisationReport) -> Chart:
    name = report.organisation.name
    region_label = _("Region")
    rows = []
    for point in report.trend:
        day = point.reference_date.isoformat()
        rows.append({"date": day, "series": name, "value": point.figure.value})
        rows.append({"date": day, "series": region_label, "value": point.region.value})
    title = _("Trend over the rounds")
    domain = [name, region_label]
    spec = _trend_chart(rows, title, domain, {name: 3, region_label: 2})
    if len(report.trend) >= 2:
        first, last = report.trend[0], report.trend[-1]
        description = _(
            "Line chart of the share of ambitions achieved by %(organisation)s over %(count)s "
            "rounds, from %(first)s (%(first_date)s) to %(last)s (%(last_date)s), with the "
            "region's figure for comparison."
        ) % {
            "organisation": name,
            "count": len(report.trend),
            "first": first.figure.percent,
            "first_date": datum(first.reference_date),
            "last": last.figure.percent,
            "last_date": datum(last.reference_date),
        }
    else:
        description = _("Only one round so far: there is no trend yet.")
    table = ChartTable(
        [_("Round"), _("Reference date"), name, _("Region")],
        [
            [
                point.round_name,
                datum(point.reference_date),
                f"{point.figure.percent} ({point.figure.ratio})",
                f"{point.region.percent} ({point.region.ratio})",
            ]
            for point in report.trend
        ],
    )
    return Chart("trend", title, description, spec, table)


def _org_position(report: OrganisationReport) -> Chart:
    position = report.position
    name = report.organisation.name
    own = report.total.percentage
    values = [(p, False) for p in position.peer_percentages] + [(own, True)]
    ordered = sorted(values, key=lambda v: (v[0] is None, -(v[0] or 0), not v[1]))
    rows = []
    for number, (percentage, is_own) in enumerate(ordered, start=1):
        label = (
            f"{number}. {name}"
            if is_own
            else f"{number}. " + _("another %(type)s") % {"type": position.type_label.lower()}
        )
        rows.append(
            {
                "label": label,
                "value": None if percentage is None else float(percentage),
                "who": name if is_own else _("others"),
            }
        )
    title = _("Position among the region's organisations of the same type")
    bars = (
        alt.Chart(_values(rows))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("value:Q", axis=_percent_axis(), scale=_scale()),
            color=alt.Color(
                "who:N",
                scale=alt.Scale(domain=[name, _("others")], range=[PRIMARY, MUTED]),
                legend=None,
            ),
        )
    )
    region_value = position.region.value
    layers = [bars]
    if region_value is not None:
        rule = (
            alt.Chart(_values([{"value": region_value, "label": _("region")}]))
            .mark_rule(color="#1b1b1b", strokeDash=[4, 3])
            .encode(x="value:Q")
        )
        layers.append(rule)
    chart = alt.layer(*layers, title=title).properties(width=300, height=alt.Step(18))
    if position.rank is not None:
        description = _(
            "Bar chart of the share of ambitions achieved by each of the %(peers)s "
            "organisations of type %(type)s in the region, without their names. %(organisation)s "
            "(%(percent)s) is number %(rank)s; the dashed line is the region's figure "
            "(%(region)s)."
        ) % {
            "peers": position.peers,
            "type": position.type_label.lower(),
            "organisation": name,
            "percent": report.total.percent,
            "rank": position.rank,
            "region": position.region.percent,
        }
    else:
        description = _(
            "%(organisation)s (%(percent)s) is the only organisation of its type in the region; "
            "the dashed line is the region's figure (%(region)s)."
        ) % {
            "organisation": name,
            "percent": report.total.percent,
            "region": position.region.percent,
        }
    table = ChartTable(
        [_("Position"), _("Achieved")],
        [[row["label"], procent_or_dash(row["value"])] for row in rows]
        + [[_("Region (all organisations)"), position.region.percent]],
    )
    return Chart("position", title, description, _spec(chart), table)


def procent_or_dash(value: float | None) -> str:
    from fractions import Fraction

    return "—" if value is None else procent(Fraction(value).limit_denominator(10000))


# ---------------------------------------------------------------------------------------------
# Region report


def region_charts(report: RegionReport) -> list[Chart]:
    charts = [
        _region_organisations(report),
        _region_themes(report),
        _region_trend(report),
        _region_heatmap(report),
        region_map(report),
    ]
    exposure = exposure_map(report)
    if exposure is not None:
        charts.append(exposure)
    return charts


def _region_organisations(report: RegionReport) -> Chart:
    rows = [
        {"name": line.name, "value": line.figure.value, "label": line.figure.percent}
        for line in report.organisations
    ]
    title = _("Ambitions achieved per organisation")
    bars = (
        alt.Chart(_values(rows))
        .mark_bar(color=PRIMARY)
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
            x=alt.X("value:Q", axis=_percent_axis(), scale=_scale()),
        )
    )
    labels = bars.mark_text(align="left", dx=3, color="#1b1b1b").encode(text="label:N")
    layers = [bars, labels]
    if report.total.value is not None:
        layers.append(
            alt.Chart(_values([{"value": report.total.value}]))
            .mark_rule(color="#1b1b1b", strokeDash=[4, 3])
            .encode(x="value:Q")
        )
    chart = alt.layer(*layers, title=title).properties(width=320, height=alt.Step(20))
    description = _(
        "Bar chart of the share of ambitions achieved per organisation; the dashed line is the "
        "region's figure (%(region)s). %(extremes)s"
    ) % {
        "region": report.total.percent,
        "extremes": _highest_lowest([(line.name, line.figure) for line in report.organisations]),
    }
    table = ChartTable(
        [_("Organisation"), _("Achieved"), "%", _("Answered")],
        [
            [
                line.name,
                line.figure.ratio,
                line.figure.percent,
                line.figure.completeness_percent,
            ]
            for line in report.organisations
        ],
    )
    return Chart("organisations", title, description, _spec(chart), table)


def _region_themes(report: RegionReport) -> Chart:
    rows = [
        {"theme": f"{line.code}. {line.title}", "value": line.figure.value}
        for line in report.themes
    ]
    title = _("Ambitions achieved per theme")
    chart = (
        alt.Chart(_values(rows), title=title)
        .mark_bar(color=PRIMARY)
        .encode(
            y=alt.Y("theme:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", axis=_percent_axis(), scale=_scale()),
        )
        .properties(width=300, height=alt.Step(20))
    )
    description = _(
        "Bar chart of the share of ambitions achieved per theme, over all organisations. "
        "%(extremes)s"
    ) % {"extremes": _highest_lowest([(line.title, line.figure) for line in report.themes])}
    table = ChartTable(
        [_("Theme"), _("Achieved"), "%"],
        [
            [f"{line.code}. {line.title}", line.figure.ratio, line.figure.percent]
            for line in report.themes
        ],
    )
    return Chart("themes", title, description, _spec(chart), table)


def _region_trend(report: RegionReport) -> Chart:
    region_label = _("Region (total)")
    names = {line.code: line.name for line in report.organisations}
    rows = []
    for point in report.trend:
        day = point.reference_date.isoformat()
        rows.append({"date": day, "series": region_label, "value": point.figure.value})
        for code, figure in point.by_organisation.items():
            if code in names:
                rows.append({"date": day, "series": names[code], "value": figure.value})
    domain = [region_label, *names.values()]
    widths = {region_label: 4, **dict.fromkeys(names.values(), 1)}
    title = _("Trend over the rounds")
    spec = _trend_chart(rows, title, domain, widths)
    if report.target.target_date is not None:
        spec = _with_target(spec, report.target.target_date)
    if len(report.trend) >= 2:
        first, last = report.trend[0], report.trend[-1]
        description = _(
            "Line chart of the share of ambitions achieved over %(count)s rounds: the region "
            "went from %(first)s (%(first_date)s) to %(last)s (%(last_date)s); a thin line per "
            "organisation."
        ) % {
            "count": len(report.trend),
            "first": first.figure.percent,
            "first_date": datum(first.reference_date),
            "last": last.figure.percent,
            "last_date": datum(last.reference_date),
        }
    else:
        description = _("Only one round so far: there is no trend yet.")
    if report.target.target_date is not None:
        description += " " + _("The vertical line marks the target date, %(date)s.") % {
            "date": datum(report.target.target_date)
        }
    table = ChartTable(
        [_("Round"), _("Reference date"), region_label, *names.values()],
        [
            [
                point.round_name,
                datum(point.reference_date),
                point.figure.percent,
                *[
                    point.by_organisation[code].percent if code in point.by_organisation else ""
                    for code in names
                ],
            ]
            for point in report.trend
        ],
    )
    return Chart("trend", title, description, spec, table)


def _with_target(spec: dict[str, Any], target: date) -> dict[str, Any]:
    rule = {
        "data": {"values": [{"date": target.isoformat(), "label": _("target date")}]},
        "mark": {"type": "rule", "color": "#b00020", "strokeDash": [6, 3]},
        "encoding": {"x": {"field": "date", "type": "temporal"}},
    }
    text = {
        "data": {"values": [{"date": target.isoformat(), "label": _("target date")}]},
        "mark": {"type": "text", "color": "#b00020", "align": "left", "dx": 3, "y": 8},
        "encoding": {
            "x": {"field": "date", "type": "temporal"},
            "text": {"field": "label", "type": "nominal"},
        },
    }
    return {**spec, "layer": [*spec["layer"], rule, text]}


def _region_heatmap(report: RegionReport) -> Chart:
    rows = []
    for line in report.organisations:
        for ambition, status in zip(report.ambitions, line.cells, strict=True):
            rows.append(
                {
                    "organisation": line.name,
                    "ambition": ambition.label,
                    "status": status.label,
                    "key": status.key,
                    "symbol": status.symbol,
                }
            )
    keys = list(STATUS_COLOURS)
    from normmonitor.dashboard.selectors import STATUS_LABELS

    labels = [str(STATUS_LABELS[key]) for key in keys]
    order = [ambition.label for ambition in report.ambitions]
    base = alt.Chart(_values(rows)).encode(
        x=alt.X("ambition:O", sort=order, title=_("Ambition"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("organisation:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke="#8a8a8a", strokeWidth=0.5).encode(
        color=alt.Color(
            "status:N",
            title=None,
            scale=alt.Scale(domain=labels, range=[STATUS_COLOURS[k] for k in keys]),
            legend=alt.Legend(
                orient="bottom", columns=3, symbolStrokeColor="#8a8a8a", labelLimit=320
            ),
        )
    )
    text = base.mark_text(fontSize=10, color="#1b1b1b").encode(text="symbol:N")
    title = _("Heatmap: organisation × ambition")
    chart = alt.layer(cells, text, title=title).properties(width=alt.Step(26), height=alt.Step(22))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["key"]] = counts.get(row["key"], 0) + 1
    description = _(
        "Heatmap of %(organisations)s organisations by %(ambitions)s ambitions. Each cell shows "
        "the outcome with a colour and a symbol (✓ achieved, ½ partly achieved, ✗ not achieved, "
        "? not answered, n.v.t. not applicable, 3/5 sub-items achieved). In all: %(achieved)s "
        "achieved, %(partial)s partly achieved, %(not_achieved)s not achieved, %(unanswered)s "
        "not answered."
    ) % {
        "organisations": len(report.organisations),
        "ambitions": len(report.ambitions),
        "achieved": counts.get("achieved", 0),
        "partial": counts.get("partial", 0),
        "not_achieved": counts.get("not_achieved", 0),
        "unanswered": counts.get("unanswered", 0),
    }
    table = ChartTable(
        [_("Organisation"), *order],
        [
            [line.name, *[cell.symbol or "–" for cell in line.cells]]
            for line in report.organisations
        ],
    )
    return Chart("heatmap", title, description, _spec(chart), table, wide=True)


# ---------------------------------------------------------------------------------------------
# The map


@cache
def _features(year: int) -> dict[str, geo.Feature]:
    return {f.statcode: f for f in geo.load_features(geo.boundary_file("gemeente", year))}


def boundary_year(reference_date: date) -> int:
    """The newest shipped municipal boundary file not after the round's reference date, else the
    oldest one."""
    years = sorted(
        int(path.stem.rsplit("-", 1)[1]) for path in geo.DATA_DIR.glob("cbs-gemeente-*.geojson")
    )
    earlier = [year for year in years if year <= reference_date.year]
    return earlier[-1] if earlier else years[0]


def _map_layers(
    report: RegionReport, rows: dict[str, tuple[Any, str]], colour: alt.Color, title: str
) -> tuple[dict[str, Any], list[str]]:
    """The region's municipalities as a geoshape layer coloured by ``rows[code][0]`` and
    labelled ``rows[code][1]``; returns the spec and the names on the map."""
    features = _features(boundary_year(report.meta.reference_date))
    attribution = report.attribution or geo.ATTRIBUTION
    shapes, labels, names = [], [], []
    for line in report.organisations:
        feature = features.get(line.cbs_code)
        if feature is None or line.code not in rows:
            continue
        value, text = rows[line.code]
        names.append(line.name)
        shapes.append(
            {
                "type": "Feature",
                "geometry": mapping(feature.geometry),
                "properties": {"name": line.name, "value": value, "label": text},
            }
        )
        point = shapely.point_on_surface(feature.geometry)
        labels.append({"lon": point.x, "lat": point.y, "label": text})
    areas = (
        alt.Chart(_values(shapes))
        .mark_geoshape(stroke="#ffffff", strokeWidth=1.5)
        .encode(color=colour)
    )
    texts = (
        alt.Chart(_values(labels))
        .mark_text(fontSize=11, fontWeight="bold", color="#1b1b1b")
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    )
    chart = alt.layer(
        areas, texts, title=alt.Title(title, subtitle=attribution, subtitleFontSize=10)
    ).properties(width=460, height=380, projection={"type": "mercator"})
    return _spec(chart), names


def region_map(report: RegionReport) -> Chart:
    """The region's municipalities coloured by their share of ambitions achieved, labelled with
    name and percentage (so colour is never the only carrier)."""
    title = _("Map: ambitions achieved per municipality")
    rows = {
        line.code: (line.figure.value, f"{line.name} {line.figure.percent}")
        for line in report.organisations
    }
    colour = alt.Color(
        "properties.value:Q",
        title=_("achieved"),
        scale=alt.Scale(domain=[0, 1], range=["#eef3f9", "#5b84b8"]),
        legend=alt.Legend(format=".0%", orient="right", values=[0, 0.5, 1]),
    )
    spec, names = _map_layers(report, rows, colour, title)
    mapped = [line for line in report.organisations if line.name in names]
    description = _(
        "Map of the %(count)s municipalities of %(region)s, each coloured by its share of "
        "ambitions achieved and labelled with its name and percentage: %(figures)s."
    ) % {
        "count": len(mapped),
        "region": report.meta.region_name,
        "figures": ", ".join(f"{line.name} {line.figure.percent}" for line in mapped),
    }
    missing = [
        line.name for line in report.organisations if line not in mapped and line.type == "gemeente"
    ]
    if missing:
        description += " " + _("Not on the map (no boundary): %(names)s.") % {
            "names": ", ".join(missing)
        }
    others = [
        line for line in report.organisations if line not in mapped and line.name not in missing
    ]
    if others:
        description += " " + _("Not a municipality, so not on the map: %(names)s.") % {
            "names": ", ".join(f"{line.name} ({line.figure.percent})" for line in others)
        }
    table = ChartTable(
        [_("Municipality"), _("CBS code"), _("Achieved"), "%"],
        [[line.name, line.cbs_code, line.figure.ratio, line.figure.percent] for line in mapped],
    )
    attribution = report.attribution or geo.ATTRIBUTION
    return Chart("map", title, description, spec, table, note=attribution)


def exposure_map(report: RegionReport) -> Chart | None:
    """The municipalities coloured by their waterbed exposure (issue #5's analysis), when the
    analysis is installed."""
    if report.waterbed is None or not report.waterbed.exposure:
        return None
    title = _("Map: exposure to a waterbed effect")
    exposure = {line.code: line for line in report.waterbed.exposure}
    rows = {code: (line.band, f"{line.name} {line.band_label}") for code, line in exposure.items()}
    bands = [0, 1, 2, 3]
    from .integrations import band_label

    colour = alt.Color(
        "properties.value:O",
        title=_("exposure"),
        scale=alt.Scale(domain=bands, range=["#f3f3f3", "#fde0b6", "#f6a96b", "#d9622b"]),
        legend=alt.Legend(
            orient="right",
            labelExpr="{"
            + ", ".join(f"'{b}': '{band_label(b)}'" for b in bands)
            + "}[datum.label]",
        ),
    )
    spec, names = _map_layers(report, rows, colour, title)
    mapped = [line for line in report.waterbed.exposure if line.name in names]
    description = _(
        "Map of the municipalities of %(region)s, each coloured by its exposure to a waterbed "
        "effect (none, low, medium, high) and labelled with its name and level: %(levels)s."
    ) % {
        "region": report.meta.region_name,
        "levels": ", ".join(f"{line.name} {line.band_label}" for line in mapped),
    }
    table = ChartTable(
        [_("Municipality"), _("Exposure"), _("Level"), _("Weak spots")],
        [[line.name, line.exposure, line.band_label, str(line.weak_spots)] for line in mapped],
    )
    return Chart(
        "exposure", title, description, spec, table, note=report.attribution or geo.ATTRIBUTION
    )


def charts_for(report: OrganisationReport | RegionReport) -> list[Chart]:
    if isinstance(report, OrganisationReport):
        return organisation_charts(report)
    return region_charts(report)
