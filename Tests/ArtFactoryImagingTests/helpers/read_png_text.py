#!/usr/bin/env python3
"""Independent reader for tests: prints a PNG's text chunks as JSON ({keyword: text}) using Pillow,
plus the decoded size, mode, byte sum and first 24 pixel bytes, so the Swift tests can compare with what they wrote.
Usage: read_png_text.py FILE"""
import json, sys
from PIL import Image

with Image.open(sys.argv[1]) as image:
    image.load()  # reads chunks after IDAT too, and verifies the pixel data decodes
    raw = image.tobytes()
    print(json.dumps({"size": list(image.size), "mode": image.mode, "text": dict(image.text),
                      "byteSum": sum(raw), "head": list(raw[:24])}, ensure_ascii=False))
