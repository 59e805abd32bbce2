#!/usr/bin/env python3
"""PyTorch (CPU) side of Scripts/bench-upscale: the same real-size networks as artfactory-bench-upscale
(Real-ESRGAN x4plus RRDBNet, realesr-general-x4v3 SRVGGNetCompact) with random weights, one forward on
a random SIZE² image; prints one JSON line with seconds, output shape and peak RSS.
   upscale_torch.py rrdb|compact SIZE [RUNS]
The architectures come from the fixture script (written out there from the published layouts)."""
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from make_upscaler_fixtures import RRDBNet, SRVGGNetCompact  # noqa: E402


def main():
    arch, size = sys.argv[1], int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.manual_seed(0)
    model = RRDBNet(scale=4, nf=64, nb=23, gc=32) if arch == "rrdb" else SRVGGNetCompact(nf=64, nc=32, upscale=4)
    model.eval()
    x = torch.rand(1, 3, size, size)
    times = []
    with torch.inference_mode():
        model(torch.rand(1, 3, 32, 32))
        for _ in range(runs):
            start = time.perf_counter()
            out = model(x)
            times.append(time.perf_counter() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"side": "torch", "arch": arch, "size": size, "seconds": sorted(times)[len(times) // 2],
                      "output": list(out.shape), "peakRSSMiB": rss, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
