"""Validates the judge on ground-truth renders from the generator (every colour x shape x position,
both sizes, jittered, on a random other background) and on the held-out test cases."""

import collections
import random

from .dataset import all_combos, heldout_test_cases
from .judge import judge_cases, judge_image
from .render import Scene, ShapeObject, render_scene
from .vocabulary import BACKGROUNDS, SIZES


def validate_judge(seed=5):
    rng = random.Random(seed)
    total, correct, misses = collections.Counter(), collections.Counter(), collections.Counter()
    for color, shape, position in all_combos():
        for size in SIZES:
            background = rng.choice([b for b in BACKGROUNDS if b != color])
            obj = ShapeObject(color, shape, size, position, rng.uniform(-0.03, 0.03),
                              rng.uniform(-0.03, 0.03), rng.uniform(0.92, 1.08))
            verdict = judge_image(render_scene(Scene(background, (obj,))))
            for key, want in (("color", color), ("shape", shape), ("position", position)):
                total[key] += 1
                correct[key] += verdict[key] == want
                if verdict[key] != want:
                    misses[f"{key}: {size} {want} judged {verdict[key]}"] += 1
    cases = heldout_test_cases()
    images = [render_scene(Scene(c["background"], (ShapeObject(c["color"], c["shape"], c["size"],
                                                               c["position"]),))) for c in cases]
    heldout = judge_cases(images, cases)
    return {
        "renders": total["color"],
        "accuracy": {k: correct[k] / total[k] for k in total},
        "misses": dict(misses),
        "heldout_ground_truth": {k: heldout[k] for k in ("color", "shape", "position", "all")},
    }
