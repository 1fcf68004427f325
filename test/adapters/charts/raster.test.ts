import { describe, expect, it } from 'vitest';
import { color, dashed, Raster } from '../../../src/adapters/charts/raster.ts';
import { seededRandom } from '../../e2e/support/seeded-random.ts';

const WHITE = color('#ffffff');
const BLACK = color('#000000');

/** How much of each pixel black paint covers: 0 (white) to 1 (black), from the red channel. */
function ink(image: Raster, x: number, y: number): number {
  return 1 - image.rgb(x, y)[0] / 255;
}

function totalInk(image: Raster): number {
  let sum = 0;
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) sum += ink(image, x, y);
  return sum;
}

const blank = (w = 20, h = 20) => new Raster(w, h).clear(WHITE);

describe('Raster', () => {
  it('GIVEN a size that is not whole positive pixels THEN a RangeError', () => {
    expect(() => new Raster(0, 10)).toThrow(RangeError);
    expect(() => new Raster(10.5, 10)).toThrow(/whole pixels/);
  });

  it('GIVEN clear THEN every pixel is the colour and each row is led by a zero filter byte', () => {
    const image = new Raster(3, 2).clear(color('#102030'));
    expect(Array.from(image.scanlines)).toEqual([0, 16, 32, 48, 16, 32, 48, 16, 32, 48, 0, 16, 32, 48, 16, 32, 48, 16, 32, 48]);
  });

  it('GIVEN a rectangle on half pixels THEN its edge pixels are half covered and its ink is its area', () => {
    const image = blank();
    image.fillRect(2.5, 3, 4, 2, BLACK);
    expect([ink(image, 2, 3), ink(image, 3, 3), ink(image, 6, 4), ink(image, 7, 4), ink(image, 3, 5)].map((v) => Math.round(v * 10) / 10)).toEqual([0.5, 1, 0.5, 0, 0]);
    expect(totalInk(image)).toBeCloseTo(8, 1);
  });

  it('GIVEN a translucent colour THEN it is blended over what is there', () => {
    const image = blank();
    image.fillRect(0, 0, 1, 1, color('#000000', 0.25));
    expect(image.rgb(0, 0)).toEqual([191, 191, 191]);
  });

  describe('fillPolygons', () => {
    it('GIVEN a square on pixel edges THEN exactly its pixels are covered', () => {
      const image = blank();
      image.fillPolygons([[1, 1, 3, 1, 3, 3, 1, 3]], BLACK);
      const covered = [];
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (ink(image, x, y) > 0) covered.push([x, y, ink(image, x, y)]);
      expect(covered).toEqual([
        [1, 1, 1],
        [2, 1, 1],
        [1, 2, 1],
        [2, 2, 1],
      ]);
    });

    it('GIVEN random triangles and quadrilaterals, either winding THEN the ink is the shoelace area', () => {
      const random = seededRandom(7).next;
      for (let n = 0; n < 40; n++) {
        const image = blank(40, 40);
        const points = Array.from({ length: 3 + (n % 2) }, () => [2 + random() * 36, 2 + random() * 36]);
        // A star-shaped order around the centroid keeps a quadrilateral simple.
        const [cx, cy] = [points.reduce((s, p) => s + p[0]!, 0) / points.length, points.reduce((s, p) => s + p[1]!, 0) / points.length];
        points.sort((a, b) => Math.atan2(a[1]! - cy, a[0]! - cx) - Math.atan2(b[1]! - cy, b[0]! - cx));
        if (n % 3 === 0) points.reverse();
        const area = Math.abs(points.reduce((s, p, i) => s + p[0]! * points[(i + 1) % points.length]![1]! - points[(i + 1) % points.length]![0]! * p[1]!, 0)) / 2;
        image.fillPolygons([points.flat()], BLACK);
        // Each pixel is rounded to 1/255 of ink.
        expect(Math.abs(totalInk(image) - area)).toBeLessThan(0.002 * area + 0.5);
      }
    });

    it('GIVEN an inner contour wound the other way THEN a hole', () => {
      const image = blank();
      image.fillPolygons([[2, 2, 12, 2, 12, 12, 2, 12], [5, 5, 5, 9, 9, 9, 9, 5]], BLACK);
      expect([ink(image, 3, 3), ink(image, 6, 6), ink(image, 10, 10)]).toEqual([1, 0, 1]);
      expect(totalInk(image)).toBeCloseTo(100 - 16, 1);
    });

    it('GIVEN a polygon past the image edges THEN the part inside is drawn as if the image went on', () => {
      const image = blank(10, 10);
      image.fillPolygons([[-30, -5, 4, -5, 4, 3, -30, 3]], BLACK);
      expect(totalInk(image)).toBeCloseTo(4 * 3, 1);
      const slanted = blank(10, 10);
      slanted.fillPolygons([[-10, 0, 5, 0, 5, 10]], BLACK); // the line x = -10 + 1.5 y crosses the left edge at y ≈ 6.7
      const inside = 5 * 10 - 0.5 * 5 * (10 / 3) - 0; // the triangle's part with x ≥ 0
      expect(totalInk(slanted)).toBeCloseTo(inside, 0);
    });
  });

  describe('strokePolyline', () => {
    it('GIVEN a horizontal line 2 px wide on a pixel edge THEN two full rows and nothing else', () => {
      const image = blank();
      image.strokePolyline([4, 10, 14, 10], 2, BLACK);
      expect([ink(image, 8, 8), ink(image, 8, 9), ink(image, 8, 10), ink(image, 8, 11)]).toEqual([0, 1, 1, 0]);
    });

    it('GIVEN a translucent polyline with a sharp corner THEN the corner is no darker than the line (no double painting)', () => {
      const image = blank(40, 40);
      image.strokePolyline([5, 5, 30, 20, 5, 35], 4, color('#000000', 0.5));
      let darkest = 0;
      for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) darkest = Math.max(darkest, ink(image, x, y));
      expect(darkest).toBeCloseTo(0.5, 1);
      expect(ink(image, 29, 20)).toBeCloseTo(0.5, 1);
    });

    it('GIVEN a dash pattern THEN the ink is the dashes\' share of the line', () => {
      const solid = blank(60, 10);
      solid.strokePolyline([0, 5, 60, 5], 2, BLACK);
      const dashes = blank(60, 10);
      dashes.strokePolyline([0, 5, 60, 5], 2, BLACK, [6, 4]);
      expect(totalInk(solid)).toBeCloseTo(60 * 2, -1);
      // 6 dashes of 6 × 2 px, plus their round caps (half a disc at each end; the first one's start is off the image).
      expect(totalInk(dashes)).toBeCloseTo(6 * 6 * 2 + 5.5 * Math.PI, -1);
    });

    it('GIVEN two strokes THEN the second does not inherit the first one\'s coverage', () => {
      const image = blank();
      image.strokePolyline([2, 2, 18, 2], 2, BLACK);
      image.strokePolyline([2, 15, 18, 15], 2, color('#ff0000'));
      expect(image.rgb(10, 2)).toEqual([0, 0, 0]);
      expect(image.rgb(10, 15)).toEqual([255, 0, 0]);
      expect(image.rgb(10, 8)).toEqual([255, 255, 255]);
    });
  });
});

describe('dashed', () => {
  it('GIVEN a polyline with a bend THEN dashes of the pattern\'s length follow it around the bend', () => {
    const pieces = dashed([0, 0, 10, 0, 10, 10], [6, 4]);
    const length = (p: number[]) => p.reduce((s, _, i) => (i >= 2 && i % 2 === 0 ? s + Math.hypot(p[i]! - p[i - 2]!, p[i + 1]! - p[i - 1]!) : s), 0);
    expect(pieces.map((p) => Math.round(length(p) * 1000) / 1000)).toEqual([6, 6]);
    expect(pieces[1]).toEqual([10, 0, 10, 6]); // starts at the bend, 4 after the first dash ends
    expect(pieces[0]).toEqual([0, 0, 6, 0]);
  });
});

describe('color', () => {
  it('GIVEN #rrggbb and an opacity THEN the channels', () => {
    expect(color('#2b8a3e', 0.1)).toEqual([43, 138, 62, 0.1]);
    expect(() => color('red')).toThrow(/#rrggbb/);
  });
});
