import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../../src/adapters/charts/png.ts';
import { color, Raster } from '../../../src/adapters/charts/raster.ts';
import { seededRandom } from '../../e2e/support/seeded-random.ts';

/** The RGB of every pixel, read back by pngjs (which checks signature, chunk CRCs and filters). */
function decodeRgb(png: Buffer): { width: number; height: number; rgb: number[] } {
  const image = PNG.sync.read(png);
  const rgb: number[] = [];
  let translucent = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (image.data[i + 3] !== 255) translucent++;
    rgb.push(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
  }
  expect(translucent).toBe(0);
  return { width: image.width, height: image.height, rgb };
}

function rgbOf(image: Raster): number[] {
  const out: number[] = [];
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) out.push(...image.rgb(x, y));
  return out;
}

describe('encodePng', () => {
  it('GIVEN flat areas, gradients and noise (each row filtered None, Sub or Up) THEN pngjs reads back every pixel', () => {
    const random = seededRandom(11);
    const image = new Raster(37, 23).clear(color('#ffffff'));
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (y < 5) continue; // white: Sub for the first row, Up below it
        if (y === 5) {
          image.fillRect(x, y, 1, 1, color('#000000')); // black: None
          continue;
        }
        const c: [number, number, number] = y < 12 ? [x * 7, 255 - x * 7, 128] : y < 18 ? [(x + y) % 256, 3 * x, 9 * y] : [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
        image.fillRect(x, y, 1, 1, [...c, 1]);
      }
    }
    const expected = rgbOf(image);
    const png = encodePng(image.width, image.height, image.scanlines);
    expect(decodeRgb(png)).toEqual({ width: 37, height: 23, rgb: expected });
    expect(new Set(Array.from({ length: image.height }, (_, y) => image.scanlines[y * image.stride]))).toEqual(new Set([0, 1, 2]));
  });

  it('GIVEN a white 960×480 chart background THEN it compresses to well under a kilobyte per 100 rows', () => {
    const image = new Raster(960, 480).clear(color('#ffffff'));
    const png = encodePng(image.width, image.height, image.scanlines);
    expect(png.length).toBeLessThan(5_000);
    expect(decodeRgb(png).rgb.every((v) => v === 255)).toBe(true);
  });

  it('GIVEN scanlines of the wrong length THEN a RangeError, not a broken file', () => {
    expect(() => encodePng(10, 10, new Uint8Array(300))).toThrow(/expected 310 bytes/);
  });
});

describe('crc32', () => {
  it('GIVEN the standard check input THEN the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });
});
