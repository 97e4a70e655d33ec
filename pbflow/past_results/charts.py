"""A server-rendered bar chart of funded and not funded projects per year (SVG, readable without JavaScript)."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 40, 30, 10


@dataclass
class Bar:
    year: int
    x: float
    width: float
    funded: int
    not_funded: int
    funded_y: float
    funded_height: float
    rest_y: float
    rest_height: float


@dataclass
class Chart:
    width: int
    height: int
    bars: list
    ticks: list  # [(value, y)]
    baseline: float


def funded_per_year(summaries):
    """Stacked bars, oldest year on the left: funded at the bottom, not funded above."""
    years = sorted(summaries, key=lambda s: s.result.year)
    if not years:
        return None
    top = max(max(s.projects for s in years), 1)
    step = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if top / n <= 5)
    top = -(-top // step) * step
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    baseline = MARGIN_TOP + plot_height
    slot = (WIDTH - MARGIN_LEFT) / len(years)
    bars = []
    for i, summary in enumerate(years):
        funded_h = plot_height * summary.funded / top
        rest_h = plot_height * summary.not_funded / top
        bars.append(Bar(summary.result.year, MARGIN_LEFT + i * slot + slot * 0.2, slot * 0.6,
                        summary.funded, summary.not_funded, baseline - funded_h, funded_h,
                        baseline - funded_h - rest_h, rest_h))
    ticks = [(value, baseline - plot_height * value / top) for value in range(0, top + 1, step)]
    return Chart(WIDTH, HEIGHT, bars, ticks, baseline)
