"""A simple, independent judge of one-shape images: colour by hue, shape by area ratios, position
by centroid. Deliberately plain numpy so that the Swift semantic test can reimplement it.

Algorithm (all thresholds are documented in docs/default-model.md):
 1. Background = per-channel median of the border pixels.
 2. Rough foreground = pixels farther than 40 (RGB distance) from the background; the foreground
    colour = per-channel median of the rough-foreground pixels at least 80% as far as the farthest.
 3. Mask = pixels closer to the foreground colour than to the background colour.
 4. Colour: HSV of the foreground colour; saturation < 0.25 or value < 0.22 -> black / gray / white
    by value; otherwise the nearest reference hue, with orange-hued colours of value < 0.65 -> brown.
 5. Position: mask centroid; x (and y) < 0.385 -> left (top), > 0.615 -> right (bottom).
 6. Shape: from the mask's bounding box: a hole in the middle -> ring; centroid well below the box
    centre -> triangle; fill ratio < 0.45 -> star; > 0.87 -> square; > 0.68 -> circle; else cross.
"""

import colorsys

import numpy as np

# Every constant the judge uses; heldout.json repeats them for the Swift semantic test.
THRESHOLDS = {
    "rough_foreground_distance": 40.0,   # RGB distance from the background
    "core_fraction": 0.8,                # core pixels: distance >= 0.8 * max distance
    "min_foreground_pixels": 6,
    "achromatic_saturation": 0.25,       # HSV saturation below this -> black / gray / white
    "achromatic_value": 0.22,            # HSV value below this -> achromatic too
    "black_below_value": 0.3,
    "white_above_value": 0.75,
    "brown_hue_range_degrees": [10.0, 45.0],
    "brown_below_value": 0.65,
    "position_low": 0.385,               # centroid x or y below -> left / top
    "position_high": 0.615,              # above -> right / bottom
    "hole_box": [0.35, 0.65],            # central part of the bounding box tested for a hole
    "ring_hole_above": 0.5,
    "triangle_offset_above": 0.1,        # (centroid y - box centre y) / box height
    "star_fill_below": 0.45,
    "square_fill_above": 0.87,
    "circle_fill_above": 0.68,
}
T = THRESHOLDS

HUES = {"red": 0.0, "orange": 32.0, "yellow": 54.0, "green": 124.0, "cyan": 187.0,
        "blue": 226.0, "purple": 276.0, "pink": 325.0}


def classify_color(rgb):
    r, g, b = (float(c) / 255.0 for c in rgb)
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < T["achromatic_saturation"] or v < T["achromatic_value"]:
        return "black" if v < T["black_below_value"] else (
            "gray" if v < T["white_above_value"] else "white")
    hue = h * 360.0
    name = min(HUES, key=lambda k: min(abs(hue - HUES[k]), 360.0 - abs(hue - HUES[k])))
    low, high = T["brown_hue_range_degrees"]
    if name in ("orange", "red") and low <= hue <= high and v < T["brown_below_value"]:
        return "brown"
    return name


def position_name(cx, cy):
    lo, hi = T["position_low"], T["position_high"]
    col = "left" if cx < lo else ("right" if cx > hi else "")
    row = "top" if cy < lo else ("bottom" if cy > hi else "")
    if row and col:
        return f"{row} {col}"
    return row or col or "centre"


def foreground(image):
    """(mask, background rgb, foreground rgb) of an (H, W, 3) uint8 image, or None if empty."""
    img = image.astype(np.float32)
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    bg = np.median(border, axis=0)
    dist = np.linalg.norm(img - bg, axis=2)
    rough = dist > T["rough_foreground_distance"]
    if rough.sum() < T["min_foreground_pixels"]:
        return None
    core = rough & (dist >= T["core_fraction"] * dist.max())
    fg = np.median(img[core], axis=0)
    mask = np.linalg.norm(img - fg, axis=2) < dist
    if mask.sum() < T["min_foreground_pixels"]:
        return None
    return mask, bg, fg


def shape_features(mask):
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    h, w = y1 - y0, x1 - x0
    box = mask[y0:y1, x0:x1]
    fill = mask.sum() / float(h * w)
    cy_rel = ((ys.mean() + 0.5) - (y0 + y1) / 2.0) / h
    # Hole: share of background in the central 30% x 30% of the box.
    a, b = T["hole_box"]
    hy0, hy1 = int(round(h * a)), max(int(round(h * b)), int(round(h * a)) + 1)
    hx0, hx1 = int(round(w * a)), max(int(round(w * b)), int(round(w * a)) + 1)
    hole = 1.0 - box[hy0:hy1, hx0:hx1].mean()
    return {"fill": float(fill), "offset": float(cy_rel), "hole": float(hole),
            "aspect": float(w / h)}


def classify_shape(f):
    if f["hole"] > T["ring_hole_above"]:
        return "ring"
    if f["offset"] > T["triangle_offset_above"]:
        return "triangle"
    if f["fill"] < T["star_fill_below"]:
        return "star"
    if f["fill"] > T["square_fill_above"]:
        return "square"
    if f["fill"] > T["circle_fill_above"]:
        return "circle"
    return "cross"


def judge_image(image):
    """Colour, shape and position names for a one-shape image (None entries if nothing is found)."""
    found = foreground(image)
    if found is None:
        return {"color": None, "shape": None, "position": None}
    mask, _, fg = found
    ys, xs = np.nonzero(mask)
    size = float(mask.shape[0])
    feats = shape_features(mask)
    return {"color": classify_color(fg), "shape": classify_shape(feats),
            "position": position_name((xs.mean() + 0.5) / size, (ys.mean() + 0.5) / size),
            "features": feats}


def judge_cases(images, cases):
    """Per-case verdicts and accuracy of colour, shape, position and all three together."""
    results = []
    for image, case in zip(images, cases):
        v = judge_image(image)
        r = {"caption": case["caption"], "seed": case["seed"], "judged": {
            k: v[k] for k in ("color", "shape", "position")}}
        for key in ("color", "shape", "position"):
            r[key] = v[key] == case[key]
        r["all"] = r["color"] and r["shape"] and r["position"]
        results.append(r)
    n = max(len(results), 1)
    report = {k: sum(r[k] for r in results) / n for k in ("color", "shape", "position", "all")}
    report["count"] = len(results)
    report["results"] = results
    return report
