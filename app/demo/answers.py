"""Plausible synthetic answers whose distributions differ by sector and region.

Generation follows the survey definition (types, options, show_if), with a profile per
organisation that shifts satisfaction, age and first-visit shares.
"""

import hashlib
import random
from dataclasses import dataclass

from app.questionnaires.conditions import condition_holds
from app.questionnaires.definition import iter_questions, options_of
from app.reference.services import current_items
from app.responses.services import AnswerValue

# Mean overall experience (1–5) by sector: the demo's sector differences.
SECTOR_SATISFACTION = {
    "theatre": 4.25,
    "opera_dance": 4.4,
    "orchestra": 4.45,
    "music_venue": 4.1,
    "culture_house": 4.0,
    "art_museum": 4.3,
    "history_museum": 4.05,
    "science_centre": 4.15,
    "kunsthall": 3.95,
    "cinema": 3.85,
    "festival": 4.35,
    "library": 4.2,
    "municipal_culture": 3.9,
    "other": 4.0,
}
# Positive values make the audience older; negative younger.
SECTOR_AGE_SHIFT = {
    "orchestra": 1.2,
    "opera_dance": 0.9,
    "history_museum": 0.6,
    "festival": -1.0,
    "cinema": -0.8,
    "music_venue": -0.7,
    "science_centre": -0.4,
}
SECTOR_FIRST_VISIT = {
    "art_museum": 0.45,
    "history_museum": 0.5,
    "science_centre": 0.45,
    "festival": 0.3,
    "theatre": 0.2,
    "orchestra": 0.15,
    "cinema": 0.1,
}
SECTOR_EVENT_TYPES = {
    "theatre": ["theatre", "musical"],
    "opera_dance": ["opera", "dance"],
    "orchestra": ["classical_concert"],
    "music_venue": ["other_concert"],
    "culture_house": ["theatre", "other_concert", "children_family"],
    "art_museum": ["art_exhibition"],
    "history_museum": ["museum"],
    "science_centre": ["museum", "children_family"],
    "kunsthall": ["art_exhibition"],
    "cinema": ["cinema"],
    "festival": ["festival", "other_concert"],
    "library": ["literature_talk"],
    "municipal_culture": ["children_family", "other_concert"],
}
# Northern and rural fylker rate their local institutions slightly higher in the demo.
FYLKE_SATISFACTION = {"18": 0.1, "55": 0.12, "56": 0.15, "03": -0.08, "46": 0.04}
AGE_BANDS = [
    "age_16_19",
    "age_20_24",
    "age_25_34",
    "age_35_44",
    "age_45_54",
    "age_55_66",
    "age_67_79",
    "age_80_plus",
]
AGE_WEIGHTS = [4, 7, 15, 16, 17, 18, 15, 5]


@dataclass(frozen=True)
class AudienceProfile:
    sector: str
    fylke: str
    satisfaction: float
    age_shift: float
    first_visit: float

    @classmethod
    def for_organisation(cls, sector: str, fylke: str, rng: random.Random) -> "AudienceProfile":
        satisfaction = SECTOR_SATISFACTION.get(sector, 4.0) + FYLKE_SATISFACTION.get(fylke, 0.0)
        return cls(
            sector=sector,
            fylke=fylke,
            satisfaction=min(4.8, satisfaction + rng.gauss(0, 0.12)),
            age_shift=SECTOR_AGE_SHIFT.get(sector, 0.0) + rng.gauss(0, 0.3),
            first_visit=min(0.9, max(0.03, SECTOR_FIRST_VISIT.get(sector, 0.25) + rng.gauss(0, 0.05))),
        )


def _stable_weight(*parts: str) -> float:
    """A fixed pseudo-random weight per option, so generic questions have varied but stable shapes."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return 0.3 + digest[0] / 255 * 2


class AnswerGenerator:
    def __init__(self, definition: dict, rng: random.Random):
        self.definition = definition
        self.rng = rng
        self.questions = [ref.question for ref in iter_questions(definition)]
        self.fylker = [item["code"] for item in current_items("fylke")]

    def respond(self, profile: AudienceProfile, complete: bool = True) -> tuple[list[AnswerValue], bool]:
        """Answers for one respondent, and whether they were screened out."""
        given: dict[str, object] = {}
        values: list[AnswerValue] = []
        first_section = self.definition["sections"][0]["code"]
        for ref in iter_questions(self.definition):
            question = ref.question
            if not complete and ref.section_code != first_section:
                break
            if not condition_holds(question.get("show_if"), given):
                continue
            if not question["required"] and self.rng.random() < 0.12:
                continue
            answer = self._answer(question, profile)
            if answer is None:
                continue
            given[question["code"]] = answer
            values += self._values(question, answer)
            if self._screens_out(question, answer):
                return values, True
        return values, False

    def _screens_out(self, question: dict, answer) -> bool:
        options = options_of(self.definition, question) or []
        return any(o["code"] == answer and "screen_out" in o for o in options)

    def _answer(self, question: dict, profile: AudienceProfile):
        code, kind = question["code"], question["type"]
        rng = self.rng
        if code == "age_group":
            if rng.random() < 0.01:
                return "under_16"
            if rng.random() < 0.02:
                return "prefer_not_to_say"
            index = round(
                rng.choices(range(len(AGE_BANDS)), AGE_WEIGHTS)[0] + rng.gauss(profile.age_shift, 0.8)
            )
            return AGE_BANDS[min(len(AGE_BANDS) - 1, max(0, index))]
        if code == "first_visit":
            return (
                "yes"
                if rng.random() < profile.first_visit
                else rng.choices(["no", "dont_remember"], [12, 1])[0]
            )
        if code == "event_type" and profile.sector in SECTOR_EVENT_TYPES and rng.random() < 0.85:
            return rng.choice(SECTOR_EVENT_TYPES[profile.sector])
        if kind == "reference_choice":
            return self._reference(question, profile)
        if kind == "rating":
            points = question["scale"]["points"]
            centre = 1 + (profile.satisfaction - 1) * (points - 1) / 4
            return min(points, max(1, round(rng.gauss(centre, 0.75))))
        if kind == "nps":
            return min(10, max(0, round(rng.gauss(profile.satisfaction * 2 - 0.3, 1.6))))
        if kind == "slider":
            return min(100, max(0, round(rng.gauss(profile.satisfaction * 17, 15))))
        if kind == "number":
            low, high = question.get("min", 0), question.get("max", 10)
            return min(high, max(low, round(rng.triangular(low, high, low + (high - low) * 0.15))))
        if kind == "short_text" or kind == "long_text":
            return None if rng.random() < 0.85 else rng.choice(DEMO_COMMENTS)
        if kind in ("single_choice", "matrix"):
            return self._choice(question)
        if kind == "multiple_choice":
            return self._multiple(question)
        return None

    def _options(self, question: dict) -> list[dict]:
        return [o for o in options_of(self.definition, question) or [] if "screen_out" not in o]

    def _choice(self, question: dict) -> str:
        options = self._options(question)
        weights = [_stable_weight(question["code"], o["code"]) for o in options]
        return self.rng.choices([o["code"] for o in options], weights)[0]

    def _multiple(self, question: dict) -> frozenset:
        options = self._options(question)
        plain = [o for o in options if not o.get("exclusive")]
        exclusive = [o for o in options if o.get("exclusive")]
        if exclusive and self.rng.random() < 0.15:
            return frozenset({self.rng.choice(exclusive)["code"]})
        limit = question.get("max_selections", len(plain))
        count = min(limit, max(1, round(self.rng.expovariate(0.7))))
        weights = [_stable_weight(question["code"], o["code"]) for o in plain]
        chosen = set()
        while len(chosen) < min(count, len(plain)):
            chosen.add(self.rng.choices([o["code"] for o in plain], weights)[0])
        return frozenset(chosen)

    def _reference(self, question: dict, profile: AudienceProfile) -> str:
        if question["reference"] == "fylke":
            if self.rng.random() < 0.03 and question.get("extra_options"):
                return question["extra_options"][0]["code"]
            return profile.fylke if self.rng.random() < 0.75 else self.rng.choice(self.fylker)
        if question["reference"] == "country":
            return self.rng.choice(["SE", "DK", "DE", "GB", "PL", "US", "FI", "NL"])
        return self.rng.choice([item["code"] for item in current_items(question["reference"])])

    def _values(self, question: dict, answer) -> list[AnswerValue]:
        code, kind = question["code"], question["type"]
        if kind == "matrix":
            return [AnswerValue(row["code"], option_code=self._choice(question)) for row in question["rows"]]
        if kind == "multiple_choice":
            return [AnswerValue(code, option_code=option) for option in sorted(answer)]
        if kind in ("single_choice", "reference_choice"):
            return [AnswerValue(code, option_code=answer)]
        if kind in ("short_text", "long_text"):
            return [AnswerValue(code, text_value=answer)]
        return [AnswerValue(code, number_value=float(answer))]


DEMO_COMMENTS = [
    "Fantastisk forestilling, kommer gjerne igjen!",
    "Litt for varmt i salen.",
    "Savnet bedre skilting fra parkeringen.",
    "Flott formidling, barna elsket det.",
    "Billettkjøpet på nett var tungvint.",
    "Veldig hyggelig personale.",
    "Great evening, thank you!",
    "Ønsker flere forestillinger i helgene.",
]
