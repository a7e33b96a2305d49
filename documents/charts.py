"""The progress chart of a negotiation, drawn on the server with matplotlib as SVG.

No JavaScript and nothing from a CDN: the page shows it as an image.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from matplotlib.figure import Figure  # a Figure draws without pyplot's global state

SERIES = [
    ("all", "agreed_share", "#0f5132", "-"),
    ("operative", "agreed_share", "#1f77b4", "--"),
    ("preambular", "agreed_share", "#9467bd", ":"),
    ("all", "clean_share", "#b8860b", "-."),
]


def progress_svg(rows: list[dict], *, tz) -> bytes:
    """Share of paragraphs agreed (in all, operative, preambular) and of words outside
    brackets, over the versions, each placed at its date in the conference's time zone."""
    figure = Figure(figsize=(7.5, 3.2), dpi=96)
    axes = figure.subplots()
    labels = {
        ("all", "agreed_share"): _("Paragraphs agreed"),
        ("operative", "agreed_share"): _("Operative paragraphs agreed"),
        ("preambular", "agreed_share"): _("Preambular paragraphs agreed"),
        ("all", "clean_share"): _("Words outside brackets"),
    }
    points = [(f"{row['version'].label}\n{row['at'].astimezone(tz):%d.%m}", row) for row in rows]
    xs = list(range(len(points)))
    for kind, share, colour, style in SERIES:
        ys = [row[kind][share] for _label, row in points]
        axes.plot(
            xs,
            [y if y is not None else float("nan") for y in ys],
            style,
            marker="o",
            color=colour,
            label=labels[(kind, share)],
        )
    axes.set_xticks(xs, [label for label, _row in points], fontsize=8)
    axes.set_ylim(0, 100)
    axes.set_ylabel("%")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
