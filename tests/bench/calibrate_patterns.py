"""Calibrate patterns by meaning: pick the threshold on the calibration half of the labelled obstacle pairs,
report precision and recall on both halves, and say which threshold prompts/coaching/patterns.yaml holds.

    .venv/bin/python -m tests.bench.calibrate_patterns [--write] [--grid] [--show]

A false "this keeps coming back" is worse than a missed one, so the pick is the threshold with the best
recall whose calibration precision is at least --precision, in the middle of the run of thresholds that
give it. The aim is 0.9 on pairs never seen; precision drops out of sample, so the calibration asks 0.95.
The held-out half is never looked at to choose anything.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
PAIRS = REPO_ROOT / "tests" / "data" / "obstacle_pairs.yaml"
HALVES = ("calibration", "held_out")
STEP = 0.01


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    kind: str
    hard: bool


@dataclass(frozen=True)
class Figures:
    threshold: float
    precision: float
    recall: float
    tp: int
    fp: int
    fn: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}"
            f"  (tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def load_pairs(path: Path = PAIRS) -> dict[str, list[Pair]]:
    from coach.safe_load import load_yaml

    data: Any = load_yaml(path.read_text(encoding="utf-8"), source=path.name)
    return {
        half: [
            Pair(str(p["a"]), str(p["b"]), bool(p["same"]), str(p["kind"]), bool(p.get("hard", False)))
            for p in data[half]
        ]
        for half in HALVES
    }


def figures(scores: list[float], labels: list[bool], threshold: float) -> Figures:
    said = [s >= threshold for s in scores]
    tp = sum(1 for s, y in zip(said, labels, strict=True) if s and y)
    fp = sum(1 for s, y in zip(said, labels, strict=True) if s and not y)
    fn = sum(1 for s, y in zip(said, labels, strict=True) if not s and y)
    precision = tp / (tp + fp) if tp + fp else 1.0
    return Figures(threshold, precision, tp / (tp + fn) if tp + fn else 0.0, tp, fp, fn)


def sweep(scores: list[float], labels: list[bool]) -> list[Figures]:
    return [figures(scores, labels, round(i * STEP, 4)) for i in range(1, int(1 / STEP))]


def pick(scores: list[float], labels: list[bool], min_precision: float) -> Figures | None:
    """The best recall with precision ≥ min_precision (ties: better precision), mid-way along its run."""
    ok = [f for f in sweep(scores, labels) if f.precision >= min_precision and f.tp]
    if not ok:
        return None
    best = max((f.recall, f.precision) for f in ok)
    run = [f.threshold for f in ok if (f.recall, f.precision) == best]
    return figures(scores, labels, round((run[0] + run[-1]) / 2, 2))


def best_f1(scores: list[float], labels: list[bool]) -> Figures:
    return max(sweep(scores, labels), key=lambda f: (f.f1, f.threshold))


def yaml_threshold(path: Path) -> float:
    from coach.pattern_match import read_config

    return read_config(path).threshold


def write_threshold(path: Path, value: float) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(?m)^threshold: *[0-9.]+", f"threshold: {value:g}", text, count=1)
    if n != 1:
        raise SystemExit(f"{path.name}: no 'threshold:' line to update")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", type=float, default=0.95, help="calibration precision to keep")
    parser.add_argument("--write", action="store_true", help="put the picked threshold in patterns.yaml")
    parser.add_argument("--grid", action="store_true", help="also try temperature and floor (calibration)")
    parser.add_argument("--show", action="store_true", help="list the calibration pairs it gets wrong")
    args = parser.parse_args(argv)

    import numpy as np

    from coach.pattern_match import Matcher, config_path, load_config
    from coach.retrieval.embeddings import Embedder

    halves = load_pairs()
    embedder = Embedder()
    config = load_config()
    matcher = Matcher(embedder, config)
    texts = sorted({t for pairs in halves.values() for p in pairs for t in (p.a, p.b)})
    print(f"{PAIRS.relative_to(REPO_ROOT)}: {sum(map(len, halves.values()))} pairs, {len(texts)} statements")
    for half, pairs in halves.items():
        same = sum(p.same for p in pairs)
        hard = sum(p.hard for p in pairs)
        print(f"  {half}: {len(pairs)} pairs ({same} same kind, {len(pairs) - same} different; {hard} hard)")

    # baseline: plain cosine of the model's vectors, as a threshold would use it without the kinds
    vectors = dict(zip(texts, np.asarray(embedder.embed_documents(texts)), strict=True))
    print("\nBaseline, plain cosine similarity:")
    for half, pairs in halves.items():
        raw = [float(vectors[p.a] @ vectors[p.b]) for p in pairs]
        labels = [p.same for p in pairs]
        top = best_f1(raw, labels)
        print(f"  {half:11} best F1 at {top.threshold:.2f}: {top.line()}")
        most = max((f for f in sweep(raw, labels) if f.tp), key=lambda f: (f.precision, f.recall))
        print(f"  {half:11} best precision at {most.threshold:.2f}: {most.line()}")
        kept = pick(raw, labels, args.precision)
        print(
            f"  {half:11} precision ≥ {args.precision}: "
            + (kept.line() if kept else "reached at no threshold")
        )

    if args.grid:
        print("\nTemperature × floor on the calibration half (best recall at the precision asked):")
        pairs = halves["calibration"]
        labels = [p.same for p in pairs]
        for temperature in (0.02, 0.03, 0.04, 0.05):
            for floor in (0.2, 0.25, 0.3, 0.35, 0.4):
                tried = Matcher(
                    embedder, config.model_copy(update={"temperature": temperature, "floor": floor})
                )
                kept = pick(tried.pair_scores([(p.a, p.b) for p in pairs]), labels, args.precision)
                shown = f"{kept.threshold:.2f}: {kept.line()}" if kept else "-"
                print(f"  T {temperature:.2f} floor {floor:.2f}  {shown}")

    scores = {half: matcher.pair_scores([(p.a, p.b) for p in pairs]) for half, pairs in halves.items()}
    labels = {half: [p.same for p in pairs] for half, pairs in halves.items()}
    print(f"\nKinds ({len(config.kinds)}), temperature {config.temperature}, floor {config.floor}:")
    chosen = pick(scores["calibration"], labels["calibration"], args.precision)
    top = best_f1(scores["calibration"], labels["calibration"])
    print(f"  calibration best F1 at {top.threshold:.2f}: {top.line()}")
    if chosen is None:
        print(f"  no threshold reaches precision {args.precision} on the calibration half")
        return 1
    print(f"  picked {chosen.threshold:.2f} (best recall with calibration precision ≥ {args.precision})")
    in_yaml = yaml_threshold(config_path())
    for threshold, name in ((chosen.threshold, "picked"), (in_yaml, "patterns.yaml")):
        for half in HALVES:
            f = figures(scores[half], labels[half], threshold)
            print(f"  {name:13} {threshold:.2f} {half:11} {f.line()}")
        if in_yaml == chosen.threshold:
            break
    for half, pairs in halves.items():
        hard = [(s, p) for s, p in zip(scores[half], pairs, strict=True) if p.hard]
        pos = [s >= in_yaml for s, p in hard if p.same]
        neg = [s >= in_yaml for s, p in hard if not p.same]
        print(
            f"  {half:11} hard pairs at {in_yaml:.2f}: {sum(pos)}/{len(pos)} same found, "
            f"{sum(neg)}/{len(neg)} different wrongly matched"
        )
    if args.show:  # the calibration half only: tuning on the held-out half would void its figures
        for half, pairs in list(halves.items())[:1]:
            print(f"\nWrong on {half} at {in_yaml:.2f}:")
            for s, p in zip(scores[half], pairs, strict=True):
                if (s >= in_yaml) != p.same:
                    print(f"  {'missed' if p.same else 'FALSE '} {s:.2f}  {p.a} | {p.b}  ({p.kind})")
    if args.write and in_yaml != chosen.threshold:
        write_threshold(config_path(), chosen.threshold)
        in_yaml = chosen.threshold
        print(f"\nWrote threshold {chosen.threshold:.2f} to {config_path()}")
    same = "the picked one" if in_yaml == chosen.threshold else f"not the picked {chosen.threshold:.2f}"
    print(f"\nprompts/coaching/patterns.yaml has threshold {in_yaml:.2f} ({same}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
