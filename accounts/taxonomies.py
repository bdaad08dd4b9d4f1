"""The shared taxonomies Kring ships with (loaded by a data migration, kept idempotent)."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

TOPSECTORS = [
    "Agri & Food",
    "Chemie",
    "Creatieve Industrie",
    "Energie",
    "HTSM",
    "Life Sciences & Health",
    "Logistiek",
    "Tuinbouw & Uitgangsmaterialen",
    "Water & Maritiem",
]
THEMES = ["ICT"]  # a cross-cutting theme rather than a topsector

PROVINCES = [
    "Drenthe",
    "Flevoland",
    "Friesland",
    "Gelderland",
    "Groningen",
    "Limburg",
    "Noord-Brabant",
    "Noord-Holland",
    "Overijssel",
    "Utrecht",
    "Zeeland",
    "Zuid-Holland",
]

LANGUAGES = [
    ("nl", "Nederlands"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("fy", "Frysk"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
    ("pl", "Polski"),
    ("es", "Español"),
    ("pap", "Papiamentu"),
]

# The 21st-century skills (as the SLO frames them) and skills the pilots name.
SKILLS_21ST_CENTURY = [
    "Kritisch denken",
    "Creatief denken",
    "Probleemoplossend vermogen",
    "Samenwerken",
    "Communiceren",
    "Zelfregulering",
    "Metacognitie",
    "Sociale en culturele vaardigheden",
    "Digitale geletterdheid",
    "Informatievaardigheden",
    "Computational thinking",
]
SKILLS_DIGITAL = ["Data-analyse", "Programmeren", "Cybersecurity", "Mediawijsheid", "Digitaal samenwerken"]
SKILLS_ENTREPRENEURIAL = ["Klantgesprekken voeren", "Projectmanagement", "Ondernemerschap", "Netwerken", "Pitchen"]
SKILLS_SECTOR = {
    "Energie": ["Warmtepompen installeren", "Energieadvies woningen", "Slimme netten"],
    "Agri & Food": ["Precisielandbouw", "Voedselveiligheid", "Korte ketens"],
    "Chemie": ["Procesoperator", "Biobased materialen"],
    "Creatieve Industrie": ["Ontwerpend onderzoek", "Gameontwikkeling"],
    "HTSM": ["Robotica", "Mechatronica", "Smart industry"],
    "Life Sciences & Health": ["Zorgtechnologie", "Werkplekleren in de zorg"],
    "Logistiek": ["Supply chain planning", "Duurzaam transport"],
    "Tuinbouw & Uitgangsmaterialen": ["Kasteelt", "Plantgezondheid"],
    "Water & Maritiem": ["Waterbeheer", "Scheepsbouw"],
    "ICT": ["Cloud en infrastructuur", "AI toepassen"],
}


def load_taxonomies(apps: Any) -> None:
    """Create or update the taxonomies; safe to run again."""
    Sector = apps.get_model("accounts", "Sector")
    Region = apps.get_model("accounts", "Region")
    Language = apps.get_model("accounts", "Language")
    Skill = apps.get_model("accounts", "Skill")
    for name in TOPSECTORS:
        Sector.objects.update_or_create(slug=slugify(name), defaults={"name": name, "is_topsector": True})
    for name in THEMES:
        Sector.objects.update_or_create(slug=slugify(name), defaults={"name": name, "is_topsector": False})
    for name in PROVINCES:
        Region.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})

    def skill(name: str, category: str, sector: Any = None) -> None:
        Skill.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "category": category, "sector": sector}
        )

    for name in SKILLS_21ST_CENTURY:
        skill(name, "21st_century")
    for name in SKILLS_DIGITAL:
        skill(name, "digital")
    for name in SKILLS_ENTREPRENEURIAL:
        skill(name, "entrepreneurial")
    for sector_name, names in SKILLS_SECTOR.items():
        sector = Sector.objects.get(slug=slugify(sector_name))
        for name in names:
            skill(name, "sector", sector)
