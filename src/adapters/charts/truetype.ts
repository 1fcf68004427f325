/**
 * Reads what a chart needs from a TrueType font (glyf outlines): the glyph of a character, its advance,
 * pair kerning and its outline. Glyphs are decoded from the file's bytes when asked for, so a chart that
 * draws a few hundred glyphs costs the font's bytes and nothing more.
 *
 * Spec: the OpenType tables head, hhea, maxp, hmtx, loca, cmap (formats 4 and 12), glyf, kern (format 0).
 */

/** A closed contour: on-curve points joined by straight lines or quadratic curves (font units, y up). */
export type Contour = PathSegment[];
export type PathSegment = { kind: 'line'; x: number; y: number } | { kind: 'quad'; cx: number; cy: number; x: number; y: number };
export interface GlyphOutline {
  /** Where each contour starts; its segments lead back there. */
  starts: { x: number; y: number }[];
  contours: Contour[];
}

export interface Font {
  unitsPerEm: number;
  /** Above and below the baseline, font units (descender is negative). */
  ascender: number;
  descender: number;
  /** Height of the capitals (of "H"), font units: where text set "top" or "middle" is placed from. */
  capHeight: number;
  /** 0 (the font's "missing glyph" box) for a character it does not have. */
  glyphIndex(codePoint: number): number;
  advance(glyph: number): number;
  kerning(left: number, right: number): number;
  outline(glyph: number): GlyphOutline;
}

/** A font file it cannot read. */
export class FontError extends Error {}

export function parseTrueType(bytes: Uint8Array, name = 'font'): Font {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || bytes.byteLength < 12 + 16 * data.getUint16(4)) throw new FontError(`${name}: too short for a font (${bytes.byteLength} bytes)`);
  const tables = new Map<string, { offset: number; length: number }>();
  const numTables = data.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    tables.set(tag, { offset: data.getUint32(at + 8), length: data.getUint32(at + 12) });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new FontError(`${name}: no "${tag}" table (is it a TrueType font with glyf outlines?)`);
    if (t.offset + t.length > bytes.byteLength) throw new FontError(`${name}: the "${tag}" table runs past the end of the file (cut short?)`);
    return t.offset;
  };
  const head = table('head');
  const hhea = table('hhea');
  const hmtx = table('hmtx');
  const loca = table('loca');
  const glyf = table('glyf');
  const unitsPerEm = data.getUint16(head + 18);
  const longOffsets = data.getInt16(head + 50) === 1;
  const numGlyphs = data.getUint16(table('maxp') + 4);
  const numberOfHMetrics = data.getUint16(hhea + 34);
  const lookup = characterMap(data, table('cmap'), name);
  const kernPairs = tables.has('kern') ? kerningPairs(data, table('kern')) : undefined;

  const glyphRange = (glyph: number): [number, number] =>
    longOffsets
      ? [data.getUint32(loca + 4 * glyph), data.getUint32(loca + 4 * glyph + 4)]
      : [2 * data.getUint16(loca + 2 * glyph), 2 * data.getUint16(loca + 2 * glyph + 2)];

  const outline = (glyph: number, depth = 0): GlyphOutline => {
    const empty = { starts: [], contours: [] };
    if (glyph < 0 || glyph >= numGlyphs || depth > 8) return empty;
    const [start, end] = glyphRange(glyph);
    if (end <= start) return empty; // a space
    const at = glyf + start;
    const contours = data.getInt16(at);
    return contours >= 0 ? simpleGlyph(data, at, contours) : compositeGlyph(data, at, (g) => outline(g, depth + 1));
  };

  const glyphIndex = (codePoint: number) => {
    const glyph = lookup(codePoint);
    return glyph < numGlyphs ? glyph : 0;
  };
  const ascender = data.getInt16(hhea + 4);
  const [hStart, hEnd] = glyphRange(glyphIndex(0x48));
  return {
    unitsPerEm,
    ascender,
    descender: data.getInt16(hhea + 6),
    // The yMax in the header of the glyph of "H"; OS/2 has it only from version 2 on.
    capHeight: hEnd > hStart ? data.getInt16(glyf + hStart + 8) : ascender * 0.75,
    glyphIndex,
    advance: (glyph) => data.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1)),
    kerning: (left, right) => kernPairs?.get(left * 0x10000 + right) ?? 0,
    outline,
  };
}

/** cmap: a Unicode subtable, format 12 (all planes) preferred over format 4 (the BMP). */
function characterMap(data: DataView, cmap: number, name: string): (codePoint: number) => number {
  const count = data.getUint16(cmap + 2);
  let bmp: number | undefined;
  for (let i = 0; i < count; i++) {
    const platform = data.getUint16(cmap + 4 + 8 * i);
    const encoding = data.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + data.getUint32(cmap + 8 + 8 * i);
    const format = data.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) return format12(data, sub);
    if (format === 4) bmp ??= sub;
  }
  if (bmp === undefined) throw new FontError(`${name}: no Unicode character map (cmap format 4 or 12)`);
  return format4(data, bmp);
}

function format4(data: DataView, sub: number): (codePoint: number) => number {
  const segments = data.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (c) => {
    if (c > 0xffff) return 0;
    let lo = 0;
    let hi = segments - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (data.getUint16(ends + 2 * mid) < c) lo = mid + 1;
      else hi = mid;
    }
    const start = data.getUint16(starts + 2 * lo);
    if (c < start || c > data.getUint16(ends + 2 * lo)) return 0;
    const delta = data.getUint16(deltas + 2 * lo);
    const rangeOffset = data.getUint16(rangeOffsets + 2 * lo);
    if (rangeOffset === 0) return (c + delta) & 0xffff;
    const glyph = data.getUint16(rangeOffsets + 2 * lo + rangeOffset + 2 * (c - start));
    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  };
}

function format12(data: DataView, sub: number): (codePoint: number) => number {
  const groups = data.getUint32(sub + 12);
  const group = (i: number) => sub + 16 + 12 * i;
  return (c) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = group(mid);
      if (c < data.getUint32(at)) hi = mid - 1;
      else if (c > data.getUint32(at + 4)) lo = mid + 1;
      else return data.getUint32(at + 8) + (c - data.getUint32(at));
    }
    return 0;
  };
}

/** The horizontal pairs of a format-0 kern subtable, keyed left × 65536 + right. */
function kerningPairs(data: DataView, kern: number): Map<number, number> {
  const pairs = new Map<number, number>();
  if (data.getUint16(kern) !== 0) return pairs; // Apple's kern header: none in the fonts we ship
  let sub = kern + 4;
  for (let n = data.getUint16(kern + 2); n > 0; n--) {
    const length = data.getUint16(sub + 2);
    const coverage = data.getUint16(sub + 4);
    const horizontal = (coverage & 1) === 1 && (coverage & 0x04) === 0;
    if (coverage >> 8 === 0 && horizontal) {
      for (let i = 0, count = data.getUint16(sub + 6); i < count; i++) {
        const at = sub + 14 + 6 * i;
        pairs.set(data.getUint16(at) * 0x10000 + data.getUint16(at + 2), data.getInt16(at + 4));
      }
    }
    sub += length;
  }
  return pairs;
}

const ON_CURVE = 0x01;
const X_SHORT = 0x02;
const Y_SHORT = 0x04;
const REPEAT = 0x08;
const X_SAME_OR_POSITIVE = 0x10;
const Y_SAME_OR_POSITIVE = 0x20;

function simpleGlyph(data: DataView, at: number, contourCount: number): GlyphOutline {
  const ends: number[] = [];
  for (let i = 0; i < contourCount; i++) ends.push(data.getUint16(at + 10 + 2 * i));
  const pointCount = (ends.at(-1) ?? -1) + 1;
  let p = at + 10 + 2 * contourCount;
  p += 2 + data.getUint16(p); // hinting instructions: not used at chart sizes
  const flags = new Uint8Array(pointCount);
  for (let i = 0; i < pointCount; ) {
    const flag = data.getUint8(p++);
    let repeat = flag & REPEAT ? data.getUint8(p++) : 0;
    flags[i++] = flag;
    while (repeat-- > 0 && i < pointCount) flags[i++] = flag;
  }
  const coordinates = (short: number, sameOrPositive: number) => {
    const values = new Array<number>(pointCount);
    let value = 0;
    for (let i = 0; i < pointCount; i++) {
      const flag = flags[i]!;
      if (flag & short) {
        const delta = data.getUint8(p++);
        value += flag & sameOrPositive ? delta : -delta;
      } else if (!(flag & sameOrPositive)) {
        value += data.getInt16(p);
        p += 2;
      }
      values[i] = value;
    }
    return values;
  };
  const xs = coordinates(X_SHORT, X_SAME_OR_POSITIVE);
  const ys = coordinates(Y_SHORT, Y_SAME_OR_POSITIVE);
  const outline: GlyphOutline = { starts: [], contours: [] };
  let first = 0;
  for (const last of ends) {
    const points = [];
    for (let i = first; i <= last; i++) points.push({ x: xs[i]!, y: ys[i]!, on: (flags[i]! & ON_CURVE) !== 0 });
    first = last + 1;
    addContour(outline, points);
  }
  return outline;
}

/**
 * TrueType contours may start off the curve, and two off-curve points in a row imply an on-curve point
 * halfway between them.
 */
function addContour(outline: GlyphOutline, points: { x: number; y: number; on: boolean }[]): void {
  if (points.length < 2) return;
  const firstOn = points.findIndex((pt) => pt.on);
  const ring = firstOn >= 0 ? [...points.slice(firstOn), ...points.slice(0, firstOn)] : points;
  const start = ring[0]!.on ? ring[0]! : { x: (ring[0]!.x + ring.at(-1)!.x) / 2, y: (ring[0]!.y + ring.at(-1)!.y) / 2, on: true };
  const segments: Contour = [];
  let control: { x: number; y: number } | undefined;
  for (const pt of [...ring.slice(ring[0]!.on ? 1 : 0), start]) {
    if (pt.on) {
      segments.push(control ? { kind: 'quad', cx: control.x, cy: control.y, x: pt.x, y: pt.y } : { kind: 'line', x: pt.x, y: pt.y });
      control = undefined;
    } else {
      if (control) segments.push({ kind: 'quad', cx: control.x, cy: control.y, x: (control.x + pt.x) / 2, y: (control.y + pt.y) / 2 });
      control = pt;
    }
  }
  outline.starts.push({ x: start.x, y: start.y });
  outline.contours.push(segments);
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const ARGS_ARE_XY_VALUES = 0x0002;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** Accented letters and the like: other glyphs, each moved (and maybe scaled) into place. */
function compositeGlyph(data: DataView, at: number, component: (glyph: number) => GlyphOutline): GlyphOutline {
  const outline: GlyphOutline = { starts: [], contours: [] };
  let p = at + 10;
  for (let flags = MORE_COMPONENTS; flags & MORE_COMPONENTS; ) {
    flags = data.getUint16(p);
    const glyph = data.getUint16(p + 2);
    p += 4;
    let dx = 0;
    let dy = 0;
    if (flags & ARG_1_AND_2_ARE_WORDS) {
      [dx, dy] = [data.getInt16(p), data.getInt16(p + 2)];
      p += 4;
    } else {
      [dx, dy] = [data.getInt8(p), data.getInt8(p + 1)];
      p += 2;
    }
    // Anchored by matching points instead of an offset: rare, and left where it is.
    if (!(flags & ARGS_ARE_XY_VALUES)) [dx, dy] = [0, 0];
    const f2dot14 = (offset: number) => data.getInt16(p + offset) / 16384;
    let [a, b, c, d] = [1, 0, 0, 1];
    if (flags & WE_HAVE_A_SCALE) {
      a = d = f2dot14(0);
      p += 2;
    } else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) {
      [a, d] = [f2dot14(0), f2dot14(2)];
      p += 4;
    } else if (flags & WE_HAVE_A_TWO_BY_TWO) {
      [a, b, c, d] = [f2dot14(0), f2dot14(2), f2dot14(4), f2dot14(6)];
      p += 8;
    }
    const move = (x: number, y: number) => ({ x: a * x + c * y + dx, y: b * x + d * y + dy });
    const part = component(glyph);
    outline.starts.push(...part.starts.map((s) => move(s.x, s.y)));
    for (const contour of part.contours) {
      outline.contours.push(
        contour.map((s) => {
          const end = move(s.x, s.y);
          if (s.kind === 'line') return { kind: 'line', ...end };
          const ctl = move(s.cx, s.cy);
          return { kind: 'quad', cx: ctl.x, cy: ctl.y, ...end };
        }),
      );
    }
  }
  return outline;
}
