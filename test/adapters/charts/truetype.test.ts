import { readFileSync } from 'node:fs';
import opentype, { type Glyph } from 'opentype.js';
import { describe, expect, it } from 'vitest';
import { FontError, parseTrueType, type GlyphOutline } from '../../../src/adapters/charts/truetype.ts';

const FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((name) => new URL(`../../../src/adapters/charts/fonts/${name}`, import.meta.url));

/** Printable ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, some symbols, and characters the font lacks. */
const CODE_POINTS = [
  ...range(0x20, 0x7e),
  ...range(0xa0, 0x17f),
  ...range(0x391, 0x3c9),
  ...range(0x400, 0x45f),
  0x2026, 0x2013, 0x20ac, 0x25c6, 0x4e2d, 0x1f916,
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * A contour's on-curve end points as one ring: without repeated points, starting from its
 * smallest (x, y), since the two readers may start a contour at different points.
 */
function ring(points: number[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const pair = `${Math.round(points[i]!)},${Math.round(points[i + 1]!)}`;
    if (pair !== pairs.at(-1)) pairs.push(pair); // a zero-length segment draws nothing: readers differ on keeping them
  }
  if (pairs.length > 1 && pairs.at(-1) === pairs[0]) pairs.pop();
  const key = (p: string) => p.split(',').map(Number) as [number, number];
  let first = 0;
  pairs.forEach((p, i) => {
    const [x, y] = key(p);
    const [bx, by] = key(pairs[first]!);
    if (x < bx || (x === bx && y < by)) first = i;
  });
  return [...pairs.slice(first), ...pairs.slice(0, first)].join(' ');
}

function endPoints(outline: GlyphOutline): string[] {
  return outline.contours.map((contour, c) => ring([outline.starts[c]!.x, outline.starts[c]!.y, ...contour.flatMap((s) => [s.x, s.y])]));
}

/** opentype.js's path of a glyph, split into contours (its y axis points down at size = unitsPerEm). */
function referenceEndPoints(glyph: Glyph, unitsPerEm: number): string[] {
  const contours: number[][] = [];
  for (const cmd of glyph.getPath(0, 0, unitsPerEm).commands) {
    if (cmd.type === 'M') contours.push([cmd.x, -cmd.y]);
    else if (cmd.type !== 'Z') contours.at(-1)!.push(cmd.x, -cmd.y);
  }
  return contours.map(ring);
}

describe.each(FILES)('parseTrueType(%s), checked against opentype.js', (file) => {
  const bytes = readFileSync(file);
  const font = parseTrueType(bytes);
  const reference = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

  it('GIVEN the font THEN its metrics are the reference reader\'s', () => {
    expect(font.unitsPerEm).toBe(reference.unitsPerEm);
    expect([font.ascender, font.descender]).toEqual([reference.ascender, reference.descender]);
    expect(font.capHeight).toBe(reference.charToGlyph('H').yMax);
  });

  it('GIVEN ~600 characters THEN each maps to the same glyph, with the same advance', () => {
    const ours = CODE_POINTS.map((c) => [c, font.glyphIndex(c), font.advance(font.glyphIndex(c))]);
    const theirs = CODE_POINTS.map((c) => {
      const glyph = reference.charToGlyph(String.fromCodePoint(c));
      return [c, glyph.index, glyph.advanceWidth];
    });
    expect(ours).toEqual(theirs);
    expect(font.glyphIndex(0x1f916)).toBe(0); // 🤖: not in DejaVu, the missing-glyph box
  });

  it('GIVEN simple and composite glyphs (é, Ș, ő…) THEN the outlines have the reference\'s contours and end points', () => {
    for (const c of CODE_POINTS) {
      const glyph = reference.charToGlyph(String.fromCodePoint(c));
      const ours = endPoints(font.outline(glyph.index));
      const theirs = referenceEndPoints(glyph, reference.unitsPerEm);
      // A one-point contour (DejaVu's "u" has one, a hinting anchor) encloses nothing: the reader drops it.
      expect({ c, contours: ours }).toEqual({ c, contours: theirs.filter((r) => r.includes(' ')) });
    }
  });

  it('GIVEN pairs from the kern table THEN the same kerning', () => {
    const pairs = Object.entries(reference.kerningPairs as Record<string, number>);
    expect(pairs.length).toBeGreaterThan(1000);
    for (const [key, value] of pairs) {
      const [left, right] = key.split(',').map(Number) as [number, number];
      expect(font.kerning(left, right)).toBe(value);
    }
    const glyph = (ch: string) => font.glyphIndex(ch.codePointAt(0)!);
    expect(font.kerning(glyph('A'), glyph('V'))).toBeLessThan(0);
    expect(font.kerning(glyph('A'), glyph('B'))).toBe(0);
  });
});

describe('parseTrueType on bytes that are not a usable font', () => {
  it('GIVEN text THEN a FontError that names the file and the missing table', () => {
    expect(() => parseTrueType(Buffer.alloc(64), 'broken.ttf')).toThrow(FontError);
    expect(() => parseTrueType(Buffer.alloc(64), 'broken.ttf')).toThrow(/broken\.ttf: no "head" table/);
  });

  it('GIVEN a font cut short THEN a FontError, not a read past its end', () => {
    const bytes = readFileSync(FILES[0]!);
    expect(() => parseTrueType(bytes.subarray(0, 50_000), 'cut.ttf')).toThrow(/cut\.ttf: the "head" table runs past the end of the file/);
  });
});
