/**
 * An RGB image and the three antialiased primitives charts are drawn with: rectangles, filled outlines
 * (glyphs) and stroked polylines. Coverage is exact area for rectangles and outlines (the signed-area
 * accumulation of font-rs and stb_truetype) and distance-based for strokes, which gives round joins and
 * caps for free.
 */

/** Red, green, blue 0–255 and opacity 0–1. */
export type Color = readonly [number, number, number, number];

export function color(hex: string, alpha = 1): Color {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new TypeError(`"${hex}" is not a #rrggbb colour`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16), alpha];
}

export class Raster {
  /**
   * RGB, 3 bytes a pixel, each row led by one spare byte: PNG's scanline layout, so the encoder filters
   * the rows in place instead of copying the image (a chart is 1.4 MB of pixels).
   */
  readonly scanlines: Uint8Array;
  readonly stride: number;
  /** Scratch for strokes: one coverage byte per pixel, allocated on the first stroke and zeroed after each. */
  private strokeCover?: Uint8Array;
  /** Scratch for outlines: signed area per pixel of the outline's box, grown to the largest one. */
  private area = new Float32Array(1024);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new RangeError(`image size must be positive whole pixels, got ${width}×${height}`);
    }
    this.stride = width * 3 + 1;
    this.scanlines = new Uint8Array(this.stride * height);
  }

  /** Paints every pixel `background` (opaque). */
  clear(background: Color): this {
    const row = this.scanlines.subarray(0, this.stride);
    row[0] = 0;
    for (let i = 1; i < this.stride; i += 3) row.set(background.slice(0, 3), i);
    for (let y = 1; y < this.height; y++) this.scanlines.copyWithin(y * this.stride, 0, this.stride);
    return this;
  }

  /** The red, green and blue of pixel (x, y). */
  rgb(x: number, y: number): [number, number, number] {
    const i = y * this.stride + 1 + 3 * x;
    return [this.scanlines[i]!, this.scanlines[i + 1]!, this.scanlines[i + 2]!];
  }

  /** Paints `c` over pixel (x, y) at `coverage` (0–1) times its opacity. */
  blend(x: number, y: number, c: Color, coverage: number): void {
    const a = coverage * c[3];
    if (a <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = y * this.stride + 1 + 3 * x;
    const p = this.scanlines;
    p[i] = p[i]! + (c[0] - p[i]!) * a + 0.5;
    p[i + 1] = p[i + 1]! + (c[1] - p[i + 1]!) * a + 0.5;
    p[i + 2] = p[i + 2]! + (c[2] - p[i + 2]!) * a + 0.5;
  }

  /** An axis-aligned rectangle; fractional edges are partly covered. */
  fillRect(x: number, y: number, w: number, h: number, c: Color): void {
    const left = Math.max(0, x);
    const right = Math.min(this.width, x + w);
    const top = Math.max(0, y);
    const bottom = Math.min(this.height, y + h);
    for (let py = Math.floor(top); py < bottom; py++) {
      const rowCover = Math.min(py + 1, bottom) - Math.max(py, top);
      for (let px = Math.floor(left); px < right; px++) {
        this.blend(px, py, c, rowCover * (Math.min(px + 1, right) - Math.max(px, left)));
      }
    }
  }

  /**
   * Fills closed polygons (flat [x0, y0, x1, y1, …] lists, pixel coordinates) with the nonzero rule, as
   * glyph outlines need: an inner contour wound the other way cuts a hole.
   */
  fillPolygons(polygons: readonly (readonly number[])[], c: Color): void {
    const [minX, minY, maxX, maxY] = bounds(polygons);
    const x0 = Math.max(Math.floor(minX), 0);
    const y0 = Math.max(Math.floor(minY), 0);
    const x1 = Math.min(Math.ceil(maxX), this.width);
    const y1 = Math.min(Math.ceil(maxY), this.height);
    if (x1 <= x0 || y1 <= y0) return;
    const w = x1 - x0 + 2; // two spare columns: a line's area spills one pixel right of where it ends
    if (this.area.length < w * (y1 - y0)) this.area = new Float32Array(w * (y1 - y0));
    const area = this.area;
    area.fill(0, 0, w * (y1 - y0));
    for (const poly of polygons) {
      const n = poly.length;
      for (let i = 0; i < n; i += 2) {
        const j = (i + 2) % n;
        accumulateClipped(area, w, y1 - y0, x1 - x0, poly[i]! - x0, poly[i + 1]! - y0, poly[j]! - x0, poly[j + 1]! - y0);
      }
    }
    for (let y = 0; y < y1 - y0; y++) {
      let sum = 0;
      for (let x = 0; x < x1 - x0; x++) {
        sum += area[y * w + x]!;
        const coverage = Math.min(1, Math.abs(sum));
        if (coverage > 0.002) this.blend(x0 + x, y0 + y, c, coverage);
      }
    }
  }

  /** A polyline [x0, y0, x1, y1, …] `width` pixels wide, round-joined; `dash` = [on, off] lengths. */
  strokePolyline(points: readonly number[], width: number, c: Color, dash?: readonly [number, number]): void {
    const pieces = dash ? dashed(points, dash) : [points];
    const half = width / 2;
    const [minX, minY, maxX, maxY] = bounds(pieces);
    const x0 = Math.max(Math.floor(minX - half - 1), 0);
    const y0 = Math.max(Math.floor(minY - half - 1), 0);
    const x1 = Math.min(Math.ceil(maxX + half + 1), this.width);
    const y1 = Math.min(Math.ceil(maxY + half + 1), this.height);
    if (x1 <= x0 || y1 <= y0) return;
    // Each pixel takes the coverage of the nearest segment, so where segments overlap at a join the line
    // is not drawn twice over (which would darken every vertex). Coverage is kept in 1/255ths.
    this.strokeCover ??= new Uint8Array(this.width * this.height);
    const coverage = this.strokeCover;
    const w = this.width;
    for (const piece of pieces) {
      for (let i = 0; i + 3 < piece.length; i += 2) {
        const [ax, ay, bx, by] = [piece[i]!, piece[i + 1]!, piece[i + 2]!, piece[i + 3]!];
        const left = Math.max(Math.floor(Math.min(ax, bx) - half - 1), x0);
        const right = Math.min(Math.ceil(Math.max(ax, bx) + half + 1), x1);
        const top = Math.max(Math.floor(Math.min(ay, by) - half - 1), y0);
        const bottom = Math.min(Math.ceil(Math.max(ay, by) + half + 1), y1);
        const [dx, dy] = [bx - ax, by - ay];
        const lengthSquared = dx * dx + dy * dy;
        for (let py = top; py < bottom; py++) {
          for (let px = left; px < right; px++) {
            const cx = px + 0.5 - ax;
            const cy = py + 0.5 - ay;
            const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, (cx * dx + cy * dy) / lengthSquared));
            const ex = cx - t * dx;
            const ey = cy - t * dy;
            const distance = Math.sqrt(ex * ex + ey * ey);
            const cover = Math.round(255 * Math.min(1, half + 0.5 - distance));
            const k = py * w + px;
            if (cover > coverage[k]!) coverage[k] = cover;
          }
        }
      }
    }
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const cover = coverage[y * w + x]!;
        if (cover > 0) this.blend(x, y, c, cover / 255);
      }
      coverage.fill(0, y * w + x0, y * w + x1);
    }
  }
}

/** [minX, minY, maxX, maxY] of flat [x0, y0, x1, y1, …] point lists. */
function bounds(lists: readonly (readonly number[])[]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const points of lists) {
    for (let i = 0; i < points.length; i += 2) {
      minX = Math.min(minX, points[i]!);
      maxX = Math.max(maxX, points[i]!);
      minY = Math.min(minY, points[i + 1]!);
      maxY = Math.max(maxY, points[i + 1]!);
    }
  }
  return [minX, minY, maxX, maxY];
}

/** The "on" stretches of a polyline under a dash pattern, each a polyline of its own. */
export function dashed(points: readonly number[], [on, off]: readonly [number, number]): number[][] {
  const pieces: number[][] = [];
  let current: number[] | undefined = [points[0]!, points[1]!];
  let left = on; // length left in the current dash or gap
  for (let i = 0; i + 3 < points.length; i += 2) {
    let [x, y] = [points[i]!, points[i + 1]!];
    const [bx, by] = [points[i + 2]!, points[i + 3]!];
    let remaining = Math.hypot(bx - x, by - y);
    while (remaining > 0) {
      const step = Math.min(left, remaining);
      const t = step / remaining;
      [x, y] = [x + (bx - x) * t, y + (by - y) * t];
      remaining -= step;
      left -= step;
      if (current) current.push(x, y);
      if (left <= 1e-9) {
        if (current) {
          pieces.push(current);
          current = undefined;
          left = off;
        } else {
          current = [x, y];
          left = on;
        }
      }
    }
  }
  if (current && current.length > 2) pieces.push(current);
  return pieces;
}

/**
 * {@link accumulateLine} for a line that may leave the box [0, maxX] sideways: the part outside runs along
 * the box's edge instead, where it still winds the pixels right of it, as the part it replaces did.
 */
function accumulateClipped(area: Float32Array, w: number, h: number, maxX: number, ax: number, ay: number, bx: number, by: number): void {
  const cuts = [0, maxX]
    .map((edge) => (edge - ax) / (bx - ax))
    .filter((t) => t > 0 && t < 1)
    .sort((a, b) => a - b);
  let [px, py] = [ax, ay];
  for (const t of [...cuts, 1]) {
    const [qx, qy] = [ax + (bx - ax) * t, ay + (by - ay) * t];
    const clamp = (x: number) => Math.min(maxX, Math.max(0, x));
    accumulateLine(area, w, h, clamp(px), py, clamp(qx), qy);
    [px, py] = [qx, qy];
  }
}

/**
 * Adds the signed area a line from (ax, ay) to (bx, by) leaves to its right, row by row, into `area`
 * (width w): the running sum of a row is then each pixel's coverage.
 */
function accumulateLine(area: Float32Array, w: number, h: number, ax: number, ay: number, bx: number, by: number): void {
  if (ay === by) return;
  const dir = ay < by ? 1 : -1;
  const [x0, y0, x1, y1] = ay < by ? [ax, ay, bx, by] : [bx, by, ax, ay];
  const dxdy = (x1 - x0) / (y1 - y0);
  let x = y0 < 0 ? x0 - y0 * dxdy : x0;
  for (let y = Math.max(Math.floor(y0), 0); y < Math.min(h, Math.ceil(y1)); y++) {
    const row = y * w;
    const dy = Math.min(y + 1, y1) - Math.max(y, y0);
    const xNext = x + dxdy * dy;
    const d = dy * dir;
    const [lo, hi] = x < xNext ? [x, xNext] : [xNext, x];
    const loFloor = Math.floor(lo);
    const hiCeil = Math.ceil(hi);
    const at = row + loFloor;
    if (hiCeil <= loFloor + 1) {
      // Within one pixel: the part right of the line's mean x is covered.
      const mid = 0.5 * (x + xNext) - loFloor;
      area[at] = area[at]! + d - d * mid;
      area[at + 1] = area[at + 1]! + d * mid;
    } else {
      const s = 1 / (hi - lo);
      const loFrac = lo - loFloor;
      const a0 = 0.5 * s * (1 - loFrac) * (1 - loFrac);
      const hiFrac = hi - hiCeil + 1;
      const am = 0.5 * s * hiFrac * hiFrac;
      area[at] = area[at]! + d * a0;
      if (hiCeil === loFloor + 2) {
        area[at + 1] = area[at + 1]! + d * (1 - a0 - am);
      } else {
        const a1 = s * (1.5 - loFrac);
        area[at + 1] = area[at + 1]! + d * (a1 - a0);
        for (let xi = loFloor + 2; xi < hiCeil - 1; xi++) area[row + xi] = area[row + xi]! + d * s;
        const a2 = a1 + (hiCeil - loFloor - 3) * s;
        area[row + hiCeil - 1] = area[row + hiCeil - 1]! + d * (1 - a2 - am);
      }
      area[row + hiCeil] = area[row + hiCeil]! + d * am;
    }
    x = xNext;
  }
}
