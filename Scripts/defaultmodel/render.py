"""Anti-aliased rendering of shape scenes with PIL (supersampled, then box-filtered down)."""

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from .vocabulary import COLORS, IMAGE_SIZE, POSITIONS, SIZES, SUPERSAMPLE


@dataclass(frozen=True)
class ShapeObject:
    """One shape in a scene: named attributes plus the small jitter that varies its rendering."""

    color: str
    shape: str
    size: str
    position: str
    dx: float = 0.0  # centre offset, fraction of the image width
    dy: float = 0.0
    scale: float = 1.0  # multiplies the size's radius


@dataclass(frozen=True)
class Scene:
    """A background colour and one or two shapes (two-shape scenes never overlap)."""

    background: str
    objects: tuple = field(default_factory=tuple)


def _polygon(cx, cy, radius, count, inner_ratio=None, start_deg=-90.0):
    """Vertices of a regular polygon (or a star when `inner_ratio` is given)."""
    points = []
    steps = count * 2 if inner_ratio else count
    for i in range(steps):
        angle = math.radians(start_deg + 360.0 * i / steps)
        r = radius * (inner_ratio if inner_ratio and i % 2 == 1 else 1.0)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def draw_shape(draw, shape, cx, cy, r, fill):
    """Draws one shape whose area centroid is (cx, cy) with nominal radius r (pixels)."""
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        h = 0.85 * r
        draw.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    elif shape == "triangle":
        # Equilateral, apex up; the circumcentre of an equilateral triangle is its centroid.
        draw.polygon(_polygon(cx, cy, 1.2 * r, 3), fill=fill)
    elif shape == "star":
        draw.polygon(_polygon(cx, cy, 1.2 * r, 5, inner_ratio=0.42), fill=fill)
    elif shape == "ring":
        width = max(1.0, 0.42 * r)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=fill, width=int(round(width)))
    elif shape == "cross":
        arm, half = 0.32 * r, 1.0 * r
        draw.rectangle([cx - half, cy - arm, cx + half, cy + arm], fill=fill)
        draw.rectangle([cx - arm, cy - half, cx + arm, cy + half], fill=fill)
    else:
        raise ValueError(f"unknown shape {shape!r}")


def object_geometry(obj, size=IMAGE_SIZE):
    """Centre and radius of an object in pixels of an image `size` wide."""
    px, py = POSITIONS[obj.position]
    cx = (px + obj.dx) * size
    cy = (py + obj.dy) * size
    r = SIZES[obj.size] * obj.scale * size
    return cx, cy, r


def render_scene(scene, size=IMAGE_SIZE, supersample=SUPERSAMPLE):
    """Renders a scene to a (size, size, 3) uint8 RGB array."""
    big = size * supersample
    image = Image.new("RGB", (big, big), COLORS[scene.background])
    draw = ImageDraw.Draw(image)
    for obj in scene.objects:
        cx, cy, r = object_geometry(obj, big)
        draw_shape(draw, obj.shape, cx, cy, r, COLORS[obj.color])
    image = image.resize((size, size), Image.BOX)
    return np.asarray(image, dtype=np.uint8)
