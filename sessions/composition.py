"""The composition report of a conference (issue 22), as the UNFCCC secretariat publishes
yearly for its sessions: delegations by size and level, the gender of heads and members,
and speaking time by gender.

The charts are drawn on the server by matplotlib as SVG and embedded as ``data:`` images:
a real plotting library, no CDN, no script (the CSP allows neither inline script nor
foreign hosts), they print, and a screen reader reads the tables printed beside them.
"""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from conference.csvio.base import BOM, neutralize
from conference.models import Conference
from participants.enums import (
    INACTIVE_STATUSES,
    DelegationRole,
    DelegationStatus,
    Gender,
    RepresentationLevel,
)
from participants.models import Delegation, Participant

from .enums import SpeakingGroup
from .record import speaking_group, statements_delivered

# Delegation sizes counted as the UNFCCC does, in bands.
SIZE_BANDS = ((1, 2), (3, 5), (6, 10), (11, 20), (21, None))
NOT_STATED = "not_stated"
GENDERS = (Gender.FEMALE, Gender.MALE, Gender.OTHER, NOT_STATED)
GROUPS = (SpeakingGroup.STATES, SpeakingGroup.ORGANIZATIONS)
GENDER_COLOURS = {
    Gender.FEMALE: "#b2182b",
    Gender.MALE: "#2166ac",
    Gender.OTHER: "#999999",
    NOT_STATED: "#dddddd",
}
GROUP_COLOURS = {SpeakingGroup.STATES: "#1b5e83", SpeakingGroup.ORGANIZATIONS: "#e08a1e"}


def gender_label(value: str) -> str:
    if value == NOT_STATED:
        return _("Not stated")
    return str(Gender(value).label)


def band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}–{high}" if high else f"{low}+"


@dataclass(frozen=True)
class Line:
    """One row of the report: a measure, a group, a category and its value."""

    measure: str
    group: str
    category: str
    value: int


@dataclass
class Composition:
    conference: Conference
    delegations: int
    by_group: Counter  # group -> delegations
    sizes: dict[str, Counter]  # band label -> group -> delegations
    levels: dict[str, Counter]  # level label -> group -> delegations
    members: Counter  # gender -> members
    heads: Counter  # gender -> heads of delegation
    statements: Counter  # gender -> statements delivered
    seconds: Counter  # gender -> seconds spoken

    def percent(self, counter: Counter, gender: str) -> float:
        total = sum(counter.values())
        return 100 * counter[gender] / total if total else 0.0

    @property
    def gender_rows(self) -> list[tuple[str, Counter]]:
        return [
            (_("Members of delegations"), self.members),
            (_("Heads of delegation"), self.heads),
            (_("Statements delivered"), self.statements),
            (_("Speaking time"), self.seconds),
        ]

    def lines(self) -> Iterator[Line]:
        for group in GROUPS:
            yield Line("delegations", group, "total", self.by_group[group])
        for band, counts in self.sizes.items():
            for group in GROUPS:
                yield Line("delegations_by_size", group, band, counts[group])
        for level, counts in self.levels.items():
            for group in GROUPS:
                yield Line("delegations_by_level", group, level, counts[group])
        for measure, counter in (
            ("members_by_gender", self.members),
            ("heads_by_gender", self.heads),
            ("statements_by_gender", self.statements),
            ("speaking_seconds_by_gender", self.seconds),
        ):
            for gender in GENDERS:
                yield Line(measure, "all", gender, counter[gender])


def composition_report(*, conference: Conference) -> Composition:
    """The report's figures in three queries: delegations, members, statements.

    A delegation counts when it takes part (not declined or withdrawn) and has at least one
    member whose accreditation is not rejected, cancelled or revoked.
    """
    members = list(
        Participant.objects.filter(conference=conference, delegation__isnull=False)
        .exclude(status__in=INACTIVE_STATUSES)
        .exclude(delegation__status__in=(DelegationStatus.DECLINED, DelegationStatus.WITHDRAWN))
        .values("delegation_id", "gender", "role")
    )
    size = Counter(m["delegation_id"] for m in members)
    delegations = list(Delegation.objects.filter(pk__in=size).only("pk", "category", "level"))
    group_of = {d.pk: speaking_group(d) for d in delegations}
    by_group = Counter(group_of.values())
    sizes = {band_label(band): Counter() for band in SIZE_BANDS}
    for delegation in delegations:
        count = size[delegation.pk]
        band = next(b for b in SIZE_BANDS if count >= b[0] and (b[1] is None or count <= b[1]))
        sizes[band_label(band)][group_of[delegation.pk]] += 1
    levels = {str(label): Counter() for _value, label in RepresentationLevel.choices}
    for delegation in delegations:
        levels[str(RepresentationLevel(delegation.level).label)][group_of[delegation.pk]] += 1
    gender_members = Counter(m["gender"] or NOT_STATED for m in members)
    gender_heads = Counter(
        m["gender"] or NOT_STATED for m in members if m["role"] == DelegationRole.HEAD
    )
    statements, seconds = Counter(), Counter()
    for statement in statements_delivered(conference=conference):
        gender = (statement.speaker.gender if statement.speaker else "") or NOT_STATED
        statements[gender] += 1
        seconds[gender] += statement.delivered_seconds or 0
    return Composition(
        conference,
        len(delegations),
        by_group,
        sizes,
        levels,
        gender_members,
        gender_heads,
        statements,
        seconds,
    )


def composition_csv(composition: Composition) -> str:
    """The report as one long table: measure, group, category, value (stable names)."""
    output = io.StringIO()
    output.write(BOM)
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(["measure", "group", "category", "value"])
    for line in composition.lines():
        writer.writerow([line.measure, line.group, neutralize(line.category), line.value])
    return output.getvalue()


# Charts ----------------------------------------------------------------------------------


def _figure(height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.2, height), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _svg(figure) -> str:
    """The figure as an SVG ``data:`` URI; text as paths, so Cyrillic needs no web font."""
    import matplotlib

    output = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "plenary"}):
        figure.savefig(output, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(output.getvalue()).decode()


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=9)


def _grouped_bars(axes, categories: dict[str, Counter], *, horizontal: bool) -> None:
    labels = list(categories)
    positions = range(len(labels))
    width = 0.38
    for index, group in enumerate(GROUPS):
        values = [categories[label][group] for label in labels]
        offsets = [p + (index - 0.5) * width for p in positions]
        draw = axes.barh if horizontal else axes.bar
        bars = draw(
            offsets,
            values,
            width,
            label=str(SpeakingGroup(group).label),
            color=GROUP_COLOURS[group],
        )
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], fontsize=8, padding=2)
    if horizontal:
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
    else:
        axes.set_xticks(list(positions), labels)
    axes.legend(frameon=False, fontsize=9)
    _style(axes)


def size_chart(composition: Composition) -> str:
    figure, axes = _figure(3.2)
    _grouped_bars(axes, composition.sizes, horizontal=False)
    axes.set_xlabel(_("Members per delegation"), fontsize=9)
    axes.set_ylabel(_("Delegations"), fontsize=9)
    return _svg(figure)


def level_chart(composition: Composition) -> str:
    figure, axes = _figure(3.6)
    _grouped_bars(axes, composition.levels, horizontal=True)
    axes.set_xlabel(_("Delegations"), fontsize=9)
    return _svg(figure)


def gender_chart(composition: Composition) -> str:
    """Each row a 100 % bar: women, men, other, not stated, with the women's share written."""
    rows = composition.gender_rows
    figure, axes = _figure(2.9)
    left = [0.0] * len(rows)
    for gender in GENDERS:
        shares = [composition.percent(counter, gender) for _label, counter in rows]
        axes.barh(
            range(len(rows)),
            shares,
            left=left,
            color=GENDER_COLOURS[gender],
            label=gender_label(gender),
        )
        for index, share in enumerate(shares):
            if share >= 6:
                colour = "white" if gender in (Gender.FEMALE, Gender.MALE) else "black"
                axes.text(
                    left[index] + share / 2,
                    index,
                    f"{share:.0f} %",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=colour,
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_yticks(range(len(rows)), [label for label, _counter in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("Share, per cent"), fontsize=9)
    axes.legend(frameon=False, fontsize=8, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.28))
    _style(axes)
    return _svg(figure)
