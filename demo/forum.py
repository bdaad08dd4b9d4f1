"""Demo content for the forum: communities named after the seed pilots, and conversation.

Idempotent: communities by slug, messages by a deterministic client id (posting the
same client id twice returns the first message), so a second run adds nothing.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from django.utils.text import slugify

from accounts.models import Organisation, Region, Sector, User
from forum import services
from forum.errors import ForumError
from forum.models import Community, LearningFunction, Membership, MembershipState, Role, Room, Topic

NAMESPACE = uuid.UUID("6f1c1c1e-2b1a-4c55-9d8f-0a6f7e4b2026")

# (name, kind, visibility, scope, sectors, provinces, why)
COMMUNITIES = [
    (
        "Energy College",
        "civ",
        "open",
        "regional",
        ["Energie"],
        ["Groningen"],
        "Vakmensen voor de energietransitie in het noorden opleiden, samen met de bedrijven die ze nodig hebben.",
    ),
    (
        "Energie Transitie Huis",
        "fieldlab",
        "open",
        "regional",
        ["Energie"],
        ["Zuid-Holland"],
        "In één huis laten zien en leren hoe een woning van het gas af gaat, met studenten, docenten en installateurs.",
    ),
    (
        "Fieldlab Duurzaamheidsfabriek",
        "fieldlab",
        "open",
        "regional",
        ["Energie", "HTSM"],
        ["Zuid-Holland"],
        "Duurzame techniek in de praktijk ontwikkelen, met mbo, hbo en bedrijven onder één dak.",
    ),
    (
        "Talent Innovatie Pool",
        "hub",
        "on_request",
        "regional",
        ["HTSM"],
        ["Noord-Brabant"],
        "Talent uit het onderwijs koppelen aan innovatievragen van het mkb.",
    ),
    (
        "Fieldlab RDM",
        "fieldlab",
        "open",
        "regional",
        ["Water & Maritiem", "Logistiek"],
        ["Zuid-Holland"],
        "De haven van morgen bouwen: leren, onderzoeken en ondernemen op één campus.",
    ),
    (
        "Fieldlab Sociale Innovatie",
        "fieldlab",
        "open",
        "national",
        ["HTSM"],
        ["Overijssel"],
        "Slimme industrie werkt alleen als mensen meegroeien: we leren hoe werk en technologie samen veranderen.",
    ),
    (
        "Evolva Werkplekleren 3.0",
        "living_lab",
        "on_request",
        "regional",
        ["Life Sciences & Health"],
        ["Overijssel"],
        "Van zorgen voor naar zorgen met: zorgmedewerkers leren nieuwe vaardigheden op de werkvloer.",
    ),
    (
        "Brainport Industries Campus",
        "campus",
        "open",
        "regional",
        ["HTSM"],
        ["Noord-Brabant"],
        "Toeleveranciers, onderwijs en kennisinstellingen delen één campus om sneller te innoveren.",
    ),
    (
        "Smart Industry Hub Oost",
        "hub",
        "open",
        "regional",
        ["HTSM", "ICT"],
        ["Gelderland", "Overijssel"],
        "Mkb-bedrijven helpen digitaliseren met studenten en docenten als versnellers.",
    ),
    (
        "Living Lab Zorgtechnologie",
        "living_lab",
        "open",
        "regional",
        ["Life Sciences & Health"],
        ["Groningen"],
        "Zorgtechnologie testen met de mensen die haar gebruiken.",
    ),
    (
        "CIV Water",
        "civ",
        "open",
        "national",
        ["Water & Maritiem"],
        ["Zeeland"],
        "Vakmanschap in waterbeheer en deltatechnologie op peil houden.",
    ),
    (
        "Centre of Expertise Groen",
        "centre_of_expertise",
        "open",
        "national",
        ["Agri & Food", "Tuinbouw & Uitgangsmaterialen"],
        ["Gelderland"],
        "Praktijkgericht onderzoek voor een duurzame landbouw en voedselketen.",
    ),
    (
        "COCI Noord",
        "coci",
        "open",
        "regional",
        ["Chemie"],
        ["Groningen", "Drenthe"],
        "Procesoperators en onderzoekers leren samen over biobased chemie.",
    ),
    (
        "Innovatielab Logistiek Rijnmond",
        "innovatielab",
        "open",
        "regional",
        ["Logistiek"],
        ["Zuid-Holland"],
        "Duurzaam en slim transport: vraagstukken van verladers oplossen met studenten.",
    ),
    (
        "Hub Tuinbouw Westland",
        "hub",
        "open",
        "regional",
        ["Tuinbouw & Uitgangsmaterialen"],
        ["Zuid-Holland"],
        "Telers, scholen en techniekbedrijven delen kennis over de kas van de toekomst.",
    ),
    (
        "Campus Chemie Delfzijl",
        "campus",
        "invite_only",
        "regional",
        ["Chemie"],
        ["Groningen"],
        "Een veilige leeromgeving voor procesoperators op een werkend chemiepark.",
    ),
    (
        "Living Lab Slimme Stad",
        "living_lab",
        "open",
        "international",
        ["ICT", "Creatieve Industrie"],
        ["Noord-Brabant"],
        "Bewoners, ontwerpers en gemeente werken aan een leefbare, slimme stad.",
    ),
    (
        "Fieldlab Precisielandbouw",
        "fieldlab",
        "open",
        "national",
        ["Agri & Food"],
        ["Flevoland"],
        "Sensoren, data en vakmanschap samenbrengen op het boerenerf.",
    ),
    (
        "Hub Creatieve Industrie Utrecht",
        "hub",
        "open",
        "regional",
        ["Creatieve Industrie"],
        ["Utrecht"],
        "Ontwerpend onderzoek inzetten voor maatschappelijke vraagstukken.",
    ),
    (
        "Kenniskring Werkplekleren",
        "kenniskring",
        "open",
        "national",
        [],
        [],
        "Begrijpen wat de werkplek tot een leerplek maakt, en dat delen.",
    ),
    (
        "Kenniskring Leven Lang Ontwikkelen",
        "kenniskring",
        "open",
        "national",
        [],
        [],
        "Samen uitzoeken hoe werkenden blijvend leren, ook na hun opleiding.",
    ),
    (
        "Kenniskring Hybride Leren",
        "kenniskring",
        "open",
        "national",
        [],
        [],
        "School en werk verweven: hoe ontwerp je leeromgevingen op de grens?",
    ),
    (
        "Kenniskring Mentoring in Twee Richtingen",
        "kenniskring",
        "open",
        "national",
        [],
        [],
        "Jong en ervaren leren van elkaar: wat maakt mentoring wederkerig?",
    ),
    (
        "Kenniskring Regionale Netwerken",
        "kenniskring",
        "on_request",
        "national",
        [],
        [],
        "Wat regionale samenwerking tussen onderwijs, bedrijven en overheid laat werken.",
    ),
]
TOPICS = [
    ("Hoe beginnen we met een nieuwe groep studenten?", False),
    ("Kennisvraag: wie heeft ervaring met leren op de werkvloer?", True),
    ("Verslag van de bijeenkomst van vorige week", False),
    ("Ideeën voor het volgende project", False),
]
LINES = [
    "Goed punt. Bij ons werkte het om eerst samen het probleem scherp te krijgen.",
    "We hebben dit vorig jaar geprobeerd met een groep mbo-studenten en het leverde veel op.",
    "Wie kan er donderdag bij de werkplaats zijn? We willen de opstelling samen bekijken.",
    "Ik deel straks de checklist die we in de pilot hebben gebruikt.",
    "Het helpt als de docent ook echt in het bedrijf meedraait, niet alleen op bezoek komt.",
    "Mooi voorbeeld! Hoe hebben jullie de begeleiding georganiseerd?",
    "Onze ervaring: begin klein, met één vraagstuk van één bedrijf, en bouw vanaf daar.",
    "De studenten presenteerden hun oplossing aan de directie. Dat gaf veel energie.",
    "Let op de planning: bedrijven hebben andere ritmes dan het schooljaar.",
    "Ik zoek iemand die meer weet van warmtepompen in oudere woningen.",
    "Dank voor het delen, dit nemen we mee in onze volgende sessie.",
    "Zullen we hier een les van maken voor de kennisbank?",
    "We merken dat ervaren collega's net zoveel leren van de jongeren als andersom.",
    "Het fysieke lab is belangrijk, maar het online kanaal houdt het gesprek gaande tussen de bijeenkomsten.",
    "Wat is voor jullie het bewijs dat het werkt? Wij kijken naar wat medewerkers anders doen.",
    "Volgende keer nemen we ook de gemeente mee, die heeft dezelfde vraag.",
]


def seed(progress: Callable[[str], None]) -> None:
    rng = random.Random(7)
    users = list(User.objects.filter(email__endswith="kring.test").order_by("pk"))
    if len(users) < 20:
        return
    facilitator = User.objects.get(email="facilitator@kring.test")
    sectors = {s.name: s for s in Sector.objects.all()}
    regions = {r.name: r for r in Region.objects.all()}
    functions = list(LearningFunction.objects.all())
    orgs = list(Organisation.objects.all())
    created: list[Community] = []
    for index, (name, kind, visibility, scope, sector_names, provinces, why) in enumerate(COMMUNITIES):
        slug = slugify(name)
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            community = services.create_community(
                actor=facilitator,
                name=name,
                kind=kind,
                description=f"{name} is een learning community waarin studenten, docenten, werkenden en ondernemers samen leren.",
                waaromvraag=why,
                visibility=visibility,
                scope=scope,
                sectors=[sectors[s] for s in sector_names],
                regions=[regions[p] for p in provinces],
                partners=rng.sample(orgs, 3),
                learning_functions=rng.sample(functions, rng.randint(1, 3)),
                slug=slug,
            )
            services.create_room(actor=facilitator, community=community, name="Praktijkvragen")
        created.append(community)
        members = users[7 + (index * 7) % 150 : 7 + (index * 7) % 150 + 25] + users[1:3]
        for member in members:
            Membership.objects.get_or_create(
                community=community, user=member, defaults={"state": MembershipState.ACTIVE, "role": Role.MEMBER}
            )
        services._refresh_member_count(community)
        rooms = list(Room.objects.filter(community=community).order_by("pk"))
        for t_index, (title, is_question) in enumerate(TOPICS):
            room = rooms[t_index % len(rooms)]
            topic = Topic.objects.filter(room=room, title=title).first()
            if topic is None:
                topic = services.create_topic(actor=facilitator, room=room, title=title, is_question=is_question)
            for m_index in range(25):
                author = members[(m_index * 3 + t_index) % len(members)]
                body = LINES[(m_index + t_index + index) % len(LINES)]
                if m_index == 5:
                    body = f"@**{members[0].display_name}** wat vind jij hiervan? " + body
                client_id = uuid.uuid5(NAMESPACE, f"{slug}/{t_index}/{m_index}")
                services.post_message(actor=author, topic=topic, body=body, client_id=client_id)
        progress(f"communities: {index + 1}/{len(COMMUNITIES)}")
    for community, other in zip(created, created[1:] + created[:1], strict=True):
        if community.kind == other.kind or community.sectors.filter(pk__in=other.sectors.all()).exists():
            community.related.add(other)
    seed_direct_messages()
    progress("direct messages")


# Direct conversations for the demo's member (sanne@kring.test): with the facilitator, and a small group.
DIRECT = [
    (
        ["facilitator@kring.test", "sanne@kring.test"],
        [
            ("facilitator@kring.test", "Hoi Sanne, wil jij volgende week de tafel over warmtepompen leiden?"),
            ("sanne@kring.test", "Ja, leuk! Stuur je me de vragen van de vorige keer?"),
            ("facilitator@kring.test", "Doe ik. Ik zet ze ook in de ruimte Praktijkvragen."),
        ],
    ),
    (
        ["henk@kring.test", "facilitator@kring.test", "sanne@kring.test"],
        [("henk@kring.test", "Zullen we de bijeenkomst van volgende maand samen voorbereiden?")],
    ),
]


def seed_direct_messages() -> None:
    people = {u.email: u for u in User.objects.filter(email__in={e for emails, _ in DIRECT for e in emails})}
    for emails, lines in DIRECT:
        if not all(e in people for e in emails):
            continue
        starter = people[lines[0][0]]
        others = [people[e] for e in emails if e != lines[0][0]]
        try:
            room = services.open_conversation(actor=starter, others=others)
        except ForumError:  # someone does not accept it (a changed demo): leave it out
            continue
        topic = room.topics.get()
        for index, (email, body) in enumerate(lines):
            client_id = uuid.uuid5(NAMESPACE, f"direct/{'+'.join(emails)}/{index}")
            services.post_message(actor=people[email], topic=topic, body=body, client_id=client_id)
