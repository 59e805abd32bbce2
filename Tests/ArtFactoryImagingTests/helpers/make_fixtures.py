#!/usr/bin/env python3
"""Generates the small reference images in ../Fixtures with Pillow (an independent encoder).
Run once: nice python3 make_fixtures.py. The outputs are committed; tests never run Python to build them."""
import io, json, os, struct, zlib
from PIL import Image, PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures")
os.makedirs(OUT, exist_ok=True)

def gradient(w, h, mode="RGB"):
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = ((x * 255) // (w - 1), (y * 255) // (h - 1), ((x + y) * 97) % 256)
    return img.convert(mode) if mode != "RGB" else img

def save(img, name, **kw):
    img.save(os.path.join(OUT, name), **kw)

rgb = gradient(64, 48)
save(rgb, "rgb8.png")
rgba = rgb.copy(); rgba.putalpha(Image.linear_gradient("L").resize((64, 48)))
save(rgba, "rgba8.png")
save(rgb.convert("P", palette=Image.ADAPTIVE, colors=16), "palette.png")
pal = rgb.convert("P", palette=Image.ADAPTIVE, colors=16); pal.info["transparency"] = 0
save(pal, "palette_trns.png", transparency=0)
save(rgb.convert("LA"), "gray_alpha.png")
save(rgb.convert("L"), "gray8.png")
g16 = Image.new("I;16", (32, 8))
g16.putdata([(x * 65535) // 31 for y in range(8) for x in range(32)])
save(g16, "gray16.png")

# JPEG with EXIF; progressive; grayscale.
exif = Image.Exif(); exif[0x010F] = "FixtureCam"; exif[0x0110] = "Model X"
save(rgb, "photo.jpg", quality=92, exif=exif.tobytes())
save(rgb, "progressive.jpg", quality=85, progressive=True)
save(rgb.convert("L"), "gray.jpg", quality=90)
# Pillow's own decodes of the JPEGs, as references for our libjpeg path.
for name in ["photo.jpg", "progressive.jpg"]:
    with Image.open(os.path.join(OUT, name)) as decoded:
        decoded.convert("RGB").save(os.path.join(OUT, name.replace(".jpg", "_pillow.png")))
save(rgb, "lossy.webp", quality=80)
save(rgb, "exif.webp", quality=80, exif=exif.tobytes(), xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret</x:xmpmeta>")
save(rgba, "lossless_alpha.webp", lossless=True)

# Metadata carriers.
a1111 = ("masterpiece, a castle on a hill, golden hour\nvolumetric light\n"
         "Negative prompt: blurry, lowres, (worst quality:1.4)\n"
         "Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x768, "
         "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, "
         "Lora hashes: \"detail: 1a2b3c, style: 4d5e6f\", Version: v1.10.1")
info = PngImagePlugin.PngInfo(); info.add_text("parameters", a1111)
save(rgb, "a1111.png", pnginfo=info)

comfy_prompt = {
    "3": {"class_type": "KSampler", "inputs": {"seed": 156680208700286, "steps": 20, "cfg": 8.0,
          "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0, "model": ["4", 0],
          "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "beautiful scenery nature glass bottle landscape, purple galaxy bottle,", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}
comfy_workflow = {"last_node_id": 9, "last_link_id": 9, "nodes": [
    {"id": 7, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 5}],
     "widgets_values": ["text, watermark"]},
    {"id": 6, "type": "CLIPTextEncode", "inputs": [{"name": "clip", "type": "CLIP", "link": 3}],
     "widgets_values": ["beautiful scenery nature glass bottle landscape, purple galaxy bottle,"]},
    {"id": 3, "type": "KSampler", "inputs": [{"name": "model", "link": 1}, {"name": "positive", "link": 4},
     {"name": "negative", "link": 6}, {"name": "latent_image", "link": 2}],
     "widgets_values": [156680208700286, "randomize", 20, 8, "euler", "normal", 1]},
    {"id": 5, "type": "EmptyLatentImage", "widgets_values": [512, 512, 1]},
    {"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["v1-5-pruned-emaonly.safetensors"]}],
    "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"],
              [4, 6, 0, 3, 1, "CONDITIONING"], [5, 4, 1, 7, 0, "CLIP"], [6, 7, 0, 3, 2, "CONDITIONING"]],
    "version": 0.4}
info = PngImagePlugin.PngInfo()
info.add_text("prompt", json.dumps(comfy_prompt)); info.add_text("workflow", json.dumps(comfy_workflow))
save(rgb, "comfyui.png", pnginfo=info)
# Workflow only (no API graph): exercises the UI-graph reader.
info = PngImagePlugin.PngInfo(); info.add_text("workflow", json.dumps(comfy_workflow))
save(rgb, "comfyui_workflow_only.png", pnginfo=info)

invoke = {"generation_mode": "txt2img", "positive_prompt": "a cozy cabin in snowy woods, warm light",
          "negative_prompt": "people", "width": 768, "height": 512, "seed": 2297011379, "rand_device": "cpu",
          "cfg_scale": 7.5, "cfg_rescale_multiplier": 0, "steps": 30, "scheduler": "dpmpp_2m_k",
          "model": {"key": "b1c2", "hash": "blake3:abcd", "name": "Juggernaut XL v9", "base": "sdxl", "type": "main"},
          "app_version": "4.2.4"}
info = PngImagePlugin.PngInfo(); info.add_text("invokeai_metadata", json.dumps(invoke))
save(rgb, "invokeai.png", pnginfo=info)

# zTXt and compressed iTXt with non-Latin text, plus an eXIf chunk and a private chunk, for readers/strippers.
info = PngImagePlugin.PngInfo()
info.add_text("Comment", "compressed latin-1 text: caf\u00e9 " * 20, zip=True)
info.add_itxt("Title", "\u65e5\u672c\u8a9e\u306e\u30bf\u30a4\u30c8\u30eb \U0001F3A8 " * 10, lang="ja", tkey="\u984c\u540d", zip=True)
info.add_itxt("Author", "plain iTXt", zip=False)
buf = io.BytesIO(); rgb.save(buf, format="PNG", pnginfo=info, exif=exif.tobytes())
data = buf.getvalue()
def chunk(t, payload):
    return struct.pack(">I", len(payload)) + t + payload + struct.pack(">I", zlib.crc32(t + payload) & 0xffffffff)
iend = data.rfind(b"IEND") - 4
data = data[:iend] + chunk(b"prVt", b"private tracking data") + chunk(b"tIME", bytes([7, 234, 1, 2, 3, 4, 5])) + data[iend:]
open(os.path.join(OUT, "text_exif.png"), "wb").write(data)
print("fixtures written to", os.path.normpath(OUT))

# Hand-built PNGs for layouts Pillow cannot write (Adam7 interlace, 16-bit RGBA, 4-bit gray), each with an
# 8-bit reference written by Pillow from the same samples: <name>.png and <name>_expected.png.
def raw_png(width, height, color_type, depth, sample, interlace=False, extra=b""):
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    def row_bytes(xs, y):
        if depth == 16:
            return b"".join(struct.pack(">H", sample(x, y, c)) for x in xs for c in range(channels))
        if depth == 8:
            return bytes(sample(x, y, c) for x in xs for c in range(channels))
        bits, out, acc, n = depth, bytearray(), 0, 0
        for x in xs:
            acc = (acc << bits) | sample(x, y, 0); n += bits
            if n == 8: out.append(acc); acc, n = 0, 0
        if n: out.append(acc << (8 - n))
        return bytes(out)
    raw = bytearray()
    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            xs = list(range(x0, width, dx))
            if not xs: continue
            for y in range(y0, height, dy):
                raw += b"\x00" + row_bytes(xs, y)
    else:
        for y in range(height):
            raw += b"\x00" + row_bytes(range(width), y)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(bytes(raw)))
            + chunk(b"IEND", b""))

def expected(width, height, mode, pixel):
    img = Image.new(mode, (width, height))
    img.putdata([pixel(x, y) for y in range(height) for x in range(width)])
    return img

W, H = 29, 19
s8 = lambda x, y, c: (x * 7 + y * 13 + c * 50) % 256
open(os.path.join(OUT, "adam7.png"), "wb").write(raw_png(W, H, 2, 8, s8, interlace=True))
save(expected(W, H, "RGB", lambda x, y: tuple(s8(x, y, c) for c in range(3))), "adam7_expected.png")

s16 = lambda x, y, c: (x * 2113 + y * 977 + c * 15000) % 65536
# A gAMA chunk (gamma 1.0) that a decoder must not apply: samples are kept as stored.
gama = chunk(b"gAMA", struct.pack(">I", 100000))
open(os.path.join(OUT, "rgba16_gama.png"), "wb").write(raw_png(W, H, 6, 16, s16, extra=gama))
save(expected(W, H, "RGBA", lambda x, y: tuple((s16(x, y, c) * 255 + 32767) // 65535 for c in range(4))),
     "rgba16_gama_expected.png")

s4 = lambda x, y, c: (x + y) % 16
open(os.path.join(OUT, "gray4.png"), "wb").write(raw_png(W, H, 0, 4, s4, interlace=True))
save(expected(W, H, "RGB", lambda x, y: (s4(x, y, 0) * 17,) * 3), "gray4_expected.png")
print("hand-built layouts written")

# EXIF orientation 1-8 on a small asymmetric JPEG, with Pillow's exif_transpose of its own decode as reference.
from PIL import ImageOps
base = gradient(24, 16)
for orientation in range(1, 9):
    tags = Image.Exif(); tags[0x0112] = orientation
    path = os.path.join(OUT, f"orient{orientation}.jpg")
    base.save(path, quality=95, exif=tags.tobytes())
    with Image.open(path) as decoded:
        ImageOps.exif_transpose(decoded).convert("RGB").save(os.path.join(OUT, f"orient{orientation}_expected.png"))
print("orientation fixtures written")
