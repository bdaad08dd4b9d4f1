"""Pages run the same number of queries whatever the data size."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Region, Sector
from forum import services
from forum.models import Attachment, Community, Message, Reaction, Room, Topic

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _fill_topic(topic: Topic, author, n: int) -> None:  # type: ignore[no-untyped-def]
    room = Room.objects.get(pk=topic.room_id)
    start = room.last_seq
    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                room=room,
                topic=topic,
                seq=start + i,
                author=author,
                client_id=uuid.uuid4(),
                body=f"m{i}",
                body_html=f"<p>m{i}</p>",
                created_at=now,
            )
            for i in range(1, n + 1)
        ]
    )
    Room.objects.filter(pk=room.pk).update(last_seq=start + n)


def test_topic_page_constant_queries(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    small = services.create_topic(actor=owner, room=room, title="Klein")
    big = services.create_topic(actor=owner, room=room, title="Groot")
    _fill_topic(small, owner, 10)
    _fill_topic(big, owner, 1000)
    client.force_login(owner)
    # First visits create the read markers; count the steady state.
    _count(client, small.get_absolute_url())
    _count(client, big.get_absolute_url())
    assert _count(client, small.get_absolute_url()) == _count(client, big.get_absolute_url())


def test_topic_page_constant_queries_with_reactions_and_attachments(
    client, make_community, make_user, owner, add_member
) -> None:  # type: ignore[no-untyped-def]
    """Reactions and attachments come from one query each for the page, however many messages."""
    community = make_community()
    room = community.rooms.get()
    member = make_user(name="Mia Member")
    add_member(community, member)
    small = services.create_topic(actor=owner, room=room, title="Klein", is_question=True)
    big = services.create_topic(actor=owner, room=room, title="Groot", is_question=True)
    _fill_topic(small, member, 10)
    _fill_topic(big, member, 1000)
    for topic in (small, big):
        shown = list(Message.objects.filter(topic=topic).order_by("-seq")[:50])
        Reaction.objects.bulk_create(
            [Reaction(message=m, user=u, emoji=e) for m in shown for u, e in [(owner, "👍"), (member, "🎉")]]
        )
        Attachment.objects.bulk_create(
            [
                Attachment(
                    message=m, file=f"x/{m.pk}.pdf", original_name="plan.pdf", content_type="application/pdf", size=10
                )
                for m in shown[::3]
            ]
        )
        Message.objects.filter(pk__in=[m.pk for m in shown[::4]]).update(edited_at=timezone.now(), is_pinned=True)
        Message.objects.filter(pk__in=[m.pk for m in shown[1::5]]).update(is_hidden=True)
        Message.objects.filter(pk__in=[m.pk for m in shown[2::7]]).update(deleted_at=timezone.now())
        # Replies (to messages on and off the page) and an accepted answer: one more query for the replies.
        oldest = Message.objects.filter(topic=topic).order_by("seq").first()
        Message.objects.filter(pk__in=[m.pk for m in shown[::6]]).update(reply_to=oldest)
        Message.objects.filter(pk__in=[m.pk for m in shown[1::6]]).update(reply_to=shown[-1])
        Topic.objects.filter(pk=topic.pk).update(accepted_answer=shown[-1])
    for viewer in (owner, member):  # a facilitator sees every action, a member fewer
        client.force_login(viewer)
        _count(client, small.get_absolute_url())
        _count(client, big.get_absolute_url())
        assert _count(client, small.get_absolute_url()) == _count(client, big.get_absolute_url())
        # An older page costs the same as the newest.
        middle = Message.objects.filter(topic=big).order_by("seq")[500].seq
        assert _count(client, f"{big.get_absolute_url()}?before={middle}") <= _count(client, big.get_absolute_url())


def test_topic_page_shows_each_message_once_with_its_actions(
    client, make_community, make_user, owner, add_member
) -> None:  # type: ignore[no-untyped-def]
    """The precomputed rows keep what the page showed: per-message URLs, reactions, attachments."""
    community = make_community()
    member = make_user(name="Mia Member")
    add_member(community, member)
    topic = services.create_topic(actor=member, room=community.rooms.get(), title="Vraag", is_question=True)
    _fill_topic(topic, member, 60)
    newest = Message.objects.filter(topic=topic).order_by("-seq").first()
    assert newest is not None
    Reaction.objects.create(message=newest, user=owner, emoji="👍")
    Reaction.objects.create(message=newest, user=member, emoji="👍")
    attachment = Attachment.objects.create(
        message=newest, file="x/a.pdf", original_name="plan <v2>.pdf", content_type="application/pdf", size=2048
    )
    client.force_login(owner)
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert html.count('<article class="message') == 50
    assert html.count(f'data-message-id="{newest.pk}"') == 1
    # No per-message forms: the actions come from the section's capabilities and the article's data.
    assert f"/bericht/{newest.pk}/react/" not in html and '<select name="emoji"' not in html
    assert f'href="/gemeenschappen/bijlage/{attachment.pk}/" download>plan &lt;v2&gt;.pdf <span>' in html
    assert f'data-users="{owner.pk},{member.pk}"' in html and "👍 <span>2</span>" in html
    assert 'class="flash' not in html  # the page's messages are not flash messages
    attrs = str(response.context["messages_section_attrs"])
    assert 'data-can-moderate="true"' in attrs and 'data-can-accept="true"' in attrs
    assert f'data-viewer-id="{owner.pk}"' in attrs and 'data-has-older="true"' in attrs
    client.force_login(member)
    attrs = str(client.get(topic.get_absolute_url()).context["messages_section_attrs"])
    assert 'data-can-moderate="false"' in attrs and 'data-can-post="true"' in attrs
    assert 'data-can-accept="true"' in attrs  # the member asked the question


def test_room_page_constant_queries(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    c1 = make_community(name="Een")
    c2 = make_community(name="Twee")
    r1, r2 = c1.rooms.get(), c2.rooms.get()
    Topic.objects.bulk_create([Topic(room=r1, title=f"t{i}", created_by=owner) for i in range(10)])
    Topic.objects.bulk_create([Topic(room=r2, title=f"t{i}", created_by=owner) for i in range(1000)])
    client.force_login(owner)
    _count(client, r1.get_absolute_url())
    assert _count(client, r1.get_absolute_url()) == _count(client, r2.get_absolute_url())


def test_directory_constant_queries(client, owner) -> None:  # type: ignore[no-untyped-def]
    Community.objects.bulk_create(
        [Community(name=f"K{i}", slug=f"k{i}", kind="hub", description="d", waaromvraag="w") for i in range(10)]
    )
    client.force_login(owner)
    _count(client, "/gemeenschappen/")
    small = _count(client, "/gemeenschappen/")
    Community.objects.bulk_create(
        [Community(name=f"L{i}", slug=f"l{i}", kind="hub", description="d", waaromvraag="w") for i in range(990)]
    )
    assert _count(client, "/gemeenschappen/") == small


def test_directory_constant_queries_with_tags_and_filters(client, owner) -> None:  # type: ignore[no-untyped-def]
    sector = Sector.objects.first() or Sector.objects.create(name="Energie", slug="energie")
    region = Region.objects.first() or Region.objects.create(name="Noord", slug="noord")

    def add(prefix: str, n: int) -> None:
        made = Community.objects.bulk_create(
            [
                Community(
                    name=f"{prefix}{i}",
                    slug=f"{prefix.lower()}{i}",
                    kind=["hub", "fieldlab"][i % 2],
                    scope=["regional", "national"][i % 2],
                    description="d",
                    waaromvraag="w",
                )
                for i in range(n)
            ]
        )
        Community.sectors.through.objects.bulk_create(
            [Community.sectors.through(community_id=c.pk, sector_id=sector.pk) for c in made]
        )
        Community.regions.through.objects.bulk_create(
            [Community.regions.through(community_id=c.pk, region_id=region.pk) for c in made]
        )

    urls = [
        "/gemeenschappen/",
        f"/gemeenschappen/?sector={sector.slug}&kind=hub",
        f"/gemeenschappen/?region={region.slug}&scope=national&page=2",
        "/gemeenschappen/?q=K",
    ]
    add("K", 30)
    client.force_login(owner)
    client.get("/")  # the visit's last-seen write happens once, on the first request
    small = [_count(client, url) for url in urls]
    add("L", 970)
    assert [_count(client, url) for url in urls] == small
    client.logout()
    anonymous = _count(client, "/gemeenschappen/")
    assert anonymous < small[0]


def test_directory_counts_match_the_results(client, owner) -> None:  # type: ignore[no-untyped-def]
    """The kind and scope facets and the result count come from one query: check them."""
    Community.objects.bulk_create(
        [
            Community(
                name=f"K{i}",
                slug=f"k{i}",
                kind=["hub", "fieldlab", "coci"][i % 3],
                scope=["regional", "national"][i % 2],
                description="d",
                waaromvraag="w",
            )
            for i in range(30)
        ]
    )
    client.force_login(owner)
    response = client.get("/gemeenschappen/?kind=hub")
    facets = response.context["facets"]
    # Kind counts within the scope filter (none here); scope counts within kind=hub.
    assert {f["kind"]: f["n"] for f in facets["kind"]} == {"coci": 10, "fieldlab": 10, "hub": 10}
    assert {f["scope"]: f["n"] for f in facets["scope"]} == {"national": 5, "regional": 5}
    assert response.context["page"].paginator.count == 10
    response = client.get("/gemeenschappen/?kind=hub&scope=national")
    assert response.context["page"].paginator.count == 5
    assert {f["kind"]: f["n"] for f in response.context["facets"]["kind"]} == {"coci": 5, "fieldlab": 5, "hub": 5}


def test_article_dates_match_the_date_filter() -> None:
    """The renderer formats dates itself (months translated once per page): as the date filter did."""
    import datetime as dt

    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    from forum.message_markup import MessageView, render_list

    start = dt.datetime(2026, 1, 1, 0, 5, tzinfo=dt.UTC)
    messages = [
        MessageView(
            pk=i + 1,
            seq=i + 1,
            author_id=None,
            author_name="",
            organisation="",
            avatar="",
            created_at=start + dt.timedelta(days=9.3 * i),
            edited=False,
            deleted=False,
            hidden=False,
            pinned=False,
            body_html="",
        )
        for i in range(40)  # every month, both sides of the clock changes, around midnight
    ]
    for language in ("nl", "en"):
        with translation.override(language):
            html = render_list(messages)
            for m in messages:
                local = timezone.localtime(m.created_at)
                expected = f'<time datetime="{date_filter(local, "c")}" data-format="relative">'
                assert f"{expected}{date_filter(local, 'j M Y H:i')}</time>" in html
