"""Demo content for accounts: organisations and members with varied profiles.

Deterministic (a fixed random seed) and idempotent (natural keys), so running it
twice leaves the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from accounts.models import (
    CareerStage,
    EducationLevel,
    Language,
    Organisation,
    Profile,
    Region,
    Sector,
    User,
    WorkSituation,
)
from accounts.taxonomies import load_taxonomies

Progress = Callable[[str], None]

# (name, kind, size class, province, sectors)
ORGANISATIONS: list[tuple[str, str, str, str, list[str]]] = [
    ("Da Vinci College", "school_mbo", "", "Zuid-Holland", ["Energie"]),
    ("Noorderpoort", "school_mbo", "", "Groningen", ["Energie", "HTSM"]),
    ("ROC van Twente", "school_mbo", "", "Overijssel", ["HTSM", "Logistiek"]),
    ("Albeda", "school_mbo", "", "Zuid-Holland", ["Logistiek", "Water & Maritiem"]),
    ("Helicon Opleidingen", "school_mbo", "", "Noord-Brabant", ["Agri & Food", "Tuinbouw & Uitgangsmaterialen"]),
    ("Hanzehogeschool Groningen", "school_hbo", "", "Groningen", ["Energie", "Life Sciences & Health"]),
    ("Hogeschool Utrecht", "school_hbo", "", "Utrecht", ["Creatieve Industrie", "ICT"]),
    ("Fontys Hogescholen", "school_hbo", "", "Noord-Brabant", ["HTSM", "ICT"]),
    ("HAS green academy", "school_hbo", "", "Noord-Brabant", ["Agri & Food"]),
    ("Hogeschool Zeeland", "school_hbo", "", "Zeeland", ["Water & Maritiem", "Chemie"]),
    (
        "Wageningen University & Research",
        "school_wo",
        "",
        "Gelderland",
        ["Agri & Food", "Tuinbouw & Uitgangsmaterialen"],
    ),
    ("TU Delft", "school_wo", "", "Zuid-Holland", ["HTSM", "Water & Maritiem"]),
    ("Universiteit Twente", "school_wo", "", "Overijssel", ["HTSM", "ICT"]),
    ("TNO", "knowledge_institution", "", "Zuid-Holland", ["HTSM", "Energie"]),
    ("Deltares", "knowledge_institution", "", "Zuid-Holland", ["Water & Maritiem"]),
    ("Gemeente Groningen", "government", "", "Groningen", ["Energie"]),
    ("Provincie Gelderland", "government", "", "Gelderland", ["Agri & Food"]),
    ("Gemeente Delft", "government", "", "Zuid-Holland", ["Energie"]),
    ("FNV Regio", "social_partner", "", "Utrecht", []),
    ("MKB Noord", "social_partner", "", "Friesland", []),
    ("Installatiebedrijf Van Dijk", "company", "sme", "Zuid-Holland", ["Energie"]),
    ("Warmtewerk", "company", "sme", "Groningen", ["Energie"]),
    ("Kas & Co", "company", "sme", "Zuid-Holland", ["Tuinbouw & Uitgangsmaterialen"]),
    ("Chemiepark Delfzijl Services", "company", "large", "Groningen", ["Chemie"]),
    ("Havenlogistiek Rijnmond", "company", "large", "Zuid-Holland", ["Logistiek"]),
    ("Zorggroep Evolva", "company", "large", "Overijssel", ["Life Sciences & Health"]),
    ("Robotwerkplaats Twente", "company", "sme", "Overijssel", ["HTSM"]),
    ("Studio Verbeeld", "company", "zzp", "Noord-Holland", ["Creatieve Industrie"]),
    ("Data & Duurzaam Advies", "company", "zzp", "Utrecht", ["ICT", "Energie"]),
    ("Melkveebedrijf De Hoeve", "company", "sme", "Friesland", ["Agri & Food"]),
    ("Scheepswerf Vlissingen", "company", "large", "Zeeland", ["Water & Maritiem"]),
]

FIRST_NAMES = [
    "Sanne",
    "Daan",
    "Emma",
    "Lucas",
    "Julia",
    "Sem",
    "Lotte",
    "Finn",
    "Fleur",
    "Milan",
    "Noor",
    "Bram",
    "Eva",
    "Thijs",
    "Sophie",
    "Jesse",
    "Anouk",
    "Ruben",
    "Lieke",
    "Tim",
    "Fatima",
    "Mohammed",
    "Yara",
    "Mehmet",
    "Ayşe",
    "Kevin",
    "Iris",
    "Joost",
    "Marieke",
    "Henk",
    "Ingrid",
    "Kees",
    "Wilma",
    "Pieter",
    "Anja",
    "Gerrit",
    "Femke",
    "Jeroen",
    "Saskia",
    "Willem",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "Yılmaz",
    "El Amrani",
    "Kaya",
    "Postma",
    "Hoekstra",
    "Dijkstra",
    "Wijnands",
    "Kuipers",
]
BIOS = [
    "Ik werk aan de energietransitie in de gebouwde omgeving en leer graag van studenten die nieuwe technieken al beheersen.",
    "Student met interesse in data en duurzaamheid; ik zoek praktijkvragen om mijn tanden in te zetten.",
    "Al dertig jaar in het vak. Ik deel graag wat ik weet en wil bijblijven met digitale hulpmiddelen.",
    "Docent en kringcoördinator. Ik breng onderwijs en bedrijven samen rond echte vraagstukken.",
    "Ondernemer in de tuinbouw; ik zoek mensen die met mij willen experimenteren met sensoren in de kas.",
    "Lector werkplekleren. Mijn onderzoek gaat over hoe teams samen leren in de praktijk.",
    "Zzp'er in ontwerpend onderzoek. Ik help kringen hun waaromvraag scherp te krijgen.",
    "Werkzoekend na een loopbaan in de logistiek, en bezig met omscholing richting data-analyse.",
]

# The demo accounts whose login details seed_demo prints.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin@kring.test", "Platformbeheer Kring", "admin"),
    ("sanne@kring.test", "Sanne de Vries", "member"),
    ("henk@kring.test", "Henk Bakker", "member"),
    ("facilitator@kring.test", "Marieke Dijkstra", "facilitator"),
    ("coordinator@kring.test", "Ingrid Postma", "coordinator"),
    ("redacteur@kring.test", "Joost Hendriks", "editor"),
    ("reviewer@kring.test", "Femke Kuipers", "reviewer"),
]
MEMBER_COUNT = 200


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str


def _stage_for(years: int) -> tuple[str, str]:
    if years == 0:
        return CareerStage.STUDENT, WorkSituation.STUDENT
    if years <= 5:
        return CareerStage.STARTER, WorkSituation.EMPLOYED
    if years <= 20:
        return CareerStage.MID_CAREER, WorkSituation.EMPLOYED
    return CareerStage.EXPERIENCED, WorkSituation.EMPLOYED


def seed(progress: Progress) -> list[DemoAccount]:
    from django.apps import apps

    load_taxonomies(apps)
    rng = random.Random(2026)
    regions = {r.name: r for r in Region.objects.all()}
    sectors = {s.name: s for s in Sector.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}

    orgs: list[Organisation] = []
    for name, kind, size, province, sector_names in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=slugify(name),
            defaults={"name": name, "kind": kind, "size_class": size, "region": regions[province]},
        )
        org.sectors.set([sectors[s] for s in sector_names])
        orgs.append(org)
    progress(f"organisations: {len(orgs)}")

    # Hashing the same password 200 times would take a minute; hash it once.
    password_hash = make_password(settings.KRING_DEMO_PASSWORD)
    people: list[tuple[str, str, str]] = [(e, n, r) for e, n, r in DEMO_ACCOUNTS]
    for index in range(MEMBER_COUNT - len(DEMO_ACCOUNTS)):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        email = f"{slugify(first)}.{slugify(last)}.{index}@demo.kring.test"
        people.append((email, f"{first} {last}", "member"))

    for number, (email, name, role) in enumerate(people):
        user, created = User.objects.get_or_create(email=email, defaults={"password": password_hash})
        if created or not user.has_usable_password():
            user.password = password_hash
        user.is_staff = role in {"admin", "editor", "reviewer"}
        user.is_superuser = role == "admin"
        user.first_name, _, user.last_name = name.partition(" ")
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        years = rng.choice([0, 0, 1, 3, 4, 8, 12, 18, 25, 32])
        stage, situation = _stage_for(years)
        if number % 11 == 5:
            situation = WorkSituation.TEACHER
        elif number % 17 == 3:
            situation = WorkSituation.FREELANCER
        elif number % 19 == 4:
            situation = WorkSituation.JOB_SEEKER
        org = orgs[rng.randrange(len(orgs))]
        profile, _ = Profile.objects.update_or_create(
            user=user,
            defaults={
                "display_name": name,
                "career_stage": stage,
                "work_situation": situation,
                "education_level": rng.choice(list(EducationLevel.values)),
                "organisation": org,
                "region": org.region,
                "bio": BIOS[number % len(BIOS)],
            },
        )
        profile.sectors.set(rng.sample(list(sectors.values()), k=rng.randint(1, 2)))
        spoken = ["nl", *rng.sample(["en", "de", "tr", "ar", "fy", "pl"], k=rng.randint(0, 2))]
        profile.languages.set([languages[c] for c in spoken])
        if number % 50 == 0:
            progress(f"members: {number + 1}/{len(people)}")
    progress(f"members: {len(people)}/{len(people)}")
    return [DemoAccount(email=e, role=r) for e, _n, r in DEMO_ACCOUNTS]
