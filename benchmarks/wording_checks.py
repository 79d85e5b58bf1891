"""Precision and recall of the wording checks on the labelled corpus (tests/data/wording_corpus.yaml).

Run: `.venv/bin/python benchmarks/wording_checks.py` (add `--misses` to list the texts judged
wrongly). Prints one row per check, language and set (`development`: the texts the word lists were
tuned on; `held_out`: texts never tuned on); docs/design-checks.md records the figures.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.design_checks.wording import TEXT_CHECKS  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "wording_corpus.yaml"


@dataclass(frozen=True)
class Score:
    check: str
    language: str
    subset: str
    examples: int
    true_positives: int
    false_positives: int
    false_negatives: int
    misses: tuple[str, ...]

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        relevant = self.true_positives + self.false_negatives
        return self.true_positives / relevant if relevant else 1.0


def load_corpus(path: Path = CORPUS) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def measure(corpus: dict) -> list[Score]:
    scores = []
    for check, languages in corpus.items():
        function = TEXT_CHECKS[check]
        for language, subsets in languages.items():
            for subset, examples in subsets.items():
                flagged = [text for text in examples["flag"] if function(text, language)]
                wrongly = [text for text in examples["pass"] if function(text, language)]
                missed = [text for text in examples["flag"] if text not in flagged]
                scores.append(
                    Score(
                        check,
                        language,
                        subset,
                        len(examples["flag"]) + len(examples["pass"]),
                        len(flagged),
                        len(wrongly),
                        len(missed),
                        tuple([f"missed: {t}" for t in missed] + [f"false alarm: {t}" for t in wrongly]),
                    )
                )
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list the texts judged wrongly")
    args = parser.parse_args()
    print("| check | language | set | examples | precision | recall |")
    print("|---|---|---|---|---|---|")
    for score in measure(load_corpus()):
        print(
            f"| {score.check} | {score.language} | {score.subset} | {score.examples} "
            f"| {score.precision:.2f} | {score.recall:.2f} |"
        )
        if args.misses:
            for line in score.misses:
                print(f"    {line}")


if __name__ == "__main__":
    main()
