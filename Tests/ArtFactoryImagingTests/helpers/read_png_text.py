#!/usr/bin/env python3
"""Independent reader for tests: prints a PNG's text chunks as JSON ({keyword: text}) using Pillow,
plus the decoded size and mode, so the Swift tests can compare with what they wrote.
Usage: read_png_text.py FILE"""
import json, sys
from PIL import Image

with Image.open(sys.argv[1]) as image:
    image.load()  # reads chunks after IDAT too, and verifies the pixel data decodes
    print(json.dumps({"size": list(image.size), "mode": image.mode, "text": dict(image.text)}, ensure_ascii=False))
