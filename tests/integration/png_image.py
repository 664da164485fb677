"""Screenshots as pixels: a PNG decoder for what Chromium writes (8-bit RGB or RGBA, not
interlaced) with zlib and struct only, and the colour counts the HTML report test needs."""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind, line, prev, bpp):
    """Row `line` (bytearray, changed in place) with its PNG filter undone against row `prev`."""
    n = len(line)
    if kind == 0:
        return line
    if kind == 1:  # Sub
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 255
    elif kind == 2:  # Up; a page is mostly rows equal to the one above
        if any(line):
            line[:] = bytes((a + b) & 255 for a, b in zip(line, prev))
        else:
            line[:] = prev
    elif kind == 3:  # Average
        for i in range(n):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
    elif kind == 4:  # Paeth
        for i in range(n):
            if i >= bpp:
                line[i] = (line[i] + _paeth(line[i - bpp], prev[i], prev[i - bpp])) & 255
            else:
                line[i] = (line[i] + prev[i]) & 255
    else:
        raise ValueError(f"unknown PNG filter type {kind}")
    return line


def decode_png(path):
    """(width, height, RGB bytes row by row) of the PNG file at `path`."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a PNG file")
    pos, header, idat = len(SIGNATURE), None, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path} has no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        raise ValueError(f"{path}: unsupported PNG (bit depth {depth}, colour type {colour_type}, "
                         f"interlace {interlace})")
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of image data, expected {height * (stride + 1)}")
    rgb = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1:start + 1 + stride]), prev, bpp)
        prev = line
        if bpp == 4:
            line = bytearray(line)
            del line[3::4]  # the screenshot is opaque: alpha says nothing
        rgb += line
    return width, height, bytes(rgb)


class Image:
    def __init__(self, path):
        self.width, self.height, self.data = decode_png(path)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.data[i:i + 3])

    def count(self, colour, box=None):
        """How many pixels in box (x0, y0, x1, y1) have exactly `colour`, and how wide their
        horizontal extent is (0 when none)."""
        x0, y0, x1, y1 = box or (0, 0, self.width, self.height)
        pattern = bytes(colour)
        n, low, high = 0, None, None
        for y in range(y0, y1):
            row = self.data[(y * self.width + x0) * 3:(y * self.width + x1) * 3]
            i = row.find(pattern)
            while i >= 0:
                if i % 3 == 0:  # a whole pixel, not the end of one and the start of the next
                    n += 1
                    x = x0 + i // 3
                    low = x if low is None or x < low else low
                    high = x if high is None or x > high else high
                    i = row.find(pattern, i + 3)
                else:
                    i = row.find(pattern, i + 1)
        return n, (0 if low is None else high - low + 1)

    def rectangles_of(self, colours, min_row_pixels=150, min_height=100, min_width=200):
        """The areas painted in `colours` (say a chart's background and what is drawn on it) as
        rectangles (x0, y0, x1, y1): bands of rows with many such pixels, each split into runs of
        columns. Anything else drawn across an area (a thin line, a label) interrupts it for a few
        pixels only."""
        patterns = [bytes(c) for c in colours]
        stride = self.width * 3

        def hits_in(row):
            """x of every pixel of `row` in one of the colours."""
            found = []
            for pattern in patterns:
                i = row.find(pattern)
                while i >= 0:
                    if i % 3 == 0:  # a whole pixel, not the end of one and the start of the next
                        found.append(i // 3)
                        i = row.find(pattern, i + 3)
                    else:
                        i = row.find(pattern, i + 1)
            return found

        full_rows = [y for y in range(self.height)
                     if sum(self.data[y * stride:(y + 1) * stride].count(p) for p in patterns) >= min_row_pixels]
        areas = []
        for top, bottom in runs(full_rows, max_gap=6):
            if bottom - top < min_height:
                continue
            hits = [0] * self.width
            for y in range(top, bottom):
                for x in hits_in(self.data[y * stride:(y + 1) * stride]):
                    hits[x] += 1
            columns = [x for x, h in enumerate(hits) if h >= (bottom - top) * 0.5]
            for left, right in runs(columns, max_gap=12):
                if right - left >= min_width:
                    areas.append((left, top, right, bottom))
        return areas


def runs(values, max_gap):
    """Ascending integers grouped into [first, last + 1) ranges whose gaps are at most max_gap."""
    out = []
    for v in values:
        if out and v - out[-1][1] <= max_gap:
            out[-1][1] = v + 1
        else:
            out.append([v, v + 1])
    return [tuple(r) for r in out]
