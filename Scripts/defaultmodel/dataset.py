"""Deterministic procedural scenes with varied captions, and the held-out combination split.

A scene is drawn from `random.Random(seed)` only, so `sample_scene(seed)` always
returns the same scene and `caption_for(scene, seed)` the same caption.
"""

import itertools
import json
import random
from pathlib import Path

from .render import Scene, ShapeObject
from .vocabulary import (BACKGROUNDS, COLOR_VARIANTS, COLORS, POSITION_PHRASES, POSITION_SHORT,
                         POSITIONS, SHAPES, SIZES)

HELDOUT_PATH = Path(__file__).resolve().parent / "heldout.json"
HELDOUT_SEED = 20261121
HELDOUT_FRACTION = 0.10
TWO_SHAPE_FRACTION = 0.30
# Layouts for two-shape scenes: (first position, second position, relation words).
PAIR_LAYOUTS = [("left", "right", "to the left of"), ("top", "bottom", "above")]


def all_combos():
    """Every (colour, shape, position) triple, in a fixed order."""
    return list(itertools.product(COLORS.keys(), SHAPES, POSITIONS.keys()))


def heldout_combos(seed=HELDOUT_SEED, fraction=HELDOUT_FRACTION):
    """The colour x shape x position triples that training never draws (a fixed random ~10%)."""
    combos = all_combos()
    rng = random.Random(seed)
    count = round(len(combos) * fraction)
    return sorted(rng.sample(combos, count), key=combos.index)


_HELDOUT = frozenset(heldout_combos())


def is_heldout(color, shape, position):
    return (color, shape, position) in _HELDOUT


def _jittered(rng, color, shape, size, position):
    return ShapeObject(color=color, shape=shape, size=size, position=position,
                       dx=rng.uniform(-0.03, 0.03), dy=rng.uniform(-0.03, 0.03),
                       scale=rng.uniform(0.92, 1.08))


def sample_scene(seed, allow_heldout=False):
    """A random training scene; held-out triples are rejected unless `allow_heldout`."""
    rng = random.Random(seed * 7919 + 17)
    while True:
        background = rng.choice(BACKGROUNDS)
        colors = [c for c in COLORS if c != background]
        if rng.random() < TWO_SHAPE_FRACTION:
            first_pos, second_pos, _ = rng.choice(PAIR_LAYOUTS)
            c1, c2 = rng.sample(colors, 2)
            objects = (_jittered(rng, c1, rng.choice(SHAPES), "small", first_pos),
                       _jittered(rng, c2, rng.choice(SHAPES), "small", second_pos))
        else:
            objects = (_jittered(rng, rng.choice(colors), rng.choice(SHAPES),
                                 rng.choice(list(SIZES)), rng.choice(list(POSITIONS))),)
        if allow_heldout or not any(is_heldout(o.color, o.shape, o.position) for o in objects):
            return Scene(background=background, objects=objects)


def _color_word(rng, color):
    return rng.choice(COLOR_VARIANTS.get(color, [color]))


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


# Share of one-shape training captions drawn from the TRAIN phrasing families (phrasings.py): other
# word orders, synonyms and background prepositions, so plain phrasing keeps its colours.
PHRASING_FAMILY_FRACTION = 0.5
# Share of the fixed-template captions (one- and two-shape) that name the shape by a synonym
# ("box", "tile", "three-sided shape"; phrasings.SHAPE_SYNONYMS) instead of its canonical name. The
# sixth run drew synonyms only in phrasing-family captions and got them right 1 time in 10-20 (seventh
# run onwards; see docs/default-model.md).
SYNONYM_FRACTION = 0.35


def _shape_word(rng, shape):
    from .phrasings import SHAPE_SYNONYMS
    if rng.random() < SYNONYM_FRACTION:
        return rng.choice(SHAPE_SYNONYMS.get(shape, [shape]))
    return shape


def caption_single(obj, background, rng):
    """One of several natural or terse captions for a one-shape scene."""
    if rng.random() < PHRASING_FAMILY_FRACTION:
        from .phrasings import train_caption
        return train_caption(obj, background, rng)
    color = _color_word(rng, obj.color)
    bg = _color_word(rng, background)
    pos = rng.choice(POSITION_PHRASES[obj.position])
    short = rng.choice(POSITION_SHORT[obj.position])
    size = obj.size
    a, abg = _article(color), _article(bg)
    obj = ShapeObject(color=obj.color, shape=_shape_word(rng, obj.shape), size=obj.size, position=obj.position)
    templates = [
        f"a {size} {color} {obj.shape} {pos} on {abg} {bg} background",
        f"{a} {color} {obj.shape} {pos} on {abg} {bg} background",
        f"{a} {color} {obj.shape} {pos}",
        f"a {size} {color} {obj.shape} {pos}",
        f"{color} {obj.shape}, {short}, {bg} background",
        f"{size} {color} {obj.shape}, {short}, {bg} background",
        f"a picture of a {size} {color} {obj.shape} {pos}, {bg} background",
        f"{abg} {bg} background with a {size} {color} {obj.shape} {pos}",
        f"{a} {color} {obj.shape} on {abg} {bg} background",
        f"a {size} {color} {obj.shape}",
    ]
    # The last two omit the position / background, so sampling can fill them in.
    weights = [4, 4, 2, 2, 2, 2, 1, 1, 1, 1]
    return rng.choices(templates, weights=weights)[0]


def caption_pair(first, second, background, rng):
    """Captions for a two-shape scene; `first` is left of (or above) `second`."""
    relation = {("left", "right"): "to the left of", ("top", "bottom"): "above"}[
        (first.position, second.position)]
    c1, c2, bg = (_color_word(rng, first.color), _color_word(rng, second.color),
                  _color_word(rng, background))
    p1 = rng.choice(POSITION_PHRASES[first.position])
    p2 = rng.choice(POSITION_PHRASES[second.position])
    a1, a2, abg = _article(c1), _article(c2), _article(bg)
    first = ShapeObject(color=first.color, shape=_shape_word(rng, first.shape), size=first.size, position=first.position)
    second = ShapeObject(color=second.color, shape=_shape_word(rng, second.shape), size=second.size,
                         position=second.position)
    templates = [
        f"two shapes: {a1} {c1} {first.shape} and {a2} {c2} {second.shape}",
        f"two shapes: {a1} {c1} {first.shape} {p1} and {a2} {c2} {second.shape} {p2}",
        f"{a1} {c1} {first.shape} {p1} and {a2} {c2} {second.shape} {p2} on {abg} {bg} background",
        f"{a1} {c1} {first.shape} {relation} {a2} {c2} {second.shape}",
        f"{a1} {c1} {first.shape} {relation} {a2} {c2} {second.shape} on {abg} {bg} background",
        f"{c1} {first.shape} and {c2} {second.shape}, {bg} background",
    ]
    return rng.choice(templates)


def caption_for(scene, seed):
    """A caption for `scene` chosen deterministically from `seed`."""
    rng = random.Random(seed * 104729 + 3)
    if len(scene.objects) == 1:
        return caption_single(scene.objects[0], scene.background, rng)
    return caption_pair(scene.objects[0], scene.objects[1], scene.background, rng)


def heldout_test_cases(seed=HELDOUT_SEED):
    """Fixed captions (one per held-out triple) with sampling seeds and the expected answer."""
    rng = random.Random(seed + 1)
    cases = []
    for index, (color, shape, position) in enumerate(heldout_combos(seed)):
        background = rng.choice([b for b in ("white", "black", "gray") if b != color])
        size = "large" if index % 2 == 0 else "small"
        phrase = POSITION_PHRASES[position][0]
        cases.append({
            "caption": f"a {size} {color} {shape} {phrase} on {_article(background)} {background} background",
            "seed": 1000 + index,
            "color": color, "shape": shape, "position": position,
            "size": size, "background": background,
        })
    return cases


def judge_parameters():
    """The judge's constants (see judge.py), so that the Swift test uses the same numbers."""
    from . import judge
    return {"reference_hues_degrees": judge.HUES, **judge.THRESHOLDS}


def heldout_document():
    """The JSON document written to heldout.json (read later by the Swift semantic test)."""
    return {
        "description": "ArtFactory shapes data set: colour x shape x position triples never drawn "
                       "in training, and fixed test captions with seeds. See docs/default-model.md.",
        "image_size": 64,
        "colors": {k: list(v) for k, v in COLORS.items()},
        "backgrounds": BACKGROUNDS,
        "shapes": SHAPES,
        "positions": {k: list(v) for k, v in POSITIONS.items()},
        "sizes": SIZES,
        "heldout_combos": [{"color": c, "shape": s, "position": p} for c, s, p in heldout_combos()],
        "test_cases": heldout_test_cases(),
        "judge": judge_parameters(),
    }


def write_heldout(path=HELDOUT_PATH):
    path.write_text(json.dumps(heldout_document(), indent=1) + "\n")
    return path
