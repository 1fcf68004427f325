/**
 * Text on a {@link Raster}: DejaVu Sans (shipped in ./fonts, so every install draws the same letters),
 * laid out with the fonts' advances and kerning and filled as outlines. A character the font lacks
 * (CJK, emoji) draws as its missing-glyph box.
 */
import { readFileSync } from 'node:fs';
import type { Color, Raster } from './raster.ts';
import { parseTrueType, type Font, type GlyphOutline } from './truetype.ts';

export type Weight = 'regular' | 'bold';

const FONT_FILES: Record<Weight, URL> = {
  regular: new URL('./fonts/DejaVuSans.ttf', import.meta.url),
  bold: new URL('./fonts/DejaVuSans-Bold.ttf', import.meta.url),
};

const fonts = new Map<Weight, Font>();
function font(weight: Weight): Font {
  let loaded = fonts.get(weight);
  if (!loaded) {
    loaded = parseTrueType(readFileSync(FONT_FILES[weight]), FONT_FILES[weight].pathname);
    fonts.set(weight, loaded);
  }
  return loaded;
}

export interface TextStyle {
  size: number;
  color: Color;
  weight?: Weight;
}

/** Glyphs and their pen positions, in pixels from the start of the line. */
function layout(text: string, size: number, weight: Weight): { f: Font; glyphs: { glyph: number; x: number }[]; width: number } {
  const f = font(weight);
  const scale = size / f.unitsPerEm;
  const glyphs: { glyph: number; x: number }[] = [];
  let pen = 0;
  let previous: number | undefined;
  // Line breaks and tabs in feed titles would otherwise draw as missing-glyph boxes.
  for (const ch of text.replace(/\s/g, ' ')) {
    const glyph = f.glyphIndex(ch.codePointAt(0)!);
    if (previous !== undefined) pen += f.kerning(previous, glyph) * scale;
    glyphs.push({ glyph, x: pen });
    pen += f.advance(glyph) * scale;
    previous = glyph;
  }
  return { f, glyphs, width: pen };
}

export function measureText(text: string, style: Pick<TextStyle, 'size' | 'weight'>): number {
  return layout(text, style.size, style.weight ?? 'regular').width;
}

/** `text`, cut with an ellipsis to fit `maxWidth` pixels. */
export function fitText(text: string, maxWidth: number, style: Pick<TextStyle, 'size' | 'weight'>): string {
  if (measureText(text, style) <= maxWidth) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measureText(`${chars.slice(0, mid).join('').trimEnd()}…`, style) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${chars.slice(0, lo).join('').trimEnd()}…`;
}

export interface Placement {
  x: number;
  y: number;
  /** Where x is on the line: its start, middle or end. */
  align?: 'left' | 'center' | 'right';
  /** Where y is: the top of the tallest letters, their middle, or the baseline. */
  baseline?: 'top' | 'middle' | 'alphabetic';
  /** Turned counter-clockwise by this many degrees about (x, y), e.g. 90 for a y-axis title. */
  rotate?: number;
}

/** Draws one line of text; returns its width in pixels. */
export function drawText(image: Raster, text: string, style: TextStyle, at: Placement): number {
  const { f, glyphs, width } = layout(text, style.size, style.weight ?? 'regular');
  const scale = style.size / f.unitsPerEm;
  const capHeight = f.capHeight * scale;
  const dx = at.align === 'center' ? -width / 2 : at.align === 'right' ? -width : 0;
  const dy = at.baseline === 'top' ? capHeight : at.baseline === 'middle' ? capHeight / 2 : 0;
  const angle = ((at.rotate ?? 0) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  // Line coordinates (u right along the text, v down) to image pixels.
  const place = (u: number, v: number): [number, number] => [at.x + (u + dx) * cos + (v + dy) * sin, at.y - (u + dx) * sin + (v + dy) * cos];
  const polygons: number[][] = [];
  for (const { glyph, x } of glyphs) {
    const outline = f.outline(glyph);
    polygons.push(...flatten(outline, (gx, gy) => place(x + gx * scale, -gy * scale), style.size));
  }
  if (polygons.length > 0) image.fillPolygons(polygons, style.color);
  return width;
}

/** Contours as polygons in pixels; curves become straight pieces within about a quarter pixel of them. */
function flatten(outline: GlyphOutline, toPixels: (x: number, y: number) => [number, number], size: number): number[][] {
  const polygons: number[][] = [];
  // A curve's control points span at most about the glyph's size s, and n equal pieces stray from it by at
  // most s / (8 n²): n = √(s / 2) keeps that to a quarter pixel.
  const pieces = Math.max(2, Math.min(16, Math.ceil(Math.sqrt(size / 2))));
  outline.contours.forEach((contour, c) => {
    const start = outline.starts[c]!;
    let [x, y] = [start.x, start.y];
    const poly = [...toPixels(x, y)];
    for (const s of contour) {
      if (s.kind === 'quad') {
        for (let k = 1; k <= pieces; k++) {
          const t = k / pieces;
          const u = 1 - t;
          poly.push(...toPixels(u * u * x + 2 * u * t * s.cx + t * t * s.x, u * u * y + 2 * u * t * s.cy + t * t * s.y));
        }
      } else poly.push(...toPixels(s.x, s.y));
      [x, y] = [s.x, s.y];
    }
    polygons.push(poly);
  });
  return polygons;
}
