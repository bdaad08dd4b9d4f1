"""The dashboard's CSV and the network export (GraphML read back by networkx), with suppression."""

from __future__ import annotations

import csv
import io
from typing import Any

import networkx as nx
import pytest
from django.test import Client
from django.urls import reverse

from monitoring import exports
from monitoring.models import NetworkOptOut
from monitoring.suppression import MIN_GROUP, count_or_none, share_or_none, shown
from tests.monitoring.conftest import END, START

pytestmark = pytest.mark.django_db


def test_the_suppression_rule() -> None:
    assert MIN_GROUP == 5
    assert [shown(n) for n in (0, 4, 5, 6)] == [False, False, True, True]
    assert (count_or_none(4), count_or_none(5)) == (None, 5)
    assert (share_or_none(1, 4), share_or_none(1, 5), share_or_none(2, 3) is None) == (None, 20.0, True)


def _grow_org_y(f: Any, make_user: Any) -> None:
    """Two more members of Org Y (no messages): Org Y has 5 members, Org Z (Hugo) stays alone."""
    from accounts.models import Organisation
    from forum import services as forum_services

    for name in ("Ivo", "Jet"):
        user = make_user(name=name)
        user.profile.organisation = Organisation.objects.get(name="Org Y")
        user.profile.save()
        forum_services.join_community(actor=user, community=f.community)


def test_network_graphml_read_back_by_networkx(rolled: Any, make_user: Any) -> None:
    _grow_org_y(rolled, make_user)
    net = exports.network(community=rolled.community, start=START, end=END)
    graph = nx.parse_graphml(exports.network_graphml(net).decode())
    org_x = f"org{rolled.people['anna'].profile.organisation_id}"
    org_y = f"org{rolled.people['eva'].profile.organisation_id}"
    # Org Z has one member and no pool of five: it is not in the graph, nor Anna's pair with Hugo.
    assert sorted(graph.nodes) == sorted([org_x, org_y])
    assert graph.nodes[org_x] == {"label": "Org X", "members": 5}
    assert graph.nodes[org_y] == {"label": "Org Y", "members": 5}
    # Replies Eva->Anna, Fien->Cas, Bram->Eva, Dirk->Fien and the mention Anna->Eva cross X/Y.
    assert graph.edges[org_x, org_y] == {"replies": 4, "mentions": 1, "pairs": 0, "weight": 5, "id": "e0"}


def test_network_csv_matches_and_an_opt_out_can_remove_a_group(rolled: Any, make_user: Any) -> None:
    _grow_org_y(rolled, make_user)
    rows = list(
        csv.DictReader(
            io.StringIO(exports.network_csv(exports.network(community=rolled.community, start=START, end=END)))
        )
    )
    assert [(r["source_label"], r["target_label"], r["replies"], r["mentions"]) for r in rows] == [
        ("Org X", "Org Y", "4", "1")
    ]
    # Eva opts out: Org Y keeps four members, fewer than five, and is pooled with Org Z (Hugo) into
    # "other organisations" (five). Eva's replies and the mention go; Fien->Cas, Dirk->Fien and
    # Anna's pair with Hugo remain.
    NetworkOptOut.objects.create(user=rolled.people["eva"])
    net = exports.network(community=rolled.community, start=START, end=END)
    org_x = f"org{rolled.people['anna'].profile.organisation_id}"
    assert {k: v["members"] for k, v in net.nodes.items()} == {org_x: 5, exports.OTHER: 5}
    assert net.edges == {(org_x, exports.OTHER): {"reply": 2, "mention": 0, "pair": 1}}
    # Hugo opts out too: the pool has four, fewer than five, and goes with its edges.
    NetworkOptOut.objects.create(user=rolled.people["hugo"])
    net = exports.network(community=rolled.community, start=START, end=END)
    assert (list(net.nodes), net.edges) == ([org_x], {})


def test_dashboard_csv_says_fewer_than_five(rolled: Any) -> None:
    client = Client()
    client.force_login(rolled.people["olga"])
    url = reverse("monitoring:export", args=[rolled.community.slug])
    response = client.get(url, {"start": START.isoformat(), "end": END.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    body = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert body[("Weeks", "2026-03-02", "Messages")] == "6"
    assert body[("Weeks", "2026-03-09", "Active members")] == "6"
    assert body[("Figures", "Median hours to first answer", "")] == "6.0"
    assert body[("Figures", "Practice questions unanswered after 48 hours (%)", "")] == "fewer than 5"
    assert body[("Active members by role", "Member", "2026-03-02")] == "5"
    assert ("Active members by organisation", "Org Y", "2026-03-02") not in body  # under five every week
