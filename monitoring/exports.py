"""CSV of the dashboard, and the interaction network as GraphML and CSV, under the same rules.

The network is drawn between *organisations*, not people: a node is an organisation with at
least five members in the community (the suppression rule), the rest are pooled into one
"other organisations" node (itself dropped when it holds fewer than five). Members who opted out
of network analysis are left out entirely. Edge weights count replies, mentions and mentoring pairs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from forum.models import Community
from monitoring import sources
from monitoring.models import InteractionDay, InteractionKind, NetworkOptOut
from monitoring.rollup import local_midnight
from monitoring.selectors import Dashboard
from monitoring.suppression import shown

OTHER = "other"


def _fmt(value: object) -> str:
    if value is None:
        return _("fewer than 5")
    return str(value)


def dashboard_csv(board: Dashboard) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([_("section"), _("label"), _("column"), _("value")])
    for week in board.weeks:
        label = week.start.isoformat()
        w.writerow([_("Weeks"), label, _("Messages"), week.messages])
        w.writerow([_("Weeks"), label, _("Topics"), week.topics])
        w.writerow([_("Weeks"), label, _("Practice questions"), week.questions])
        w.writerow([_("Weeks"), label, _("Active members"), _fmt(week.active)])
    for section, rows in (
        (_("Active members by role"), board.by_role),
        (_("Active members by organisation"), board.by_organisation),
        (_("Active members by sector"), board.by_sector),
    ):
        for row in rows:
            for week, cell in zip(board.weeks, row.cells, strict=True):
                w.writerow([section, row.label, week.start.isoformat(), _fmt(cell)])
    figures = [
        (_("Messages"), board.messages),
        (_("Topics"), board.topics),
        (_("Median hours to first answer"), board.median_hours),
        (_("90th percentile hours to first answer"), board.p90_hours),
        (_("Topics unanswered after 48 hours (%)"), board.unanswered_topics),
        (_("Practice questions unanswered after 48 hours (%)"), board.unanswered_questions),
        (_("Practice questions opened"), board.questions_opened),
        (_("Practice questions resolved"), board.questions_resolved),
        (_("Lessons produced"), board.lessons),
    ]
    for label, value in figures:
        w.writerow([_("Figures"), label, "", _fmt(value)])
    for cohort in board.cohorts:
        w.writerow(
            [
                _("Retention"),
                cohort.month.strftime("%Y-%m"),
                _("members"),
                _fmt(cohort.size if shown(cohort.size) else None),
            ]
        )
        for k, share in enumerate(cohort.retained, start=1):
            w.writerow([_("Retention"), cohort.month.strftime("%Y-%m"), _("month %(n)s (%%)") % {"n": k}, _fmt(share)])
    for crossing in board.crossings:
        w.writerow([_("Between organisations (%)"), crossing.label, "", _fmt(crossing.between_organisations)])
        w.writerow([_("Between sectors (%)"), crossing.label, "", _fmt(crossing.between_sectors)])
    return out.getvalue()


@dataclass
class Network:
    nodes: dict[str, dict[str, object]] = field(default_factory=dict)  # id -> label, members
    edges: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # sorted pair -> weights


def network(*, community: Community, start: dt.date, end: dt.date) -> Network:
    lo, hi = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    members = list(sources.member_joins(community))
    optouts = set(NetworkOptOut.objects.filter(user_id__in=members).values_list("user_id", flat=True))
    facts = sources.member_facts(community, [m for m in members if m not in optouts])
    per_org: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for uid, f in facts.items():
        if f["organisation"]:
            per_org[f["organisation"]].append(uid)
            names[f["organisation"]] = f["organisation_name"]
    node_of: dict[int, str] = {}
    net = Network()
    pooled: list[int] = []
    for org, uids in per_org.items():
        if shown(len(uids)):
            key = f"org{org}"
            net.nodes[key] = {"label": names[org], "members": len(uids)}
            node_of.update(dict.fromkeys(uids, key))
        else:
            pooled += uids
    if shown(len(pooled)):
        net.nodes[OTHER] = {"label": _("Other organisations (fewer than 5 members each)"), "members": len(pooled)}
        node_of.update(dict.fromkeys(pooled, OTHER))

    def add(a: int, b: int, kind: str, n: int) -> None:
        na, nb = node_of.get(a), node_of.get(b)
        if na is None or nb is None or na == nb:
            return
        key = (na, nb) if na < nb else (nb, na)
        weights = net.edges.setdefault(key, {InteractionKind.REPLY: 0, InteractionKind.MENTION: 0, "pair": 0})
        weights[kind] += n

    for kind, s, t, n in InteractionDay.objects.filter(community=community, day__gte=start, day__lte=end).values_list(
        "kind", "source_id", "target_id", "count"
    ):
        add(s, t, kind, n)
    for a, b in sources.mentoring_pairs(community, lo, hi):
        add(a, b, "pair", 1)
    return net


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def network_graphml(net: Network) -> bytes:
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys = [
        ("label", "node", "string"),
        ("members", "node", "int"),
        ("replies", "edge", "int"),
        ("mentions", "edge", "int"),
        ("pairs", "edge", "int"),
        ("weight", "edge", "int"),
    ]
    for name, domain, kind in keys:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {"id": name, "for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "kring", "edgedefault": "undirected"})
    for node_id, data in net.nodes.items():
        node = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node_id})
        for key in ("label", "members"):
            ET.SubElement(node, f"{{{GRAPHML_NS}}}data", {"key": key}).text = str(data[key])
    for i, ((a, b), weights) in enumerate(sorted(net.edges.items())):
        edge = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge", {"id": f"e{i}", "source": a, "target": b})
        values = {
            "replies": weights[InteractionKind.REPLY],
            "mentions": weights[InteractionKind.MENTION],
            "pairs": weights["pair"],
        }
        values["weight"] = sum(values.values())
        for key, value in values.items():
            ET.SubElement(edge, f"{{{GRAPHML_NS}}}data", {"key": key}).text = str(value)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")).encode()


def network_csv(net: Network) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["source", "source_label", "target", "target_label", "replies", "mentions", "pairs"])
    for (a, b), weights in sorted(net.edges.items()):
        w.writerow(
            [
                a,
                net.nodes[a]["label"],
                b,
                net.nodes[b]["label"],
                weights[InteractionKind.REPLY],
                weights[InteractionKind.MENTION],
                weights["pair"],
            ]
        )
    return out.getvalue()
