"""Named colours, shapes, sizes and positions of the ArtFactory shapes data set.

Everything here is plain data so that the Swift semantic test can mirror it
(the same numbers are written to heldout.json and documented in
docs/default-model.md).
"""

# Foreground colours (sRGB 0-255). Chosen so that a hue-based judge can tell
# them apart: chromatic colours are at least ~25 degrees apart in hue (brown
# shares orange's hue but is much darker), and white / gray / black have no
# saturation and differ in value.
COLORS = {
    "red": (220, 30, 30),
    "orange": (245, 140, 20),
    "yellow": (240, 220, 30),
    "green": (40, 170, 50),
    "cyan": (30, 200, 220),
    "blue": (30, 70, 220),
    "purple": (140, 50, 200),
    "pink": (245, 120, 190),
    "brown": (130, 75, 30),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
    "gray": (128, 128, 128),
}

# Background colours are a subset of the palette (a shape is never drawn in
# its background's colour).
BACKGROUNDS = ["white", "black", "gray", "blue", "green", "red", "yellow", "purple"]

SHAPES = ["circle", "square", "triangle", "star", "ring", "cross"]

# Shape "radius" as a fraction of the image width (before +-8% jitter).
SIZES = {"small": 0.13, "large": 0.20}

# Centre of the shape's area (its centroid) as fractions of width / height.
POSITIONS = {
    "top left": (0.27, 0.27),
    "top": (0.50, 0.27),
    "top right": (0.73, 0.27),
    "left": (0.27, 0.50),
    "centre": (0.50, 0.50),
    "right": (0.73, 0.50),
    "bottom left": (0.27, 0.73),
    "bottom": (0.50, 0.73),
    "bottom right": (0.73, 0.73),
}

# Natural-language phrases for each position (one is chosen per caption).
POSITION_PHRASES = {
    "top left": ["in the top left corner", "in the upper left corner", "at the top left"],
    "top": ["at the top", "at the top of the image", "near the top"],
    "top right": ["in the top right corner", "in the upper right corner", "at the top right"],
    "left": ["on the left", "on the left side", "at the left"],
    "centre": ["in the centre", "in the center", "in the middle"],
    "right": ["on the right", "on the right side", "at the right"],
    "bottom left": ["in the bottom left corner", "in the lower left corner", "at the bottom left"],
    "bottom": ["at the bottom", "at the bottom of the image", "near the bottom"],
    "bottom right": ["in the bottom right corner", "in the lower right corner", "at the bottom right"],
}

# Terse forms used by the list-style caption templates.
POSITION_SHORT = {
    "top left": ["top left", "upper left"],
    "top": ["top"],
    "top right": ["top right", "upper right"],
    "left": ["left"],
    "centre": ["centre", "center", "middle"],
    "right": ["right"],
    "bottom left": ["bottom left", "lower left"],
    "bottom": ["bottom"],
    "bottom right": ["bottom right", "lower right"],
}

# Spelling variants the captions use for some colours (the canonical name is
# always the dictionary key above).
COLOR_VARIANTS = {"gray": ["gray", "grey"]}

IMAGE_SIZE = 64
SUPERSAMPLE = 4
