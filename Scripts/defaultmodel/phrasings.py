"""Phrasing families: the ways a person words a one-shape scene, split three ways.

People do not type the caption template the model was trained on: "green triangle, white
background", "a big round red disc against black", "white background, blue star at the top". Each
family here is one way of wording (word order, articles, commas, size words, shape and colour
synonyms, background prepositions). The split:

- TRAIN families: drawn by `caption_single` (dataset.py) for training captions.
- VALIDATION families: never in training; used to choose checkpoints and guidance.
- TEST families: never in training and never used for any choice; the figures reported against
  the issue's targets come from these alone.
- BLIND families: test families written on 4 December 2026, before the sixth run, after the fifth
  run's test figures had shaped the sixth run's training clauses (colour after the noun, "and ..."
  background clauses, lead-in words). The four older test families stay unseen as templates, but
  their failures informed training; the blind two were never evaluated before the run they judge.
- BLIND2 families: written on 4 December 2026 (evening), before the seventh run, after the sixth
  run's misses were traced to shape synonyms ("box", "tile", "three-sided shape" were drawn right in
  1 of 10-23 cases). The seventh run trains more on synonyms; these three families judge it blind.

Every family keeps the colour and shape in the caption; a family may leave out the position or the
background, and its cases say so (`states_position`), so the judge scores position only where the
caption asked for one.
"""

import random

from .dataset import _article, heldout_combos, HELDOUT_SEED
from .vocabulary import COLOR_VARIANTS, POSITION_PHRASES, POSITION_SHORT

# Words a person uses for our shapes (the canonical name first).
SHAPE_SYNONYMS = {
    "circle": ["circle", "disc", "disk", "round dot", "round shape"],
    "square": ["square", "box", "square block", "tile"],
    "triangle": ["triangle", "three-sided shape", "triangular shape"],
    "star": ["star", "five-pointed star", "star shape"],
    "ring": ["ring", "donut", "hoop", "circle outline"],
    "cross": ["cross", "plus sign", "plus", "plus shape"],
}
SIZE_SYNONYMS = {"small": ["small", "little", "tiny"], "large": ["large", "big", "huge"]}
BACKGROUND_PHRASES = ["on a {bg} background", "over a {bg} background", "against a {bg} background",
                      "on {bg}", "against {bg}", "with a {bg} backdrop", "on a plain {bg} background"]


def _w(rng, table, key):
    return rng.choice(table.get(key, [key]))


def _words(rng, c):
    """The words one caption uses: colour, shape, size, background, position phrase and short form."""
    return dict(
        c=_w(rng, COLOR_VARIANTS, c["color"]), s=c["shape"], syn=_w(rng, SHAPE_SYNONYMS, c["shape"]),
        z=c["size"], zs=_w(rng, SIZE_SYNONYMS, c["size"]), bg=_w(rng, COLOR_VARIANTS, c["background"]),
        p=rng.choice(POSITION_PHRASES[c["position"]]), ps=rng.choice(POSITION_SHORT[c["position"]]))


# name -> (split, template, states position). Templates use the keys of `_words`; `{a_c}` etc. are
# "a"/"an" agreeing with the next word.
FAMILIES = {
    # Training: the forms the shipped model already saw, plus new orders and synonyms.
    "template": ("train", "a {z} {c} {s} {p} on {a_bg} {bg} background", True),
    "terse-comma": ("train", "{c} {s}, {ps}, {bg} background", True),
    "shape-first": ("train", "{s}, {c}, {ps}, {bg} background", True),
    "background-first": ("train", "{a_bg} {bg} background with a {z} {c} {s} {p}", True),
    "synonym-shape": ("train", "{a_c} {c} {syn} {p} on {a_bg} {bg} background", True),
    "against": ("train", "{a_c} {c} {s} against {a_bg} {bg} backdrop, {ps}", True),
    # Validation: for choosing checkpoints and guidance, never trained on.
    "over-background": ("validation", "{a_c} {c} {s} {p} over {a_bg} {bg} background", True),
    "size-synonym": ("validation", "a {zs} {c} {s} {p}, {bg} background", True),
    # Test: never trained on, never used for a choice.
    "no-position": ("test", "{c} {s}, {bg} background", False),
    "colour-of": ("test", "{a_syn} {syn} in {c} on {bg}, {ps}", True),
    "position-first": ("test", "{p}: {a_zs} {zs} {c} {syn}, {bg} background", True),
    "plain-sentence": ("test", "there is {a_c} {c} {s} {p} and the background is {bg}", True),
    # Blind test (see the module docstring): appended, so the older families keep their seeds.
    "request": ("blind", "make me {a_c} {c} {syn} {p}; the backdrop should be {bg}", True),
    "key-value": ("blind", "shape: {syn}, colour: {c}, place: {ps}, background: {bg}", True),
    # Second blind set (see the module docstring), appended likewise.
    "question": ("blind2", "could you draw {a_c} {c} {syn}? put it {p} and make the background {bg}", True),
    "pipe-list": ("blind2", "{syn} | {c} | {ps} | {bg} backdrop", True),
    "which-is": ("blind2", "{a_zs} {zs} {syn}, which is {c}, sitting {p} on {a_bg} {bg} canvas", True),
    # Validation with shape synonyms (the two above use canonical names only), added with blind2 so
    # that checkpoint choice sees synonyms; appended so the other families keep their seeds.
    "synonym-over": ("validation", "{a_zs} {zs} {c} {syn} {p} over {a_bg} {bg} background", True),
}
SPLITS = ("train", "validation", "test", "blind", "blind2")


def families(split):
    return [name for name, (s, _, _) in FAMILIES.items() if s == split]


def render(family, words):
    _, template, _ = FAMILIES[family]
    filled = dict(words)
    for key in ("c", "bg", "syn", "zs", "z"):
        filled["a_" + key] = _article(words[key])
    return template.format(**filled)


def caption(family, case, rng):
    """One caption of `family` for a test case (colour, shape, position, size, background)."""
    return render(family, _words(rng, case))


# Clauses for composed training captions (`composed_caption`). They use only the words and forms of
# the TRAIN families (no "over", no size synonyms: those belong to the validation families) but put
# the clauses in any order with any separator, so the text encoder learns that order and punctuation
# do not change what a caption asks for.
COMPOSED_OBJECT = ["{a_c} {c} {syn}", "{c} {syn}", "{a_z} {z} {c} {syn}", "{z} {c} {syn}", "{syn}, {c}",
                   "{a_c} {c} {s}", "{c} {s}",
                   # Colour after the noun, with connectors the test families do not use ("in").
                   "{a_syn} {syn} coloured {c}", "{a_syn} {syn} painted {c}",
                   "{a_syn} {syn} that is {c}", "{a_z} {z} {syn} coloured {c}", "{a_s} {s} of colour {c}"]
COMPOSED_BACKGROUND = ["{bg} background", "on {a_bg} {bg} background", "against {a_bg} {bg} backdrop",
                       "on {bg}", "against {bg}", "with {a_bg} {bg} backdrop", "{a_bg} {bg} background",
                       "on a plain {bg} background",
                       # Clause forms: the background as its own statement, so an "and" before it
                       # does not read as a second shape (two-shape captions join shapes with "and").
                       "and {a_bg} {bg} background", "and the background {bg}", "the background colour {bg}",
                       "with the background {bg}", "and a plain {bg} backdrop"]
# Lead-in words a person puts before the scene; they name nothing that is drawn.
COMPOSED_LEAD_INS = ["a picture of", "an image of", "showing", "I want", "just", "simple:", "draw"]
COMPOSED_LEAD_IN_FRACTION = 0.25
COMPOSED_POSITION = ["{p}", "{ps}", "{p}", "{ps}", None]
COMPOSED_SEPARATORS = [", ", " ", "; ", ", "]

# Share of TRAIN-family captions that are composed rather than one of the fixed templates.
COMPOSED_FRACTION = 0.5


def composed_caption(words, rng):
    """Object, position and background clauses in a random order, joined by random separators."""
    filled = dict(words)
    for key in ("c", "bg", "syn", "zs", "z", "s"):
        filled["a_" + key] = _article(words[key])
    clauses = [rng.choice(COMPOSED_OBJECT).format(**filled),
               rng.choice(COMPOSED_BACKGROUND).format(**filled)]
    position = rng.choice(COMPOSED_POSITION)
    if position is not None:
        clauses.append(position.format(**filled))
    rng.shuffle(clauses)
    if clauses[0].startswith("and "):  # a sentence does not open with "and"
        clauses[0] = clauses[0][4:]
    text = clauses[0]
    for clause in clauses[1:]:
        text += (" " if clause.startswith("and ") else rng.choice(COMPOSED_SEPARATORS)) + clause
    if rng.random() < COMPOSED_LEAD_IN_FRACTION:
        text = rng.choice(COMPOSED_LEAD_INS) + " " + text
    return text


def train_caption(obj, background, rng):
    """A training caption in one of the TRAIN families (used by dataset.caption_single)."""
    case = {"color": obj.color, "shape": obj.shape, "position": obj.position, "size": obj.size,
            "background": background}
    if rng.random() < COMPOSED_FRACTION:
        return composed_caption(_words(rng, case), rng)
    return caption(rng.choice(families("train")), case, rng)


def family_cases(family, seed=HELDOUT_SEED):
    """The held-out colour x shape x position triples worded in `family`, with fixed seeds.

    Sampling seeds differ from heldout.json's (and per family), so a family's figure is not the
    same images re-judged.
    """
    rng = random.Random(f"{seed}-{family}")
    offset = 5000 + 1000 * list(FAMILIES).index(family)
    _, _, states_position = FAMILIES[family]
    cases = []
    for index, (color, shape, position) in enumerate(heldout_combos(seed)):
        background = rng.choice([b for b in ("white", "black", "gray") if b != color])
        case = {"color": color, "shape": shape, "position": position, "background": background,
                "size": "large" if index % 2 == 0 else "small", "seed": offset + index,
                "family": family, "states_position": states_position}
        case["caption"] = caption(family, case, rng)
        cases.append(case)
    return cases
