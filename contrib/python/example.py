#!/usr/bin/env python3
"""Generate two images with a progress line, then search the gallery for them.

    ARTFACTORY_HOME=~/af python3 contrib/python/example.py "a red circle on a blue background"
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from artfactory_client import ArtFactoryClient, ArtFactoryError  # noqa: E402


def main():
    prompt = sys.argv[1] if len(sys.argv) > 1 else "a red circle on a blue background"
    try:
        with ArtFactoryClient() as af:
            def show(p):
                print("\r  step %s/%s, image %s/%s" % (p.get("step"), p.get("totalSteps"), p.get("image"), p.get("images")),
                      end="", flush=True)
            job = af.generate(prompt, count=2, progress=show)
            print()
            for image in job["images"]:
                print(image["path"])
            hits = af.gallery_search(prompt.split()[1], limit=5)["hits"]
            print("%d search hits" % len(hits))
    except ArtFactoryError as e:
        print("artfactory: %s" % e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
