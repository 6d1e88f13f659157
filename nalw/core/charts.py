"""Charts (bars, and lines over time) as inline SVG drawn on the server with pygal: no JavaScript, and no inline style either (the
pages' Content-Security-Policy allows stylesheets from the site only), so pygal's stylesheet is served as
static/css/charts.css, made by `chart_stylesheet` (a test keeps the two the same).

A chart is a picture of a table printed beside it: it is one image to assistive technology (`role="img"`,
named by its title and description), and the table is where the figures are read.
"""

import functools
import html
import math
import re
import sys

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from nalw.core.money import format_pence

# Importing pygal appends to sys.meta_path a finder for its map plugins (pygal.maps.*, unused here) that has no
# find_spec, so every later import in the process warns (ImportWarning) and falls back: take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

# Bootstrap's text colour, then the Okabe-Ito colours (apart for most kinds of colour blindness) and a few more
# for charts with many lines; the table beside every chart gives each figure in words.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#495057",
    opacity="1",
    opacity_hover="1",
    colors=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#8B6A00", "#6A3D9A"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=12,
    title_font_size=16,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")
# Style attributes, which the policy refuses too: pygal hides its (JavaScript) tooltip with one.
_STYLE_ATTRIBUTE = re.compile(r' style="[^"]*"')
HIDDEN_TOOLTIP = ".pygal-chart .tooltip{opacity:0}"


def _chart(chart_class=pygal.Bar, **options):
    settings = {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "legend_at_bottom": True,
        "print_values": False,
        "truncate_label": -1,
        "truncate_legend": -1,
    }
    return chart_class(**(settings | options))


def bar_chart(chart_id, title, description, labels, series, horizontal=False, money=False) -> Markup:
    """An SVG bar chart: `series` is [(name, [value per label])], values in pence when `money` (drawn in pounds);
    `chart_id` names its title and description. The same figures give the same picture, so a picture is drawn
    once and kept (pygal takes tens of milliseconds to draw one)."""
    return _drawn_bars(chart_id, title, description, tuple(labels), _frozen(series), horizontal, money)


def line_chart(chart_id, title, description, labels, series) -> Markup:
    """An SVG line chart of counts over `labels` (months, say), a line per series: `series` as for `bar_chart`.
    Drawn without dots: the table beside it gives each value, and dots would triple the drawing time."""
    return _drawn_lines(chart_id, title, description, tuple(labels), _frozen(series))


def _frozen(series):
    return tuple((name, tuple(values)) for name, values in series)


@functools.lru_cache(maxsize=64)
def _drawn_bars(chart_id, title, description, labels, series, horizontal, money) -> Markup:
    chart = _chart(
        pygal.HorizontalBar if horizontal else pygal.Bar,
        show_legend=len(series) > 1,
        value_formatter=(lambda pounds: format_pence(round(pounds * 100))) if money else _whole_number,
        # Many labels side by side would run into each other: slant them.
        x_label_rotation=0 if horizontal or len(labels) <= 6 else 30,
    )
    # pygal stacks a horizontal chart's first bar at the bottom: reverse, so it reads top-down like the table.
    order = slice(None, None, -1) if horizontal else slice(None)
    chart.x_labels = labels[order]
    for name, values in series:
        chart.add(name, [value / 100 if money else value for value in values[order]])
    if not money:
        chart.y_labels = _whole_ticks(series)
    return _named_svg(chart, chart_id, title, description)


@functools.lru_cache(maxsize=64)
def _drawn_lines(chart_id, title, description, labels, series) -> Markup:
    chart = _chart(
        pygal.Line,
        width=900,
        height=420,
        legend_at_bottom_columns=3,
        show_minor_x_labels=len(labels) <= 12,
        x_labels_major_every=max(1, len(labels) // 12),
        x_label_rotation=30 if len(labels) > 6 else 0,
        min_scale=1,
        show_dots=False,
        value_formatter=_whole_number,
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    chart.y_labels = _whole_ticks(series)
    return _named_svg(chart, chart_id, title, description)


def _whole_ticks(series, most=8):
    """Ticks for counts: whole numbers only (pygal would put 0.5 between 0 and 1 and print both as "0")."""
    top = max((max(values, default=0) for _name, values in series), default=0)
    step = max(1, math.ceil(top / most))
    return list(range(0, top + step, step))


def _named_svg(chart, chart_id, title, description) -> Markup:
    """The chart's SVG without script or style (the stylesheet is served apart), one image named by its title
    and description."""
    svg = _STYLE_ATTRIBUTE.sub("", _STYLE.sub("", _SCRIPT.sub("", chart.render(is_unicode=True))))
    svg = svg.replace("<title>Pygal</title>", "")
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end].replace(
        "<svg ", f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" ', 1
    )
    names = (
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Markup(opening + names + svg[opening_end:])


def _whole_number(value):
    return f"{value:,.0f}"


def chart_stylesheet() -> str:
    """pygal's stylesheet for STYLE, for every chart (scoped to the charts' class instead of one chart's id), with
    a colour for each series up to as many as STYLE has colours."""
    chart = _chart()
    for number in range(len(STYLE.colors)):
        chart.add(str(number), [1])
    style = _STYLE.search(chart.render(is_unicode=True)).group(0)
    css = html.unescape(style[style.index(">") + 1 : -len("</style>")])  # pygal escapes "a > b" as in XML
    return _CHART_ID.sub(".pygal-chart", css) + HIDDEN_TOOLTIP + "\n"
