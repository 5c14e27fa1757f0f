"""Writes test/fixtures/node-images.json: reference outputs of Pillow for the image readers of cutpaste/node.

- box: Pillow's Image.BOX resize of 8-bit gray images (masks are resized this way, then thresholded).
- lanczos: Pillow's Image.LANCZOS resize of an RGB image (what made MVTec AD's 256 px copies).
- bmp: small BMP files in the variants Pillow writes or reads, with the pixels Pillow decodes.

Run: /usr/bin/python3 test/node/make-node-fixtures.py  (numpy, Pillow)
"""
import base64
import io
import json
import pathlib
import struct

import numpy as np
from PIL import Image

out = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "node-images.json"
rng = np.random.default_rng(5)


def gray_image(h, w):
    y, x = np.mgrid[0:h, 0:w]
    blob = ((y - h * 0.4) / (h * 0.3)) ** 2 + ((x - w * 0.6) / (w * 0.25)) ** 2 < 1
    values = np.where(blob, 230, 20) + rng.integers(-20, 21, size=(h, w))
    return np.clip(values, 0, 255).astype(np.uint8)


box = []
for (h, w), (oh, ow) in [((37, 53), (16, 20)), ((30, 30), (7, 11)), ((5, 7), (9, 12)), ((24, 18), (24, 5))]:
    src = gray_image(h, w)
    dst = np.asarray(Image.fromarray(src, "L").resize((ow, oh), Image.BOX))
    box.append({"height": h, "width": w, "outHeight": oh, "outWidth": ow,
                "input": src.ravel().tolist(), "output": dst.ravel().tolist()})

h, w = 40, 60
y, x = np.mgrid[0:h, 0:w]
rgb = np.stack([
    128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0),
    255 * x / (w - 1),
    128 + 80 * np.sign(np.sin(y / 3.0)),
], axis=-1)
rgb = np.clip(np.round(rgb + rng.normal(0, 6, size=rgb.shape)), 0, 255).astype(np.uint8)
lanczos_out = np.asarray(Image.fromarray(rgb, "RGB").resize((23, 17), Image.LANCZOS))
lanczos = {"height": h, "width": w, "outHeight": 17, "outWidth": 23,
           "input": rgb.ravel().tolist(), "output": lanczos_out.ravel().tolist()}


def decoded(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    mode = "L" if im.mode in ("1", "L") or (im.mode == "P" and is_gray_palette(im)) else "RGB"
    arr = np.asarray(im.convert(mode))
    return mode, arr


def is_gray_palette(im):
    pal = np.array(im.getpalette()[: 3 * 256]).reshape(-1, 3)
    used = np.unique(np.asarray(im))
    return bool(np.all(pal[used, 0] == pal[used, 1]) and np.all(pal[used, 1] == pal[used, 2]))


def pil_bmp(im):
    buf = io.BytesIO()
    im.save(buf, "BMP")
    return buf.getvalue()


def handmade(width, height, bpp, rows, palette=None, top_down=False, masks=None, header=40):
    """A BMP written field by field (Pillow reads it back as the reference)."""
    stride = ((bpp * width + 31) // 32) * 4
    pixel_bytes = b"".join(r.ljust(stride, b"\0") for r in (rows if top_down else rows[::-1]))
    compression = 3 if masks else 0
    extra = b""
    if masks and header == 40:
        extra = struct.pack("<3I", *masks)
    pal = b"".join(struct.pack("<4B", b, g, r, 0) for r, g, b in palette) if palette else b""
    dib = struct.pack("<IiiHHIIiiII", header, width, -height if top_down else height, 1, bpp, compression,
                      len(pixel_bytes), 2835, 2835, len(palette) if palette else 0, 0)
    if header > 40:
        dib += struct.pack("<4I", *(masks or (0, 0, 0)), 0) + b"\0" * (header - 56)
    offset = 14 + len(dib) + len(extra) + len(pal)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixel_bytes), 0, 0, offset)
    return head + dib + extra + pal + pixel_bytes


bmps = []
w5, h3 = 5, 3
rgb_small = rng.integers(0, 256, size=(h3, w5, 3), dtype=np.uint8)
gray_small = rng.integers(0, 256, size=(h3, w5), dtype=np.uint8)
bmps.append(("24-bit RGB (Pillow)", pil_bmp(Image.fromarray(rgb_small, "RGB"))))
bmps.append(("8-bit gray palette (Pillow)", pil_bmp(Image.fromarray(gray_small, "L"))))
bmps.append(("1-bit (Pillow)", pil_bmp(Image.fromarray(gray_small > 128).convert("1"))))
bmps.append(("8-bit colour palette (Pillow)", pil_bmp(Image.fromarray(rgb_small, "RGB").quantize(6))))
bmps.append(("32-bit RGBA (Pillow)", pil_bmp(Image.fromarray(np.dstack([rgb_small, gray_small]), "RGBA"))))
# 4-bit palette, 7 wide (odd nibble count), top-down
pal4 = [(i * 17, 255 - i * 17, (i * 53) % 256) for i in range(16)]
idx = rng.integers(0, 16, size=(2, 7))
rows4 = [bytes((int(r[i]) << 4) | (int(r[i + 1]) if i + 1 < 7 else 0) for i in range(0, 7, 2)) for r in idx]
bmps.append(("4-bit palette, top-down (handmade)", handmade(7, 2, 4, rows4, palette=pal4, top_down=True)))
# 16-bit 5-5-5, 3 wide
v16 = rng.integers(0, 1 << 15, size=(2, 3))
rows16 = [b"".join(struct.pack("<H", int(v)) for v in r) for r in v16]
bmps.append(("16-bit 5-5-5 (handmade)", handmade(3, 2, 16, rows16)))
# 16-bit 5-6-5 bit fields
v565 = rng.integers(0, 1 << 16, size=(2, 3))
rows565 = [b"".join(struct.pack("<H", int(v)) for v in r) for r in v565]
bmps.append(("16-bit 5-6-5 bit fields (handmade)", handmade(3, 2, 16, rows565, masks=(0xF800, 0x07E0, 0x001F))))
# 32-bit BGRX, V4 header
v32 = rng.integers(0, 256, size=(3, 2, 4), dtype=np.uint8)
rows32 = [b"".join(bytes(p) for p in r) for r in v32]
bmps.append(("32-bit BGRX, V4 header (handmade)", handmade(2, 3, 32, rows32, header=108)))

bmp_cases = []
for name, data in bmps:
    mode, arr = decoded(data)
    bmp_cases.append({"name": name, "base64": base64.b64encode(data).decode(), "width": int(arr.shape[1]),
                      "height": int(arr.shape[0]), "channels": 1 if mode == "L" else 3, "pixels": arr.ravel().tolist()})

out.write_text(json.dumps({"generator": "test/node/make-node-fixtures.py", "pillow": Image.__version__,
                           "box": box, "lanczos": lanczos, "bmp": bmp_cases}))
print("wrote", out, out.stat().st_size, "bytes")
