#!/usr/bin/env python3
"""Draws the widget's logos (Kommo's required sizes) as PNGs with the standard library only.

The mark: three stacked "source" bars flowing into a funnel-like pill, on the brand blue.
Run from anywhere: python3 widget/images/make.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {
    "logo.png": (130, 100),
    "logo_main.png": (400, 272),
    "logo_medium.png": (240, 84),
    "logo_min.png": (84, 84),
    "logo_small.png": (108, 108),
}
BG = (46, 125, 240)        # brand blue
BG2 = (31, 94, 199)        # darker blue for the lower gradient
FG = (255, 255, 255)
ACCENT = (255, 196, 61)


def png(path, w, h, pixel):
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            raw.extend(pixel(x, y))
    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def rounded(x, y, x0, y0, x1, y1, r):
    """True when (x, y) lies in the rectangle [x0,x1)x[y0,y1) with corner radius r."""
    if x < x0 or x >= x1 or y < y0 or y >= y1:
        return False
    cx = min(max(x, x0 + r), x1 - r - 1)
    cy = min(max(y, y0 + r), y1 - r - 1)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def draw(w, h):
    s = min(w, h)
    # the mark occupies a centred square of side s * 0.7
    m = int(s * 0.7)
    ox = (w - m) // 2
    oy = (h - m) // 2
    bar_h = max(3, m // 7)
    gap = max(2, m // 14)
    rad = max(1, bar_h // 2)
    bars = []
    for i in range(3):
        y0 = oy + i * (bar_h + gap)
        x0 = ox + i * (m // 12)
        bars.append((x0, y0, x0 + int(m * 0.62), y0 + bar_h))
    dot_r = max(2, m // 6)
    dot_c = (ox + int(m * 0.78), oy + int(m * 0.70))
    corner = max(2, s // 8)

    def pixel(x, y):
        if not rounded(x, y, 0, 0, w, h, corner):
            return (0, 0, 0, 0)
        t = y / max(1, h - 1)
        bg = tuple(int(BG[k] * (1 - t) + BG2[k] * t) for k in range(3))
        for b in bars:
            if rounded(x, y, b[0], b[1], b[2], b[3], rad):
                return FG + (255,)
        if (x - dot_c[0]) ** 2 + (y - dot_c[1]) ** 2 <= dot_r * dot_r:
            return ACCENT + (255,)
        return bg + (255,)

    return pixel


for name, (w, h) in SIZES.items():
    png(os.path.join(HERE, name), w, h, draw(w, h))
    print(name, w, h)
