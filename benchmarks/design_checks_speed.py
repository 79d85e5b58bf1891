"""Time of `run_checks` on the largest design a member can build from the repository: the base
questionnaire with every question-bank module added.

Run: `.venv/bin/python benchmarks/design_checks_speed.py`. Prints the median and the slowest of 50
runs, once with the standard questions recognised as such (what the builder does) and once with
every question checked as the member's own (the worst case). docs/benchmarks.md records the figures.
"""

import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.design_checks import run_checks  # noqa: E402
from app.questionnaires.definition import iter_questions  # noqa: E402
from app.questionnaires.services import BANK_DIR, BASE_DIR  # noqa: E402
from app.questionnaires.validation import check_file  # noqa: E402

RUNS = 50


def definitions() -> tuple[dict, list[dict]]:
    base = check_file(next(iter(sorted(BASE_DIR.glob("*.yaml"))))).definition
    return base, [check_file(path).definition for path in sorted(BANK_DIR.glob("*.yaml"))]


def whole_bank_survey(base: dict, bank: list[dict], mark_bank: bool = True) -> dict:
    """The base as a survey with every module's pages added at the end, as the builder adds them."""
    survey = copy.deepcopy(base) | {"kind": "survey", "base_version": base["version"]}
    option_lists = survey.setdefault("option_lists", {})
    for module in bank:
        lists = module.get("option_lists", {})
        renamed = {name: f"{module['code']}_{name}"[:32] for name in lists}
        option_lists.update({renamed[name]: options for name, options in lists.items()})
        for section in copy.deepcopy(module["sections"]):
            for question in section["questions"]:
                if mark_bank:
                    question["bank_module"] = module["code"]
                if isinstance(question.get("options"), str):
                    question["options"] = renamed[question["options"]]
            survey["sections"].append(section)
    return survey


def timed(definition: dict, base: dict | None, bank: list[dict]) -> list[float]:
    durations = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run_checks(definition, base=base, bank=bank)
        durations.append(time.perf_counter() - started)
    return durations


def main() -> None:
    base, bank = definitions()
    survey = whole_bank_survey(base, bank)
    questions = sum(1 for _ref in iter_questions(survey))
    for label, definition, standards in (
        ("standard questions recognised", survey, (base, bank)),
        ("every question checked", whole_bank_survey(base, bank, mark_bank=False), (None, [])),
    ):
        durations = timed(definition, *standards)
        print(
            f"run_checks, base + {len(bank)} bank modules ({questions} questions), {label}: "
            f"median {statistics.median(durations) * 1000:.1f} ms, slowest {max(durations) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
