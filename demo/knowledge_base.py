"""Demo content for the knowledge base: the pilots and lessons of the topsectors' investment agenda
(2018) and lessons in the shape of "Kennis uit de kringen" (HPBO, 2007). All text is written anew,
in Dutch, with English summaries; facts (names, sectors, partners, contacts) come from those papers.

Idempotent: pages are found by slug and created (and published once) only when missing, so a second
run adds no pages and no revisions.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image

from accounts.models import Region, Sector, User
from forum.models import Community
from knowledge_base.models import (
    CommunityKind,
    LessonPage,
    LessonSource,
    PilotPage,
    RelatedLesson,
    Source,
    SuccessFactor,
    ThemePage,
)
from knowledge_base.services import ensure_knowledge_tree

Progress = Callable[[str], None]

# --- Sources ------------------------------------------------------------------------------------------------------

AGENDA = "agenda"
KRINGEN = "kringen"
ONDERZOEK = "onderzoek"
SMART = "smart"
SOURCES: dict[str, tuple[str, str, int | None]] = {
    AGENDA: (
        "Learning communities: Samen zetten we de volgende stap! Investeringsagenda",
        "Topsectoren, Human Capital Roadmap 2016–2020",
        2018,
    ),
    ONDERZOEK: (
        "Op weg naar learning communities voor de topsectoren: onderzoeksagenda",
        "Topsectoren, Human Capital Roadmap 2016–2020",
        2018,
    ),
    KRINGEN: ("Kennis uit de kringen", "Het Platform Beroepsonderwijs (HPBO)", 2007),
    SMART: ("Leren zonder onderbreking", "Smart Industry, actielijn Sociale Innovatie", None),
}

# --- Themes -------------------------------------------------------------------------------------------------------

THEMES: list[tuple[str, str, str, str]] = [
    (
        "energietransitie",
        "Energietransitie",
        "Verduurzaming van woningen, wind op zee en nieuwe installaties vragen nieuwe vakkennis van studenten en werkenden.",
        "Learning in and for the energy transition: buildings, offshore wind and installation work.",
    ),
    (
        "smart-industry",
        "Smart industry",
        "Robotisering, 3D-printen en digitalisering veranderen het werk in de maakindustrie; leren gebeurt in fieldlabs.",
        "Smart industry: robotics, additive manufacturing and digitalisation, learned in fieldlabs.",
    ),
    (
        "mentoring",
        "Mentoring en tweerichtingsverkeer",
        "Jong en ervaren leren van elkaar: beide kanten brengen kennis in en beide kanten leren.",
        "Two-way mentoring: young and experienced professionals teach and learn from each other.",
    ),
    (
        "digitaal-leren",
        "Digitaal en hybride leren",
        "Virtual reality, online fora en MOOC's naast de werkplek en het lokaal: leren waar en wanneer het past.",
        "Digital and blended learning: VR, online forums and MOOCs next to the workplace.",
    ),
    (
        "erkenning",
        "Erkenning van informeel leren",
        "Microcredentials, leerpaspoorten en EVC maken zichtbaar wat mensen buiten een diploma om leren.",
        "Recognising informal learning: microcredentials, learning passports and EVC.",
    ),
    (
        "onderwijs-bedrijfsleven",
        "Onderwijs en bedrijfsleven",
        "Scholen, bedrijven en overheden ontwerpen samen opleidingen, leeromgevingen en netwerken.",
        "Schools, companies and government designing education and networks together.",
    ),
    (
        "lerende-organisatie",
        "De lerende organisatie",
        "Organisaties die leren van hun eigen innovaties: eigenaarschap, afspraken en reflectie.",
        "The learning organisation: ownership, clear agreements and reflection on innovation.",
    ),
]

# --- Pilots -------------------------------------------------------------------------------------------------------
# (slug, title, sector, region, community kind, partners, contact, contact organisation, teaser, summary, aim,
#  approach, results)

P = dict[str, Any]
PILOTS: list[P] = [
    {
        "slug": "energy-college",
        "title": "Energy College",
        "sector": "Energie",
        "region": "Groningen",
        "kind": "hub",
        "partners": "Energy College\nOnderwijsinstellingen in Noord-Nederland\nEnergiebedrijven in de regio",
        "contact": ("Cesar Trijselaar", "Energy College"),
        "teaser": "Een regionaal netwerk dat onderwijs en energiebedrijven in het noorden verbindt.",
        "summary": "A regional network in the north linking schools and energy companies so that students and workers keep pace with the energy sector.",
        "aim": "<p>Voldoende goed opgeleide vakmensen voor de energiesector in Noord-Nederland, en een beeld van de sector dat jongeren aanspreekt.</p>",
        "approach": "<p>Scholen en bedrijven werken samen aan opleidingen en bijscholing. De sector wordt neergezet als dynamisch, met de baankansen expliciet in beeld.</p>",
        "results": "",
    },
    {
        "slug": "energie-transitie-huis",
        "title": "Energie Transitie Huis",
        "sector": "Energie",
        "region": "Zuid-Holland",
        "kind": "living_lab",
        "partners": "Da Vinci College\nDe Duurzaamheidsfabriek\nBedrijven uit bouw, elektro en installatie",
        "contact": ("Jan Lokker", "ROC Da Vinci College"),
        "teaser": "Een huis in de Duurzaamheidsfabriek waarin teams samen woningen leren verduurzamen.",
        "summary": "A house inside the Duurzaamheidsfabriek where mixed teams of students, teachers, professionals and entrepreneurs learn to make homes sustainable with high-tech equipment.",
        "aim": "<p>Vakmensen, professionals en ondernemers de kennis en vaardigheden geven die verduurzaming van de gebouwde omgeving vraagt.</p>",
        "approach": "<p>Het Da Vinci College bouwde in de Duurzaamheidsfabriek het Energie Transitie Huis. Daarin werken teams van studenten, docenten, professionals en ondernemers samen aan het verduurzamen van woningen, met hightech apparatuur en software. Bouw, elektro, installatie, engineering, ICT en economie ontmoeten elkaar in één skillsomgeving.</p>",
        "results": "<p>Een leeromgeving waarin vakdisciplines samenspelen en die doorlopend kleine innovaties oplevert voor de betrokken sectoren.</p>",
    },
    {
        "slug": "experiment-lerend-leven",
        "title": "Experiment lerend leven",
        "sector": "HTSM",
        "region": "Noord-Brabant",
        "kind": "hub",
        "partners": "Brainport Industries\nToeleveranciers in de hightech maakindustrie",
        "contact": ("Peter Cox", "Brainport Industries"),
        "teaser": "Toeleveranciers in de Brainport-regio experimenteren met leren als vast onderdeel van het werk.",
        "summary": "Suppliers in the Brainport region experiment with making learning a permanent part of working life.",
        "aim": "<p>Leren een vanzelfsprekend onderdeel maken van werken in de hightech toeleverketen.</p>",
        "approach": "<p>Bedrijven in het netwerk van Brainport Industries proberen samen vormen uit waarin medewerkers gedurende hun loopbaan blijven leren, dicht bij het werk.</p>",
        "results": "",
    },
    {
        "slug": "coe-en-civ",
        "title": "Een leven lang ontwikkelen in de Centres of Expertise en Centra voor Innovatief Vakmanschap",
        "sector": "",
        "region": "",
        "kind": "centre_of_expertise",
        "partners": "Platform Bèta Techniek\nCentres of Expertise (hbo)\nCentra voor Innovatief Vakmanschap (mbo)",
        "contact": ("Pieter Moerman", "Platform Bèta Techniek"),
        "teaser": "De centra laten studenten en werkenden samen echte innovatievragen oplossen.",
        "summary": "Centres of Expertise and Centres for Innovative Craftsmanship let students and working professionals solve real innovation problems together; it works when partners answer the 'why' question first.",
        "aim": "<p>Een leven lang ontwikkelen in de praktijk vormgeven, in alle topsectoren.</p>",
        "approach": "<p>Innovaties zijn de meest concrete manier om studenten samen met werkende professionals nieuwe problemen te laten oplossen. De partners beantwoorden bij de start, en onderweg opnieuw, de waaromvraag.</p>",
        "results": "<p>Waar de waaromvraag beantwoord is, begrijpen partners elkaars werkprocessen en komen ze sneller tot vruchtbare samenwerking.</p>",
    },
    {
        "slug": "popup-safety",
        "title": "POPUP-Safety, a Blended Learning Lab",
        "sector": "Chemie",
        "region": "",
        "kind": "innovatielab",
        "partners": "ISPT (Institute for Sustainable Process Technology)\nVNCI\nPapier- en procesindustrie",
        "contact": ("Frans van den Akker", "ISPT-VNCI"),
        "teaser": "Veiligheidstraining met virtual reality voor de papier- en procesindustrie.",
        "summary": "Safety training in virtual reality for the paper and process industry: cheaper, safer and independent of time and place, for workers and students alike.",
        "aim": "<p>Minder ongelukken op de werkvloer en efficiëntere trainingen in de papier- en procesindustrie.</p>",
        "approach": "<p>Met virtual reality oefenen mensen werk in gevaarlijke omgevingen zonder gevaar, waar en wanneer het hen uitkomt. De pilot onderzoekt hoe hetzelfde hulpmiddel zowel aan werkenden als aan studenten kan worden aangeboden.</p>",
        "results": "<p>Trainingen die goedkoper, veiliger en plaats- en tijdonafhankelijk zijn, en die deelnemers leuker en leerzamer vinden.</p>",
    },
    {
        "slug": "teachers-learning-in-energy",
        "title": "Teachers Learning in Energy",
        "sector": "Energie",
        "region": "Gelderland",
        "kind": "centre_of_expertise",
        "partners": "SEECE (Centre of Expertise Energie, HAN)\nEnergiebedrijven\nDocenten uit mbo en hbo",
        "contact": ("Jan Oosting", "SEECE"),
        "teaser": "Docenten blijven bij in een energiesector die snel verandert.",
        "summary": "Teachers keep up with a fast-changing energy sector by learning alongside companies and researchers.",
        "aim": "<p>Docenten in staat stellen hun lessen actueel te houden terwijl de energiesector snel verandert.</p>",
        "approach": "<p>Docenten leren samen met bedrijven en onderzoekers van het Centre of Expertise, aan echte vraagstukken uit de energietransitie.</p>",
        "results": "",
    },
    {
        "slug": "fieldlab-rdm-additive-manufacturing",
        "title": "Fieldlab RDM, additive manufacturing",
        "sector": "HTSM",
        "region": "Zuid-Holland",
        "kind": "fieldlab",
        "partners": "RDM Centre of Expertise\nBedrijven in de Rotterdamse haven\nHogeschool Rotterdam",
        "contact": ("Bert Hooijer", "RDM Centre of Expertise"),
        "teaser": "Studenten en vakmensen leren 3D-printen van metalen onderdelen in de haven.",
        "summary": "Students and skilled workers learn additive manufacturing (metal 3D printing) together in a port fieldlab.",
        "aim": "<p>Kennis van additive manufacturing snel bij vakmensen en studenten krijgen.</p>",
        "approach": "<p>In het fieldlab werken bedrijven, studenten en docenten aan echte toepassingen van 3D-printen voor de maritieme en havenindustrie.</p>",
        "results": "",
    },
    {
        "slug": "toekomstbestendig-hr-kleine-ci-bedrijven",
        "title": "Toekomstbestendig HR-management in kleine creatieve bedrijven",
        "sector": "Creatieve Industrie",
        "region": "",
        "kind": "kenniskring",
        "partners": "Topsector Creatieve Industrie\nKleine bedrijven en zzp'ers in de creatieve industrie",
        "contact": ("Irmgard Noordhoek", "Topsector Creatieve Industrie"),
        "teaser": "Kleine creatieve bedrijven werken aan personeelsbeleid dat ontwikkeling mogelijk maakt.",
        "summary": "Small creative companies develop HR practices that keep their people learning.",
        "aim": "<p>Kleine bedrijven in de creatieve industrie helpen hun mensen te laten blijven ontwikkelen.</p>",
        "approach": "<p>Ondernemers wisselen ervaringen uit over personeelsbeleid en proberen nieuwe vormen van ontwikkeling uit die passen bij een klein bedrijf.</p>",
        "results": "",
    },
    {
        "slug": "hilversum-media-campus",
        "title": "Hilversum Media Campus",
        "sector": "Creatieve Industrie",
        "region": "Noord-Holland",
        "kind": "campus",
        "partners": "Mediabedrijven in Hilversum\nOnderwijsinstellingen\nGemeente Hilversum",
        "contact": ("Irmgard Noordhoek", "Topsector Creatieve Industrie"),
        "teaser": "Talentprogramma's dicht bij de mediabedrijven die het talent nodig hebben.",
        "summary": "Talent programmes developed right next to the media companies in Hilversum; proximity works, and companies care more about being trained 'their way' than about diplomas.",
        "aim": "<p>Mensen opleiden zoals de mediabedrijven het nodig vinden, zodat ze aantrekkelijker worden voor het werk.</p>",
        "approach": "<p>Talentprogramma's worden ontwikkeld vlak bij de bedrijven zelf. Diploma's en certificaten zijn minder belangrijk; de bedrijven moeten herkennen dat er wordt opgeleid zoals zij vinden dat het moet.</p>",
        "results": "<p>De nabijheid van de bedrijven blijkt sterk te werken.</p>",
    },
    {
        "slug": "bno-academie",
        "title": "BNO-Academie",
        "sector": "Creatieve Industrie",
        "region": "",
        "kind": "kenniskring",
        "partners": "BNO, Beroepsorganisatie Nederlandse Ontwerpers\nOntwerpers en ontwerpbureaus",
        "contact": ("Patrick Aarts", "Beroepsorganisatie Nederlandse Ontwerpers"),
        "teaser": "Trainingen, intervisie en mentoring binnen de beroepsgroep van ontwerpers.",
        "summary": "The Dutch designers' association offers individual coaching, peer supervision and mentoring next to training, and links its members so they can share knowledge.",
        "aim": "<p>Ontwerpers laten blijven leren en het netwerk binnen de branche versterken.</p>",
        "approach": "<p>Naast trainingen biedt de BNO individuele begeleiding, intervisiecoaching en mentorprogramma's. Ze koppelt leden aan elkaar zodat ze onderling kennis uitwisselen.</p>",
        "results": "<p>Een werkend aanbod voor ontwikkeling; wel blijkt een dynamische manier om deze ontwikkeling te waarderen hard nodig.</p>",
    },
    {
        "slug": "lll-groene-onderwijs",
        "title": "Leven lang leren in het groene onderwijs",
        "sector": "Tuinbouw & Uitgangsmaterialen",
        "region": "",
        "kind": "centre_of_expertise",
        "partners": "Topsector Tuinbouw & Uitgangsmaterialen\nTopsector Agri & Food\nGroene onderwijsinstellingen",
        "contact": ("Klaas Boer", "Topsector Tuinbouw & Uitgangsmaterialen"),
        "teaser": "Groene scholen openen hun aanbod voor werkenden in tuinbouw en agrifood.",
        "summary": "Green schools open their programmes to working people in horticulture and agri-food.",
        "aim": "<p>Het groene onderwijs ook laten werken voor mensen die al in de sector werken.</p>",
        "approach": "<p>Groene onderwijsinstellingen en de topsectoren zoeken samen naar flexibel aanbod voor werkenden.</p>",
        "results": "",
    },
    {
        "slug": "strategische-personeelsplanning-water",
        "title": "Strategische personeelsplanning in de watersector",
        "sector": "Water & Maritiem",
        "region": "",
        "kind": "kenniskring",
        "partners": "Waterkennisbank\nWaterschappen en waterbedrijven",
        "contact": ("Ronald Wielinga", "Waterkennisbank"),
        "teaser": "Waterorganisaties brengen in kaart welke kennis ze straks nodig hebben.",
        "summary": "Water organisations map the knowledge they will need and plan development accordingly.",
        "aim": "<p>Zicht krijgen op de kennis en vaardigheden die de watersector de komende jaren nodig heeft.</p>",
        "approach": "<p>Organisaties in de watersector plannen samen hun personeel en ontwikkeling op langere termijn.</p>",
        "results": "",
    },
    {
        "slug": "fieldlab-duurzaamheidsfabriek",
        "title": "Fieldlab Duurzaamheidsfabriek",
        "sector": "HTSM",
        "region": "Zuid-Holland",
        "kind": "fieldlab",
        "partners": "De Duurzaamheidsfabriek\nValk Welding\nScheepswerf Slob\nDe Waal\nDa Vinci College\nSmart Industry projectbureau",
        "contact": ("Rein Meester", "Duurzaamheidsfabriek"),
        "teaser": "Erkend Fieldlab Smart Industry waar werf, school en bedrijven lasrobotica leren toepassen.",
        "summary": "A recognised Smart Industry fieldlab where a shipyard, a welding-robot maker, a college and its students apply welding robotics to shipbuilding, learning together as they go.",
        "aim": "<p>Leren, werken en innoveren verbinden in een netwerk van bedrijven, overheden, kennis- en onderwijsinstellingen.</p>",
        "approach": "<p>In het project Toegepaste Innovaties voor Maritieme Automatisering werken de Duurzaamheidsfabriek, Valk Welding, Scheepswerf Slob, De Waal en het Da Vinci College samen aan lasrobotica voor scheepsbouw en voortstuwing. Werknemers van de werf, studenten en docenten ontwikkelen de benodigde kennis samen.</p>",
        "results": "<p>Naast diploma's en certificaten zijn nieuwe manieren ontwikkeld om competenties te waarderen, zoals microcredentials en een persoonlijk online leerpaspoort.</p>",
    },
    {
        "slug": "evolva-werkplekleren",
        "title": "Evolva Werkplekleren 3.0",
        "sector": "Life Sciences & Health",
        "region": "",
        "kind": "kenniskring",
        "partners": "Evolva\nZorgpact\nTopsector Life Sciences & Health",
        "contact": ("Jan Valkenborgh", "Zorgpact / LSH"),
        "teaser": "Zorgteams kiezen zelf wat ze leren, met een werkplekleerexpert en een online forum.",
        "summary": "Care teams choose their own learning topics and share experience online and in meetings, coached by a workplace-learning expert; staff find the virtual environment fun, practical and motivating.",
        "aim": "<p>Zorgmedewerkers de vaardigheden laten verwerven die de nieuwe zorgrealiteit vraagt: van 'zorgen voor' naar 'zorgen met'.</p>",
        "approach": "<p>Teams kiezen relevante leeronderwerpen en delen ervaringskennis, online op een forum en fysiek in bijeenkomsten. Een werkplekleerexpert ontwerpt het leertraject, coacht het leren op de werkplek en organiseert leerinterventies.</p>",
        "results": "<p>Hulpverleners verbeteren hun teamprestaties door samen in de praktijk te leren en zijn enthousiast; vooral de virtuele leeromgeving wordt leuk, praktisch en motiverend gevonden.</p>",
    },
    {
        "slug": "leerlijn-transportplanner",
        "title": "Doorlopende post-experience leerlijn (transport)planner",
        "sector": "Logistiek",
        "region": "Noord-Brabant",
        "kind": "centre_of_expertise",
        "partners": "NHTV Breda\nLogistieke bedrijven",
        "contact": ("Bas Holland", "NHTV"),
        "teaser": "Een leerlijn waarmee planners in het werk stap voor stap verder leren.",
        "summary": "A continuing learning path for (transport) planners who already work in logistics.",
        "aim": "<p>Planners in de logistiek na hun opleiding laten doorleren, aansluitend op hun werk.</p>",
        "approach": "<p>Een hogeschool en bedrijven ontwerpen samen een doorlopende leerlijn voor ervaren planners.</p>",
        "results": "",
    },
    {
        "slug": "otib-leerhuis",
        "title": "OTIB Leerhuis",
        "sector": "Energie",
        "region": "",
        "kind": "hub",
        "partners": "OTIB (opleidings- en ontwikkelingsfonds technische installatiebranche)\nInstallatiebedrijven",
        "contact": ("Peter Smulders", "OTIB"),
        "teaser": "Een leerhuis voor de installatiebranche, gedragen door het sectorfonds.",
        "summary": "A learning house for the installation sector, backed by the sector's training fund.",
        "aim": "<p>Medewerkers in de installatietechniek bij laten blijven met de snel veranderende techniek.</p>",
        "approach": "<p>Het opleidings- en ontwikkelingsfonds van de branche organiseert een leerhuis waar werkenden en bedrijven terechtkunnen.</p>",
        "results": "",
    },
    {
        "slug": "career-windenergie-op-zee",
        "title": "CAREER, Windenergie op Zee",
        "sector": "Energie",
        "region": "",
        "kind": "innovatielab",
        "partners": "TKI Wind op Zee\nBedrijven in offshore wind\nOnderwijsinstellingen",
        "contact": ("John Baken", "TKI Wind op Zee"),
        "teaser": "Werken aan de vakmensen die windparken op zee bouwen en onderhouden.",
        "summary": "Preparing the people who build and maintain offshore wind farms.",
        "aim": "<p>Genoeg goed opgeleide mensen voor de groei van windenergie op zee.</p>",
        "approach": "<p>Bedrijven en onderwijs in de offshore wind stemmen opleidingen en loopbaanpaden op elkaar af.</p>",
        "results": "",
    },
    {
        "slug": "lll-waterbouwers",
        "title": "Leven lang leren bij de waterbouwers",
        "sector": "Water & Maritiem",
        "region": "",
        "kind": "kenniskring",
        "partners": "Vereniging van Waterbouwers\nWaterbouwbedrijven",
        "contact": ("Henry Bleker", "Vereniging van Waterbouwers"),
        "teaser": "Waterbouwbedrijven organiseren samen de ontwikkeling van hun mensen.",
        "summary": "Dredging and hydraulic-engineering companies organise their people's development together.",
        "aim": "<p>Waterbouwers blijvend laten ontwikkelen in een internationaal werkende branche.</p>",
        "approach": "<p>De branchevereniging brengt bedrijven bij elkaar om ontwikkeling gezamenlijk te organiseren.</p>",
        "results": "",
    },
    {
        "slug": "knw-mentorprogramma",
        "title": "KNW Mentor Program – Dive in together!",
        "sector": "Water & Maritiem",
        "region": "",
        "kind": "kenniskring",
        "partners": "Koninklijk Nederlands Waternetwerk (KNW)\nJonge en ervaren waterprofessionals",
        "contact": ("Monique Bekkenutte", "Koninklijk Nederlands Waternetwerk"),
        "teaser": "Een mentorprogramma dat jonge en ervaren waterprofessionals aan elkaar koppelt.",
        "summary": "A mentoring programme of the Dutch water network pairing young and experienced water professionals to transfer knowledge, build skills, grow future leaders and strengthen the network.",
        "aim": "<p>De watersector versterken door kennisoverdracht, ontwikkeling van vaardigheden, het klaarstomen van toekomstige leiders en een sterker netwerk.</p>",
        "approach": "<p>Onder het motto 'Dive in together!' vormt het KNW koppels van ervaren en jonge waterprofessionals die elkaar geregeld spreken.</p>",
        "results": "<p>Voordelen voor beide kanten: ervaren en jonge professionals leren allebei, en de sector als geheel wint aan netwerk.</p>",
    },
    {
        "slug": "talent-innovatie-pool",
        "title": "Talent Innovatie Pool",
        "sector": "Logistiek",
        "region": "Gelderland",
        "kind": "innovatielab",
        "partners": "HAN University of Applied Sciences\nLogistieke bedrijven\nOnderzoekers",
        "contact": ("Sjoerd Wensink", "HAN"),
        "teaser": "Studenten, high potentials en onderzoekers lossen samen logistieke kennisvragen op.",
        "summary": "Students, companies' high potentials and researchers solve real logistics questions together: the company gets a solution and meets talent, the high potential looks beyond their own firm.",
        "aim": "<p>Werken, leren en innoveren samenbrengen rond echte logistieke kennisvragen.</p>",
        "approach": "<p>Studenten, high potentials van bedrijven en onderzoekers ontwikkelen samen concrete oplossingen voor kennisvragen uit de logistiek.</p>",
        "results": "<p>Het bedrijf krijgt een concrete oplossing en ontmoet toekomstig talent; de high potential kijkt over de grenzen van het eigen bedrijf; studenten leren hoe een bedrijf werkt en brengen actuele kennis in.</p>",
    },
    {
        "slug": "fieldlab-sociale-innovatie",
        "title": "Fieldlab Sociale Innovatie binnen Smart Industry",
        "sector": "HTSM",
        "region": "",
        "kind": "fieldlab",
        "partners": "TNO\nAWVN\nFNV",
        "contact": ("Klaas ten Have", "TNO"),
        "teaser": "Werkgevers, vakbond en onderzoekers werken aan leren zonder onderbreking.",
        "summary": "Employers, a trade union and researchers work on 'learning without interruption' as the social side of smart industry.",
        "aim": "<p>De sociale kant van smart industry vormgeven: mensen die zich doorlopend ontwikkelen terwijl het werk verandert.</p>",
        "approach": "<p>TNO, AWVN en FNV brengen werkgevers, werknemers en onderzoek samen om leren in het werk te organiseren.</p>",
        "results": "",
    },
]

# --- Lessons ------------------------------------------------------------------------------------------------------


def para(html: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": html}


def steps(heading: str, items: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "actions",
        "value": {"heading": heading, "actions": [{"title": t, "text": f"<p>{x}</p>" if x else ""} for t, x in items]},
    }


def checklist(heading: str, items: list[str]) -> dict[str, Any]:
    return {"type": "checklist", "value": {"heading": heading, "items": items}}


def quote(text: str, author: str, role: str = "") -> dict[str, Any]:
    return {"type": "quotation", "value": {"quote": text, "author": author, "role": role}}


L = dict[str, Any]
# The nine lessons of the investment agenda (chapter 3), then lessons in the shape of "Kennis uit de kringen".
LESSONS: list[L] = [
    {
        "slug": "start-met-de-waaromvraag",
        "title": "Start met de waaromvraag en ontwerp de community samen",
        "intro": "Een learning community bestaat bij de gratie van een gedeeld doel. Overheden, bedrijven en onderwijs- en kennisinstellingen die samen eigenaar zijn, houden het vol; partijen die alleen aanschuiven, haken af.",
        "summary": "Start by answering the shared 'why' with all partners, build shared ownership and parallel interests, and design the community together with people at every level.",
        "preconditions": "Alle partijen zitten vanaf het begin aan tafel, ook uitvoerders. Er is een gezamenlijke urgentie die aansluit bij de lange termijn van de deelnemende organisaties.",
        "waarom": "In de pilots bleken drie hete hangijzers terug te keren: een verkeerd beeld van elkaar, cultuurverschillen en de vraag wie de investeringen betaalt. Wie die niet aan het begin bespreekt, loopt er later op vast.",
        "hoe": [
            steps(
                "Zo pak je het aan",
                [
                    (
                        "Beantwoord samen de waaromvraag",
                        "Formuleer in één zin waarom deze community moet bestaan, en toets die zin bij elke partner.",
                    ),
                    (
                        "Ontwerp met betrokkenen op alle niveaus",
                        "Laat niet alleen bestuurders ontwerpen: docenten, vakmensen en studenten weten waar het gaat knellen.",
                    ),
                    (
                        "Verklein de afstand",
                        "Beperk de organisatorische en fysieke afstand tussen partijen, bijvoorbeeld met een gedeelde plek.",
                    ),
                    (
                        "Richt je op innovatie, niet op de waan van de dag",
                        "Koppel de samenwerking aan een innovatieopgave en bewaak de langere termijn.",
                    ),
                ],
            ),
            quote(
                "Learning communities dagen bedrijven, opleiders, kennisinstellingen en overheden uit te co-investeren.",
                "Investeringsagenda learning communities",
                "2018",
            ),
        ],
        "waartoe": "Partners die elkaars belangen kennen en samen investeren. Je ziet het aan een gedeelde begroting, aan partners die op eigen initiatief bijdragen en aan een waaromvraag die iedereen kan navertellen.",
        "pitfalls": "Een community optuigen als extra structuur zonder gedeeld doel; de financiering pas bespreken als het geld op is.",
        "sectors": [],
        "kinds": ["centre_of_expertise", "civ"],
        "leerfunctie": "proactief",
        "factors": ["shared_ownership"],
        "themes": ["onderwijs-bedrijfsleven", "lerende-organisatie"],
        "level": "network",
        "pilot": "coe-en-civ",
        "sources": [AGENDA],
    },
    {
        "slug": "hybride-en-flexibele-leeromgeving",
        "title": "Maak de leeromgeving innovatiegedreven, hybride en flexibel",
        "intro": "In een hybride leeromgeving wordt het leren uit het werk gehaald: mensen leren door te doen, aan echte vernieuwing, met ruimte voor hun eigen leerbehoefte.",
        "summary": "Create an innovation-driven, hybrid and flexible learning environment that offers tailored learning close to real work, across mbo, hbo and wo levels.",
        "preconditions": "Er is een echte innovatieopgave. Opleidingsprogramma's mogen flexibel en open zijn.",
        "waarom": "Mensen leren het meest als het leren direct toepasbaar is. Standaardcursussen sluiten slecht aan bij de leer- en innovatiecultuur van bedrijven.",
        "hoe": [
            checklist(
                "Kenmerken om na te lopen",
                [
                    "Het leren is mensgericht, kleinschalig en gericht op vaardigheden.",
                    "Programma's zijn flexibel en open: deelnemers kunnen instromen op hun eigen moment.",
                    "mbo, hbo en wo werken in dezelfde omgeving samen.",
                    "Wat geleerd wordt, is meteen bruikbaar in het werk.",
                    "Professionals leren met collega's uit andere disciplines en niveaus.",
                ],
            )
        ],
        "waartoe": "Maatwerk dat past bij de cultuur van het bedrijf en dat innovatie oplevert. Zichtbaar aan deelnemers die het geleerde de week erna toepassen en aan samenwerking tussen onderwijsniveaus die vanzelf ontstaat.",
        "pitfalls": "Een 'hybride' omgeving die in feite een klaslokaal met een online module is.",
        "sectors": ["Energie"],
        "kinds": ["fieldlab", "living_lab"],
        "leerfunctie": "proactief",
        "factors": ["hybrid_learning", "learning_places"],
        "themes": ["digitaal-leren"],
        "level": "primary_process",
        "pilot": "energie-transitie-huis",
        "sources": [AGENDA],
    },
    {
        "slug": "stimuleer-lerende-organisaties",
        "title": "Help bedrijven lerende organisaties te worden",
        "intro": "Bedrijven die meedoen aan een learning community krijgen een duw om zelf lerende organisatie te worden: meer informeel en proactief leren op de werkplek, en innovatie die doorklinkt in de hele organisatie.",
        "summary": "Encourage companies to become learning organisations: more informal and proactive workplace learning, innovation in the strategy, mentoring both ways, and HR policy that supports collective learning.",
        "preconditions": "Leidinggevenden steunen leren op de werkplek; HR-beleid maakt het mogelijk.",
        "waarom": "Zonder verbinding tussen leren, de praktijk en innovatie blijft wat mensen leren in de cursusmap zitten. Kleinere bedrijven missen vaak de schaal om dat alleen te organiseren.",
        "hoe": [
            steps(
                "Handreikingen",
                [
                    ("Bied informeel en proactief leren aan op de werkplek", ""),
                    (
                        "Veranker innovatie in de bedrijfsstrategie",
                        "En laat de vernieuwing doorwerken in alle afdelingen.",
                    ),
                    (
                        "Start een mentorprogramma in twee richtingen",
                        "Jong leert van ervaren, en ervaren leert van jong, bijvoorbeeld bij sociale innovatie.",
                    ),
                    (
                        "Verbind kleine bedrijven",
                        "Laat ze samen met andere bedrijven, kennisinstellingen en opleiders kennis en nieuwe proposities ontwikkelen.",
                    ),
                    ("Ondersteun collectief leren met HR-beleid en leiderschap", ""),
                ],
            )
        ],
        "waartoe": "Een leercultuur waarin veranderen normaal is, fouten mogen en op langere termijn wordt gedacht. Te zien aan medewerkers die toegang hebben tot specialisten buiten het eigen bedrijf en aan innovaties die uit de werkvloer komen.",
        "pitfalls": "Leren delegeren aan de opleidingsafdeling, los van de strategie.",
        "sectors": ["HTSM"],
        "kinds": ["fieldlab"],
        "leerfunctie": "reactief",
        "factors": ["two_way_mentoring", "shared_ownership"],
        "themes": ["lerende-organisatie", "mentoring"],
        "level": "organisation",
        "pilot": "fieldlab-sociale-innovatie",
        "sources": [AGENDA],
    },
    {
        "slug": "richt-een-digitale-leeromgeving-in",
        "title": "Richt een digitale leeromgeving in, en let op digitale geletterdheid",
        "intro": "Virtual reality, augmented reality en MOOC's helpen een gedeelde kennisbasis op te bouwen, open en toegankelijk voor veel doelgroepen.",
        "summary": "Set up a digital learning environment (VR, AR, MOOCs, open-source knowledge bases) tied to the physical environment and expert networks, while paying attention to (digital) literacy.",
        "preconditions": "De digitale omgeving is gekoppeld aan een fysieke plek, aan experts en aan lopende leertrajecten.",
        "waarom": "Kennis die gebundeld en open beschikbaar is, bereikt meer mensen en versterkt het innovatievermogen van een regio of sector. Tegelijk zijn niet alle mensen even vertrouwd met nieuwe ICT.",
        "hoe": [
            checklist(
                "Bij de inrichting",
                [
                    "Bundel beschikbare kennis in een open omgeving, regionaal of landelijk.",
                    "Koppel de digitale omgeving aan de fysieke ontwikkelomgeving en aan expertnetwerken.",
                    "Kies vormen die de doelgroep aanspreken: VR voor gevaarlijk werk, fora voor ervaringskennis.",
                    "Bied laagdrempelige hulp bij (digitale) geletterdheid.",
                ],
            )
        ],
        "waartoe": "Leren dat motiveert en efficiënter is. Zichtbaar aan gebruik door groepen die eerder niet meededen, niet alleen aan aantallen inlogs.",
        "pitfalls": "Aannemen dat iedereen een nieuw digitaal hulpmiddel meteen omarmt.",
        "sectors": ["Chemie", "Life Sciences & Health"],
        "kinds": ["innovatielab"],
        "leerfunctie": "reactief",
        "factors": ["learning_places", "open_expertise"],
        "themes": ["digitaal-leren"],
        "level": "organisation",
        "pilot": "popup-safety",
        "sources": [AGENDA],
    },
    {
        "slug": "organiseer-regionaal-verbind-landelijk",
        "title": "Organiseer regionaal, maar verbind je in een nodaal netwerk",
        "intro": "De meeste learning communities zijn regionaal: werk is weinig mobiel en topsectoren zijn geografisch gespreid. Maar wie alleen regionaal kijkt, mist kennis die elders al bestaat.",
        "summary": "Organise regionally, but connect regionally, nationally and internationally in a 'nodal network' so that national knowledge bases and regional practice feed each other.",
        "preconditions": "Er is een regionale economische of maatschappelijke opgave én een landelijk netwerk voor het thema.",
        "waarom": "Aansluiten bij het DNA van een regio maakt een community makkelijker en efficiënter. Uitwisseling met andere communities, landelijk en internationaal, houdt haar kritisch.",
        "hoe": [
            steps(
                "Stappen",
                [
                    ("Sluit aan bij de regionale opgave en bestaande netwerken", ""),
                    (
                        "Zoek het landelijke kennisknooppunt voor je thema",
                        "Voor veel thema's concentreren partijen hun kennis in een landelijk netwerk.",
                    ),
                    (
                        "Organiseer de stroom van vragen in twee richtingen",
                        "Praktijkvragen gaan naar onderzoek; onderzoeksresultaten komen terug in de regio.",
                    ),
                ],
            )
        ],
        "waartoe": "Een continue stroom van onderzoeksvragen van fundamenteel tot toegepast, en een optimaal leereffect. Te zien aan vragen en antwoorden die tussen regio's reizen.",
        "pitfalls": "Het wiel in elke regio opnieuw uitvinden.",
        "sectors": ["Water & Maritiem"],
        "kinds": ["hub", "kenniskring"],
        "leerfunctie": "proactief",
        "factors": ["regional_networks", "open_expertise"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "network",
        "pilot": "strategische-personeelsplanning-water",
        "sources": [AGENDA],
    },
    {
        "slug": "combineer-nationale-en-regionale-investeringen",
        "title": "Breng de investeerders om tafel en combineer hun geld",
        "intro": "Het individu is verantwoordelijk voor de eigen ontwikkeling, maar kan het niet alleen. Bedrijven, sociale partners, gemeenten, provincies, het Rijk en de EU investeren allemaal in leren, vaak langs elkaar heen.",
        "summary": "Bring the investors together (companies, social partners' training funds, local and national government, the EU) and align their investments in a shared knowledge base.",
        "preconditions": "Er is een gedeelde agenda waaraan de investeerders hun middelen willen koppelen.",
        "waarom": "Versnipperde regelingen leiden tot losse projecten. Alleen als investeerders afstemmen, ontstaat een gezamenlijke kennisbasis en lopen ontwikkel- en leerprocessen parallel.",
        "hoe": [
            {
                "type": "table",
                "value": {
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "table_caption": "Wie investeert waarin",
                    "data": [
                        ["Investeerder", "Bijdrage"],
                        [
                            "Bedrijven",
                            "Innovatievermogen, scholing van personeel en tijd om het geleerde toe te passen",
                        ],
                        ["Sociale partners", "O&O-fondsen met afspraken over scholing en loopbaanbegeleiding"],
                        ["Lokale overheden", "Subsidieprogramma's in economisch en arbeidsmarktbeleid"],
                        ["Rijksoverheid", "Subsidies en fiscale kortingen (OCW, SZW, EZ, TKI)"],
                        ["Europese Unie", "Programma's zoals EFRO"],
                    ],
                },
            },
            steps(
                "Aanpak",
                [
                    ("Breng in kaart wie al investeert", ""),
                    ("Spreek een gezamenlijke agenda af", ""),
                    ("Koppel regelingen aan dezelfde doelen", ""),
                ],
            ),
        ],
        "waartoe": "Efficiënte investeringen in een gezamenlijke kennisbasis. Zichtbaar aan co-financiering in plaats van losse subsidies per project.",
        "pitfalls": "Een community die afhangt van één subsidie en stopt als die afloopt.",
        "sectors": [],
        "kinds": ["hub"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["shared_ownership", "regional_networks"],
        "themes": ["lerende-organisatie"],
        "level": "network",
        "pilot": "otib-leerhuis",
        "sources": [AGENDA],
    },
    {
        "slug": "neem-de-tijd-om-conclusies-te-trekken",
        "title": "Neem de tijd voordat je conclusies trekt",
        "intro": "Transities kosten tijd. Ook als je voortbouwt op een bestaande samenwerking ben je al gauw drie jaar verder voordat een community op stoom is.",
        "summary": "Take your time before drawing conclusions: even building on existing cooperation, it takes about three years before a learning community gets going, and old and new ways of working coexist meanwhile.",
        "preconditions": "Bestuurders en financiers accepteren een horizon van meerdere jaren.",
        "waarom": "Een learning community vraagt een nieuw mentaal model. Tijdens de verbouwing gaat de verkoop door: oude en nieuwe werkwijzen bestaan naast elkaar.",
        "hoe": [
            checklist(
                "Houd er rekening mee",
                [
                    "Plan minstens drie jaar voor de opbouw.",
                    "Laat oude en nieuwe werkwijzen bewust een tijd naast elkaar bestaan.",
                    "Meet tussentijds, maar beoordeel de aanpak pas als hij echt draait.",
                ],
            )
        ],
        "waartoe": "Minder versnippering en een langere horizon in het leersysteem. Te zien aan partners die na de opstartfase blijven.",
        "pitfalls": "Na een jaar concluderen dat het 'niet werkt'.",
        "sectors": [],
        "kinds": [],
        "leerfunctie": "proactief",
        "factors": ["shared_ownership"],
        "themes": ["lerende-organisatie"],
        "level": "network",
        "pilot": "",
        "sources": [AGENDA, ONDERZOEK],
    },
    {
        "slug": "leer-van-fouten-en-blijf-kritisch",
        "title": "Leer van fouten en blijf kritisch",
        "intro": "Een learning community is een experiment. Experimenten mislukken soms, en juist daar zit de les.",
        "summary": "Learn from mistakes and stay critical: make room for experiments that fail, reflect together on what works, and exchange with other communities.",
        "preconditions": "Er is ruimte om te experimenteren en fouten te maken, zonder afrekening.",
        "waarom": "Leren van fouten en het nemen van risico's hoort bij de leercultuur die learning communities willen bereiken. Wie alleen successen deelt, herhaalt de mislukkingen van anderen.",
        "hoe": [
            steps(
                "Werkwijze",
                [
                    ("Evalueer elk experiment kort en openlijk", "Wat wilden we, wat gebeurde er, wat doen we anders?"),
                    ("Deel ook wat niet werkte", "In de community en met andere communities."),
                    ("Vraag een buitenstaander om kritisch mee te kijken", ""),
                ],
            )
        ],
        "waartoe": "Een community die zichzelf verbetert. Zichtbaar aan aanpassingen in de aanpak die teruggaan op eerdere lessen.",
        "pitfalls": "Evaluaties die alleen voor de subsidiegever worden geschreven.",
        "sectors": [],
        "kinds": [],
        "leerfunctie": "proactief",
        "factors": ["open_expertise"],
        "themes": ["lerende-organisatie"],
        "level": "team",
        "pilot": "",
        "sources": [AGENDA],
    },
    {
        "slug": "ga-aan-de-slag",
        "title": "Ga aan de slag: leren door te doen",
        "intro": "De crux is vaak het vermogen om het gewoon te doen. Progress, not perfection.",
        "summary": "Just start: learning by doing applies to forming a learning community as much as to learning within one.",
        "preconditions": "Een klein begin met partners die willen.",
        "waarom": "Veel pilots lieten zien dat leren door te doen niet alleen geldt voor de uitvoering binnen een community, maar ook voor het vormen ervan. Eindeloos ontwerpen levert geen community op.",
        "hoe": [
            steps(
                "Een begin",
                [
                    ("Kies één concreet vraagstuk", "Bij voorkeur een kennisvraag van een bedrijf."),
                    ("Begin met de partners die er nu al zijn", ""),
                    ("Spreek af wanneer je terugkijkt", "En stel dan bij; zie ook de les over de tijd nemen."),
                ],
            ),
            quote(
                "De crux is veelal het vermogen om het gewoon te doen. Progress, not perfection.",
                "Investeringsagenda learning communities",
                "2018",
            ),
        ],
        "waartoe": "Een community die bestaat en leert, in plaats van een plan. Zichtbaar aan een eerste opgeloste kennisvraag.",
        "pitfalls": "Wachten tot alles geregeld is.",
        "sectors": ["Logistiek"],
        "kinds": ["innovatielab"],
        "leerfunctie": "proactief",
        "factors": ["hybrid_learning"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "team",
        "pilot": "talent-innovatie-pool",
        "sources": [AGENDA],
    },
    # --- In the shape of "Kennis uit de kringen" ---
    {
        "slug": "onderhoud-netwerken",
        "title": "Onderhoud netwerken tussen onderwijs en bedrijven",
        "intro": "Netwerken zijn blijvende verbanden tussen onderwijsinstellingen, bedrijven, branches, overheden en intermediaire organisaties. Ze vragen een gedeeld belang dat partijen voor langere tijd bindt.",
        "summary": "Maintain networks between education and companies: join existing regional business networks, attach teachers to companies for longer periods, and find an ambition bigger than each organisation's own goals.",
        "preconditions": "Een gedeeld belang, bijvoorbeeld samen een personeelstekort aanpakken.",
        "waarom": "Innoveren is een collectief proces met veel partners in veel rollen. Netwerken helpen scholen en bedrijven aan de contacten die ze nodig hebben voor goed opgeleide jonge mensen, nieuwe concepten en scholing van personeel.",
        "hoe": [
            checklist(
                "Acties",
                [
                    "Sluit aan bij bestaande regionale bedrijvennetwerken.",
                    "Koppel docenten voor langere tijd aan een bedrijf.",
                    "Gebruik goede persoonlijke contacten om samen te bedenken wat je voor elkaar kunt betekenen.",
                    "Onderzoek hoe de school kan inspelen op de dynamiek van het regionale bedrijfsleven.",
                    "Zoek een ambitie die groter is dan de doelen van elke organisatie afzonderlijk.",
                ],
            )
        ],
        "waartoe": "Netwerken op alle niveaus maken het makkelijker om elkaars deskundigheid en faciliteiten in te zetten. Je ziet het aan docenten die weten wie ze bij een bedrijf moeten bellen, en andersom.",
        "pitfalls": "Een netwerk dat drijft op één persoon en verdwijnt als die vertrekt.",
        "sectors": ["Life Sciences & Health"],
        "kinds": ["kenniskring"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["regional_networks", "open_expertise"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "network",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "zorg-voor-helder-eigenaarschap",
        "title": "Zorg voor helder eigenaarschap van de vernieuwing",
        "intro": "Helder eigenaarschap betekent dat bestuur, management, docenten, studenten en regionale bedrijven achter de vernieuwing staan en dat er iets gebeurt met wat het project oplevert.",
        "summary": "Make ownership of an innovation explicit: high priority, fixed agreements between leadership and project, costs largely carried by the institution itself, and room for bottom-up involvement.",
        "preconditions": "Intern draagvlak en urgentiebesef; een stevig samenwerkingsverband met externe partners.",
        "waarom": "Innovaties zonder eigenaar komen niet van de grond of verzanden. Dat is een van de duidelijkste ervaringen uit de innovatiearrangementen.",
        "hoe": [
            checklist(
                "Indicatoren van eigenaarschap",
                [
                    "Het vernieuwingstraject heeft zichtbaar een hoge prioriteit.",
                    "Er zijn vaste afspraken tussen leiding en projectleiding over de plaats van het traject in het beleid.",
                    "De organisatie draagt de kosten grotendeels zelf.",
                    "De leiding stuurt en bewaakt, maar laat ruimte voor initiatief van docenten en andere betrokkenen.",
                ],
            )
        ],
        "waartoe": "Vernieuwing die blijft nadat het project is afgelopen. Zichtbaar aan de opname van de aanpak in het gewone beleid en de begroting.",
        "pitfalls": "Een project dat volledig op externe subsidie draait en door niemand intern wordt 'gehouden'.",
        "sectors": [],
        "kinds": ["civ"],
        "leerfunctie": "proactief",
        "factors": ["shared_ownership"],
        "themes": ["lerende-organisatie"],
        "level": "organisation",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "leer-als-organisatie-leren",
        "title": "Leer als organisatie van je eigen innovaties",
        "intro": "Expliciet leren verbindt individueel en collectief leren: professionals blijven leren van hun eigen handelen en stemmen dat af op wat er om hen heen verandert.",
        "summary": "Learn as an organisation: collect information systematically, reflect on results, and ask the key questions — are we achieving what we want, what speeds us up, what slows us down?",
        "preconditions": "Een informatiehuishouding die sturen op resultaat mogelijk maakt, niet alleen verantwoording naar buiten.",
        "waarom": "Veel informatie wordt alleen verzameld voor externe verantwoording en stopt zodra de subsidie stopt. Zonder eigen gegevens kun je geen plannen maken of bijsturen.",
        "hoe": [
            steps(
                "Kernvragen om samen te beantwoorden",
                [
                    ("Krijgen we voor elkaar wat we willen bereiken?", ""),
                    ("Wat is succesvol en wat niet?", ""),
                    ("Wat zijn versnellers en vertragers?", ""),
                    ("Waarin kunnen we onszelf versterken?", ""),
                ],
            )
        ],
        "waartoe": "Betere resultaten door systematisch te verzamelen, te analyseren en te reflecteren. Te zien aan besluiten die verwijzen naar eigen evaluaties.",
        "pitfalls": "Registreren om de inspectie tevreden te houden in plaats van om te leren.",
        "sectors": [],
        "kinds": ["kenniskring"],
        "leerfunctie": "proactief",
        "factors": ["shared_ownership"],
        "themes": ["lerende-organisatie"],
        "level": "organisation",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "werk-samen-aan-actuele-opleidingsinhoud",
        "title": "Bepaal de inhoud van opleidingen samen met het bedrijfsleven",
        "intro": "Wat leerlingen leren, hangt af van competentiegerichte leerdoelen én van de stand van zaken in het regionale bedrijfsleven. Binnen de wettelijke kaders hebben scholen ruimte om de inhoud samen in te vullen.",
        "summary": "Design course content together with regional companies so that it keeps up with changing work, products and regulations; students are more motivated when they see content is needed in practice.",
        "preconditions": "Regionaal overleg tussen school en bedrijven; ruimte binnen het kwalificatiedossier.",
        "waarom": "Product- en procesinnovatie en nieuwe voorschriften over veiligheid en milieu veranderen het werk. Alleen samen kunnen scholen en bedrijven de kloof tussen wat leerlingen leren en wat bedrijven nodig hebben klein houden.",
        "hoe": [
            checklist(
                "Tips",
                [
                    "Formuleer samen het doel van de opleiding.",
                    "Laat bedrijven actuele opdrachten en casussen inbrengen.",
                    "Herzie de inhoud jaarlijks met dezelfde partners.",
                    "Bekijk de hele beroepskolom: mbo, hbo en wo.",
                ],
            )
        ],
        "waartoe": "Gemotiveerde leerlingen, minder uitval en een betere aansluiting op de arbeidsmarkt.",
        "pitfalls": "Bedrijven alleen vragen om stageplaatsen, niet om inhoud.",
        "sectors": ["HTSM", "Energie"],
        "kinds": ["civ"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["regional_networks"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "primary_process",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "coach-lerenden",
        "title": "Coach lerenden met vragen, niet met antwoorden",
        "intro": "Coachen helpt lerenden bij onderzoekend en reflecterend leren, bij samenwerken en bij het ontwikkelen van een eigen werkhouding. Een veilige, open sfeer is de basis.",
        "summary": "Coach learners by asking questions: about progress, what went well, what to do differently; encourage peer coaching and just-in-time guidance.",
        "preconditions": "Vertrouwen tussen coach en lerende; tijd voor gesprekken.",
        "waarom": "Coachen is onmisbaar om individuele lerenden op maat uit te dagen en te laten reflecteren, naast klassikale instructie.",
        "hoe": [
            checklist(
                "Vragen die een coach kan stellen",
                [
                    "Hoe is het gelopen? Is gelukt wat je had gepland?",
                    "Wat ging er goed, en waarom?",
                    "Waar liep je tegenaan?",
                    "Wat doe je de volgende keer anders?",
                    "Hoe zou een collega in jouw situatie hebben gehandeld?",
                ],
            ),
            para(
                "<p>Stimuleer daarnaast <b>peercoaching</b>: lerenden die elkaar bevragen, leren zelf ook coachen.</p>"
            ),
        ],
        "waartoe": "Lerenden die zelf hun leervragen formuleren en op hun werk reflecteren.",
        "pitfalls": "De coach die de oplossing voorzegt.",
        "sectors": [],
        "kinds": ["civ", "centre_of_expertise"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["two_way_mentoring"],
        "themes": ["mentoring"],
        "level": "primary_process",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "pas-scaffolding-toe",
        "title": "Geef precies zoveel steun als nodig is, en bouw die af",
        "intro": "Scaffolding betekent: steigers bieden. De begeleider stut elke fase van het leerproces en haalt de stut weg zodra de lerende het zelf kan.",
        "summary": "Scaffolding: give exactly as much support as the learner needs, then remove it; trust, challenge in the zone of proximal development, visible success and compliments.",
        "preconditions": "De begeleider kent het niveau van de lerende.",
        "waarom": "Lerenden hebben uitdaging nodig, maar niet zoveel dat ze moedeloos worden. Scaffolding helpt de balans te vinden tussen sturen en loslaten.",
        "hoe": [
            checklist(
                "Principes",
                [
                    "Geef vertrouwen.",
                    "Bied ruimte om te experimenteren, net boven het huidige niveau.",
                    "Maak successen zichtbaar.",
                    "Geef complimenten.",
                ],
            )
        ],
        "waartoe": "Lerenden worden stap voor stap bekwamer en krijgen vertrouwen in hun eigen kunnen.",
        "pitfalls": "De steun laten staan als hij niet meer nodig is.",
        "sectors": [],
        "kinds": ["civ"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["two_way_mentoring", "hybrid_learning"],
        "themes": ["mentoring"],
        "level": "primary_process",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "ontwerp-een-krachtige-leeromgeving",
        "title": "Ontwerp een leeromgeving rond echte praktijkproblemen",
        "intro": "Een leeromgeving is alles wat mensen helpt leren: leermiddelen, leervormen, begeleiding en leerplekken, op school en in de beroepspraktijk.",
        "summary": "Design the learning environment around real practice problems with a real problem owner, offer the theory needed to solve them, and give learners choices and dialogue.",
        "preconditions": "Bedrijven leveren echte problemen én een probleemeigenaar.",
        "waarom": "Theorie beklijft als ze nodig is om een echt probleem op te lossen. Lerenden die kunnen kiezen, zijn meer betrokken.",
        "hoe": [
            checklist(
                "Drie accenten",
                [
                    "Krachtig: realistische praktijkproblemen met een echte probleemeigenaar sturen het leren.",
                    "Dialogisch: lerenden verbinden ervaringen en keuzes met hun eigen kwaliteiten en motieven.",
                    "Vraaggericht en praktijkgericht: keuzemogelijkheden en veel verschillende stages.",
                ],
            )
        ],
        "waartoe": "Lerenden die theorie in de praktijk toepassen en hun eigen loopbaankeuzes kunnen onderbouwen.",
        "pitfalls": "Praktijkopdrachten zonder echte opdrachtgever.",
        "sectors": ["Logistiek"],
        "kinds": ["fieldlab", "civ"],
        "leerfunctie": "voorwaardelijk",
        "factors": ["hybrid_learning", "learning_places"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "primary_process",
        "pilot": "talent-innovatie-pool",
        "sources": [KRINGEN],
    },
    {
        "slug": "maak-duidelijke-afspraken",
        "title": "Maak duidelijke resultaatafspraken, en laat uitvoerders ze zelf formuleren",
        "intro": "Met duidelijke resultaten kun je zien hoe een vernieuwing ervoor staat. Het gaat om afspraken vooraf en om het volgen van de voortgang tijdens en na het project.",
        "summary": "Make clear, self-defined agreements about results: set quantitative and qualitative targets, track progress, show successes and explain setbacks.",
        "preconditions": "Uitvoerders krijgen ruimte om zelf doelen te formuleren.",
        "waarom": "Zonder streefwaarden zijn afspraken vrijblijvend en is bijsturen onmogelijk. Innoveren zonder doelen is als voetballen zonder doel.",
        "hoe": [
            steps(
                "Aanpak",
                [
                    ("Laat uitvoerders de resultaten zelf definiëren", "Niet van bovenaf opleggen."),
                    ("Formuleer plan, ambities en criteria voor succes", ""),
                    ("Leg kwantitatieve én kwalitatieve streefwaarden vast", ""),
                    ("Volg de voortgang en verklaar tegenvallers", ""),
                ],
            )
        ],
        "waartoe": "Een vernieuwing waarvan iedereen weet hoe ze ervoor staat.",
        "pitfalls": "Doelen die zo vaag zijn dat ze altijd gehaald worden.",
        "sectors": [],
        "kinds": [],
        "leerfunctie": "reactief",
        "factors": ["shared_ownership"],
        "themes": ["lerende-organisatie"],
        "level": "team",
        "pilot": "",
        "sources": [KRINGEN],
    },
    {
        "slug": "oefen-gevaarlijk-werk-in-virtual-reality",
        "title": "Oefen gevaarlijk werk eerst in virtual reality",
        "intro": "Waar fouten op de werkvloer gevaarlijk zijn, kan een virtuele omgeving het oefenen veilig maken, voor werkenden én studenten.",
        "summary": "Practise dangerous work in virtual reality first: safer, cheaper and independent of time and place, and usable for both workers and students.",
        "preconditions": "Een realistische virtuele omgeving van de werkplek; begeleiding bij de eerste keer.",
        "waarom": "In de papier- en procesindustrie gebeuren ongelukken tijdens werk in gevaarlijke omgevingen. Trainen op locatie is duur en riskant.",
        "hoe": [
            steps(
                "Zo begin je",
                [
                    ("Kies de handelingen met het hoogste risico", ""),
                    ("Bouw of huur een VR-scenario van die situatie", ""),
                    (
                        "Laat werkenden en studenten dezelfde training doen",
                        "Dat levert gesprek tussen jong en ervaren op.",
                    ),
                    ("Bespreek na afloop wat er misging", ""),
                ],
            )
        ],
        "waartoe": "Minder ongelukken en efficiëntere trainingen. Zichtbaar aan incidentcijfers en aan trainingstijd per medewerker.",
        "pitfalls": "VR als gadget, zonder nabespreking.",
        "sectors": ["Chemie"],
        "kinds": ["innovatielab"],
        "leerfunctie": "reactief",
        "factors": ["hybrid_learning", "learning_places"],
        "themes": ["digitaal-leren"],
        "level": "primary_process",
        "pilot": "popup-safety",
        "sources": [AGENDA],
    },
    {
        "slug": "laat-teams-hun-leeronderwerpen-kiezen",
        "title": "Laat teams zelf hun leeronderwerpen kiezen",
        "intro": "In de zorg verandert het werk van 'zorgen voor' naar 'zorgen met'. Teams die zelf kiezen wat ze leren en hun ervaringen delen, leren het meest.",
        "summary": "Let teams choose their own learning topics, share experience online and face to face, and support them with a workplace-learning expert.",
        "preconditions": "Een werkplekleerexpert die het leertraject ontwerpt en coacht; een online forum.",
        "waarom": "Zorgmedewerkers hebben nieuwe vaardigheden nodig die niet in een standaardcursus passen; de kennis zit vaak al in het team.",
        "hoe": [
            steps(
                "Stappen",
                [
                    ("Laat het team een relevant leeronderwerp kiezen", ""),
                    ("Deel ervaringskennis online en in bijeenkomsten", ""),
                    ("Laat een werkplekleerexpert het traject ontwerpen en coachen", ""),
                ],
            ),
            quote(
                "Vooral de virtuele leeromgeving wordt als leuk, praktisch en motiverend ervaren.",
                "Evaluatie Evolva Werkplekleren 3.0",
            ),
        ],
        "waartoe": "Betere teamprestaties en enthousiaste hulpverleners.",
        "pitfalls": "Onderwerpen opleggen vanuit de opleidingsafdeling.",
        "sectors": ["Life Sciences & Health"],
        "kinds": ["kenniskring"],
        "leerfunctie": "reactief",
        "factors": ["hybrid_learning", "learning_places"],
        "themes": ["digitaal-leren"],
        "level": "team",
        "pilot": "evolva-werkplekleren",
        "sources": [AGENDA],
    },
    {
        "slug": "koppel-jong-en-ervaren",
        "title": "Koppel jong en ervaren zodat beide leren",
        "intro": "Een mentorprogramma werkt het best als het tweerichtingsverkeer is: de ervaren professional brengt kennis van het vak, de jonge professional nieuwe kennis en frisse vragen.",
        "summary": "Pair young and experienced professionals so that both learn: both state what they offer and want to learn, set goals and reflect.",
        "preconditions": "Beide kanten zeggen vooraf wat ze te bieden hebben en wat ze willen leren.",
        "waarom": "Kennisoverdracht alleen van oud naar jong mist de helft. Ervaren mensen leren net zo goed van jongere collega's, zeker bij sociale en digitale innovatie.",
        "hoe": [
            steps(
                "Opzet",
                [
                    ("Laat beide deelnemers aanbod en leerwensen opschrijven", ""),
                    ("Koppel op complementaire wensen", ""),
                    ("Spreek doelen en een ritme af", "Bijvoorbeeld eens per maand een uur."),
                    ("Reflecteer halverwege en aan het eind, allebei", ""),
                ],
            )
        ],
        "waartoe": "Kennisoverdracht, nieuwe vaardigheden, toekomstige leiders en een sterker netwerk in de sector.",
        "pitfalls": "Een 'mentor' die alleen zendt.",
        "sectors": ["Water & Maritiem"],
        "kinds": ["kenniskring"],
        "leerfunctie": "reactief",
        "factors": ["two_way_mentoring"],
        "themes": ["mentoring"],
        "level": "network",
        "pilot": "knw-mentorprogramma",
        "sources": [AGENDA],
    },
    {
        "slug": "werk-met-echte-kennisvragen",
        "title": "Werk met echte kennisvragen van bedrijven",
        "intro": "Een kennisvraag van een bedrijf geeft een community richting: er is een probleemeigenaar, een deadline en een oplossing die ertoe doet.",
        "summary": "Work on real knowledge questions from companies: mixed teams of students, high potentials and researchers produce concrete solutions and meet each other.",
        "preconditions": "Een bedrijf met een concrete vraag en iemand die tijd heeft om mee te denken.",
        "waarom": "Werken, leren en innoveren komen samen als mensen met verschillende achtergronden aan hetzelfde echte probleem werken.",
        "hoe": [
            checklist(
                "Voor een goed kennisvraag-traject",
                [
                    "De vraag is concreet en afgebakend.",
                    "Het team is gemengd: studenten, werkenden, onderzoekers.",
                    "Het bedrijf krijgt een bruikbare oplossing, niet alleen een rapport.",
                    "Iedereen weet wat hij of zij wil leren.",
                ],
            )
        ],
        "waartoe": "Een concrete oplossing voor het bedrijf, nieuwe kennis voor de high potential en inzicht in het bedrijfsleven voor studenten.",
        "pitfalls": "Vragen die eigenlijk routineklussen zijn.",
        "sectors": ["Logistiek"],
        "kinds": ["innovatielab"],
        "leerfunctie": "proactief",
        "factors": ["hybrid_learning", "open_expertise"],
        "themes": ["onderwijs-bedrijfsleven"],
        "level": "team",
        "pilot": "talent-innovatie-pool",
        "sources": [AGENDA],
    },
    {
        "slug": "maak-informeel-leren-zichtbaar",
        "title": "Maak informeel leren zichtbaar met microcredentials",
        "intro": "Wie leert door te doen, heeft daar zelden een papiertje van. Microcredentials en een persoonlijk online leerpaspoort maken dat leren zichtbaar.",
        "summary": "Make informal learning visible with microcredentials and a personal online learning passport, defined dynamically by the professional network around the community.",
        "preconditions": "Het professionele netwerk van de community bepaalt welk niveau vereist is.",
        "waarom": "Waardering motiveert. Erkenning via diploma's alleen mist wat mensen in de praktijk leren.",
        "hoe": [
            steps(
                "Aanpak",
                [
                    (
                        "Beschrijf de competenties die in de community worden opgedaan",
                        "Vaardigheden, kennis en houding.",
                    ),
                    ("Laat het netwerk het niveau bepalen en bijstellen", ""),
                    ("Geef microcredentials voor aangetoonde prestaties", ""),
                    ("Bundel ze in een persoonlijk leerpaspoort", ""),
                ],
            )
        ],
        "waartoe": "Een competentieprofiel dat gebaseerd is op ervaring en prestaties. Te zien aan werkgevers die de credentials herkennen.",
        "pitfalls": "Credentials die niemand buiten de community kent.",
        "sectors": ["HTSM"],
        "kinds": ["fieldlab"],
        "leerfunctie": "reactief",
        "factors": ["open_expertise"],
        "themes": ["erkenning", "smart-industry"],
        "level": "network",
        "pilot": "fieldlab-duurzaamheidsfabriek",
        "sources": [AGENDA, SMART],
    },
]

# Related lessons (by slug): one-way links, each shown on the first lesson's page.
RELATED: list[tuple[str, str]] = [
    ("start-met-de-waaromvraag", "zorg-voor-helder-eigenaarschap"),
    ("start-met-de-waaromvraag", "combineer-nationale-en-regionale-investeringen"),
    ("hybride-en-flexibele-leeromgeving", "ontwerp-een-krachtige-leeromgeving"),
    ("stimuleer-lerende-organisaties", "leer-als-organisatie-leren"),
    ("stimuleer-lerende-organisaties", "koppel-jong-en-ervaren"),
    ("richt-een-digitale-leeromgeving-in", "oefen-gevaarlijk-werk-in-virtual-reality"),
    ("organiseer-regionaal-verbind-landelijk", "onderhoud-netwerken"),
    ("neem-de-tijd-om-conclusies-te-trekken", "ga-aan-de-slag"),
    ("ga-aan-de-slag", "neem-de-tijd-om-conclusies-te-trekken"),
    ("leer-van-fouten-en-blijf-kritisch", "leer-als-organisatie-leren"),
    ("coach-lerenden", "pas-scaffolding-toe"),
    ("maak-duidelijke-afspraken", "zorg-voor-helder-eigenaarschap"),
    ("werk-met-echte-kennisvragen", "ga-aan-de-slag"),
]


# Forum demo communities (by slug) that pilots run and that lessons come from; linked when they exist.
PILOT_COMMUNITIES: dict[str, str] = {
    "energy-college": "energy-college",
    "energie-transitie-huis": "energie-transitie-huis",
    "fieldlab-duurzaamheidsfabriek": "fieldlab-duurzaamheidsfabriek",
    "talent-innovatie-pool": "talent-innovatie-pool",
    "fieldlab-rdm-additive-manufacturing": "fieldlab-rdm",
    "fieldlab-sociale-innovatie": "fieldlab-sociale-innovatie",
    "evolva-werkplekleren": "evolva-werkplekleren-30",
    "experiment-lerend-leven": "brainport-industries-campus",
}
LESSON_COMMUNITIES: dict[str, str] = {
    "onderhoud-netwerken": "kenniskring-regionale-netwerken",
    "organiseer-regionaal-verbind-landelijk": "kenniskring-regionale-netwerken",
    "coach-lerenden": "kenniskring-werkplekleren",
    "pas-scaffolding-toe": "kenniskring-werkplekleren",
    "koppel-jong-en-ervaren": "kenniskring-mentoring-in-twee-richtingen",
    "leer-als-organisatie-leren": "kenniskring-leven-lang-ontwikkelen",
    "zorg-voor-helder-eigenaarschap": "kenniskring-leven-lang-ontwikkelen",
    "maak-duidelijke-afspraken": "kenniskring-leven-lang-ontwikkelen",
    "werk-samen-aan-actuele-opleidingsinhoud": "kenniskring-leven-lang-ontwikkelen",
}


def _communities() -> dict[str, Any]:
    wanted = set(PILOT_COMMUNITIES.values()) | set(LESSON_COMMUNITIES.values())
    return {c.slug: c for c in Community.objects.filter(slug__in=wanted)}


def _rich(text: str) -> str:
    return text if text.startswith("<") else f"<p>{text}</p>"


def _ensure_groups() -> None:
    """The demo editor and reviewer (created by the accounts demo) join the CMS groups."""
    for email, group_name in (("redacteur@kring.test", "Redacteuren"), ("reviewer@kring.test", "Reviewers")):
        user = User.objects.filter(email=email).first()
        group = Group.objects.filter(name=group_name).first()
        if user is not None and group is not None:
            user.groups.add(group)


# Demo pictures: one generated illustration per theme (no photos to license), reused by its lessons and pilots.
PALETTE = [(0x1F, 0x6F, 0x8B), (0x2E, 0x8B, 0x57), (0xC0, 0x6C, 0x1E), (0x6A, 0x4C, 0x93), (0xB0, 0x3A, 0x48)]


def _illustration(slug: str, title: str) -> tuple[Image, str]:
    """An abstract picture for a theme, made with Pillow once (found by its title afterwards), and its alt text."""
    alt = f"Abstracte illustratie bij het thema {title}: cirkels en vlakken in één kleur."
    name = f"Demo: {title}"
    existing = Image.objects.filter(title=name).first()
    if existing is not None:
        return existing, alt
    seed = hashlib.sha256(slug.encode()).digest()
    colour = PALETTE[seed[0] % len(PALETTE)]
    light = tuple(min(255, c + 150) for c in colour)
    picture = PILImage.new("RGB", (1200, 675), light)
    draw = ImageDraw.Draw(picture)
    for i in range(6):
        x, y, r = 100 + seed[i + 1] * 4, 60 + seed[i + 7] * 2, 60 + seed[i + 13] // 2
        shade = tuple(max(0, c - 20 * (i % 3)) for c in colour)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    draw.rectangle((0, 560, 1200, 675), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = Image(title=name)
    image.file.save(f"demo-{slug}.png", ImageFile(buffer, name=f"demo-{slug}.png"), save=False)
    image.save()
    return image, alt


def seed(progress: Progress) -> list[Any]:
    tree = ensure_knowledge_tree()
    sectors = {s.name: s for s in Sector.objects.all()}
    regions = {r.name: r for r in Region.objects.all()}
    kinds = {k.code: k for k in CommunityKind.objects.all()}
    factors = {f.code: f for f in SuccessFactor.objects.all()}
    communities = _communities()

    sources: dict[str, Source] = {}
    for key, (title, publisher, year) in SOURCES.items():
        sources[key], _ = Source.objects.update_or_create(title=title, year=year, defaults={"publisher": publisher})

    themes: dict[str, ThemePage] = {}
    for slug, title, intro, summary in THEMES:
        theme = ThemePage.objects.child_of(tree.home).filter(slug=slug).first()
        if theme is None:
            theme = ThemePage(title=title, slug=slug, intro=_rich(intro), summary_en=summary, live=False)
            tree.home.add_child(instance=theme)
            theme.save_revision().publish()
        themes[slug] = theme
    pictures = {slug: _illustration(slug, theme.title) for slug, theme in themes.items()}
    progress(f"themes: {len(themes)}")

    pilots: dict[str, PilotPage] = {}
    for data in PILOTS:
        pilot = PilotPage.objects.child_of(tree.pilots).filter(slug=data["slug"]).first()
        if pilot is None:
            pilot = PilotPage(
                title=data["title"],
                slug=data["slug"],
                live=False,
                search_description=data["teaser"],
                summary_en=data["summary"],
                sector=sectors.get(data["sector"]),
                region=regions.get(data["region"]),
                community_kind=data["kind"],
                partners=data["partners"],
                aim=data["aim"],
                approach=data["approach"],
                results=data["results"],
                contact_name=data["contact"][0],
                contact_organisation=data["contact"][1],
            )
            picture, alt = list(pictures.values())[sum(data["slug"].encode()) % len(pictures)]
            pilot.image, pilot.image_alt = picture, alt
            community = communities.get(PILOT_COMMUNITIES.get(data["slug"], ""))
            if community is not None:
                pilot.community_url = community.get_absolute_url()
            tree.pilots.add_child(instance=pilot)
            pilot.save_revision().publish()
        pilots[data["slug"]] = pilot
    progress(f"pilots: {len(pilots)}")

    lessons: dict[str, LessonPage] = {}
    created: set[str] = set()
    for data in LESSONS:
        lesson = LessonPage.objects.child_of(tree.lessons).filter(slug=data["slug"]).first()
        if lesson is None:
            lesson = LessonPage(
                title=data["title"],
                slug=data["slug"],
                live=False,
                search_description=data["intro"][:250],
                intro=_rich(data["intro"]),
                summary_en=data["summary"],
                preconditions=_rich(data["preconditions"]),
                waarom=_rich(data["waarom"]),
                hoe=data["hoe"],
                waartoe=_rich(data["waartoe"]),
                pitfalls=_rich(data["pitfalls"]) if data["pitfalls"] else "",
                leerfunctie=data["leerfunctie"],
                level=data["level"],
                origin_pilot=pilots.get(data["pilot"]),
                origin_community=communities.get(
                    LESSON_COMMUNITIES.get(data["slug"]) or PILOT_COMMUNITIES.get(data["pilot"], "")
                ),
            )
            for key in data["sources"]:
                lesson.sources.add(LessonSource(source=sources[key]))
            lesson.sectors.set([sectors[name] for name in data["sectors"]])
            lesson.regions.set([p.region for p in [pilots.get(data["pilot"])] if p is not None and p.region])
            lesson.community_kinds.set([kinds[code] for code in data["kinds"]])
            lesson.success_factors.set([factors[code] for code in data["factors"]])
            lesson.themes.set([themes[slug] for slug in data["themes"]])
            if data["themes"]:
                lesson.image, lesson.image_alt = pictures[data["themes"][0]]
            tree.lessons.add_child(instance=lesson)
            created.add(data["slug"])
        elif lesson.image_id is None and data["themes"]:
            picture, alt = pictures[data["themes"][0]]
            LessonPage.objects.filter(pk=lesson.pk).update(image=picture, image_alt=alt)
        lessons[data["slug"]] = lesson

    # Related links only on lessons created in this run, then one publish each: a re-run changes nothing.
    for slug in sorted(created):
        lesson = lessons[slug]
        for source_slug, target_slug in RELATED:
            if source_slug == slug:
                lesson.related_lessons.add(RelatedLesson(lesson=lessons[target_slug]))
        lesson.save_revision().publish()
    progress(f"lessons: {len(lessons)}")
    _ensure_groups()
    return []
