"""Synthetic member organisations, spread so the demo shows every benchmark outcome."""

import random
from dataclasses import dataclass

from app.organisations.services import orgnr_check_digit

# (sector, fylke, how many): one group large enough for a sector × fylke benchmark,
# some just below the threshold, and the rest spread thinly.
ANCHOR_GROUPS = (
    ("theatre", "46", 8),
    ("art_museum", "03", 6),
    ("festival", "46", 5),
    ("orchestra", "50", 4),
    ("history_museum", "34", 4),
    ("culture_house", "11", 3),
)

PLACE_NAMES = {
    "03": ["Oslo", "Grünerløkka", "Frogner", "Bjørvika", "Tøyen", "Majorstuen", "Vika"],
    "11": ["Stavanger", "Sandnes", "Haugesund", "Egersund", "Bryne"],
    "15": ["Ålesund", "Molde", "Kristiansund", "Ørsta", "Volda"],
    "18": ["Bodø", "Mo i Rana", "Narvik", "Svolvær", "Mosjøen"],
    "31": ["Fredrikstad", "Sarpsborg", "Moss", "Halden"],
    "32": ["Lillestrøm", "Bærum", "Asker", "Jessheim", "Ski"],
    "33": ["Drammen", "Kongsberg", "Hønefoss", "Geilo"],
    "34": ["Hamar", "Lillehammer", "Gjøvik", "Elverum", "Kongsvinger", "Otta"],
    "39": ["Tønsberg", "Sandefjord", "Larvik", "Horten"],
    "40": ["Skien", "Porsgrunn", "Notodden", "Kragerø"],
    "42": ["Kristiansand", "Arendal", "Grimstad", "Mandal", "Flekkefjord"],
    "46": ["Bergen", "Førde", "Voss", "Stord", "Odda", "Florø", "Sogndal", "Os", "Knarvik", "Leikanger"],
    "50": ["Trondheim", "Steinkjer", "Levanger", "Røros", "Orkanger"],
    "55": ["Tromsø", "Harstad", "Finnsnes"],
    "56": ["Alta", "Hammerfest", "Kirkenes", "Vadsø"],
}

SECTOR_NAMES = {
    "theatre": ["Teater", "Scene", "Teaterverksted", "Friteater", "Dukketeater", "Sommerteater"],
    "opera_dance": ["Opera", "Dansekompani", "Danseverksted"],
    "orchestra": ["Symfoniorkester", "Kammerorkester", "Sinfonietta", "Brass"],
    "music_venue": ["Konsertscene", "Jazzklubb", "Musikkens hus"],
    "culture_house": ["Kulturhus", "Kulturscene", "Storstue"],
    "art_museum": [
        "Kunstmuseum",
        "Kunstsamlinger",
        "Billedgalleri",
        "Kunstnerhus",
        "Skulpturpark",
        "Kunstmagasin",
    ],
    "history_museum": ["Museum", "Bygdetun", "Byhistoriske museum", "Folkemuseum"],
    "science_centre": ["Vitensenter", "Naturhistoriske museum"],
    "kunsthall": ["Kunsthall", "Kunstsenter"],
    "cinema": ["Kino", "Cinematek"],
    "festival": ["Festspill", "Jazzfestival", "Kulturfestival", "Litteraturfestival", "Filmfestival"],
    "library": ["Litteraturhus", "Bibliotek"],
    "municipal_culture": ["kommune, kulturetaten"],
    "other": ["Kultursenter"],
}

SIZE_BAND_WEIGHTS = {"fte_under_5": 3, "fte_5_19": 4, "fte_20_49": 3, "fte_50_99": 2, "fte_100_plus": 1}


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    orgnr: str
    sector: str
    fylke: str
    size_band: str
    benchmark_opt_in: bool


def demo_orgnr(rng: random.Random, taken: set[str]) -> str:
    while True:
        first_eight = str(rng.randint(80_000_000, 99_999_999))
        digit = orgnr_check_digit(first_eight)
        orgnr = f"{first_eight}{digit}" if digit is not None else None
        if orgnr and orgnr not in taken:
            taken.add(orgnr)
            return orgnr


def plan_organisations(count: int, rng: random.Random) -> list[DemoOrganisation]:
    slots = [(sector, fylke) for sector, fylke, n in ANCHOR_GROUPS for _ in range(n)]
    sectors = list(SECTOR_NAMES)
    fylker = list(PLACE_NAMES)
    while len(slots) < count:
        slots.append((rng.choice(sectors), rng.choice(fylker)))
    names: set[str] = set()
    orgnrs: set[str] = set()
    planned = []
    for sector, fylke in slots[:count]:
        name = _unique_name(rng, sector, fylke, names)
        size_band = rng.choices(list(SIZE_BAND_WEIGHTS), weights=list(SIZE_BAND_WEIGHTS.values()))[0]
        planned.append(
            DemoOrganisation(name, demo_orgnr(rng, orgnrs), sector, fylke, size_band, rng.random() > 0.05)
        )
    return planned


def _unique_name(rng: random.Random, sector: str, fylke: str, taken: set[str]) -> str:
    for _ in range(100):
        name = f"{rng.choice(PLACE_NAMES[fylke])} {rng.choice(SECTOR_NAMES[sector])}"
        if name not in taken:
            taken.add(name)
            return name
    suffix = 2
    while f"{name} {suffix}" in taken:
        suffix += 1
    taken.add(f"{name} {suffix}")
    return f"{name} {suffix}"
