import { describe, expect, it } from 'vitest';
import { color, Raster } from '../../../src/adapters/charts/raster.ts';
import { drawText, fitText, measureText } from '../../../src/adapters/charts/text.ts';

const BLACK = color('#000000');

/** The bounding box of the pixels that took ink. */
function inkBox(image: Raster): { left: number; top: number; right: number; bottom: number } | undefined {
  let box: { left: number; top: number; right: number; bottom: number } | undefined;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.rgb(x, y)[0] > 250) continue;
      box = box ? { left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x), bottom: Math.max(box.bottom, y) } : { left: x, top: y, right: x, bottom: y };
    }
  }
  return box;
}

describe('measureText', () => {
  it('GIVEN DejaVu Sans THEN advances scale with the size, and bold is wider', () => {
    // "H" is 1540 of 2048 units wide in DejaVu Sans.
    expect(measureText('H', { size: 2048 })).toBe(1540);
    expect(measureText('HH', { size: 16 })).toBeCloseTo((2 * 1540 * 16) / 2048, 6);
    expect(measureText('Narrative', { size: 16, weight: 'bold' })).toBeGreaterThan(measureText('Narrative', { size: 16 }));
  });

  it('GIVEN a kerned pair THEN it is narrower than its letters apart', () => {
    expect(measureText('AV', { size: 100 })).toBeLessThan(measureText('A', { size: 100 }) + measureText('V', { size: 100 }));
  });

  it('GIVEN line breaks and tabs (feed titles) THEN they measure as spaces', () => {
    expect(measureText('a\nb\tc', { size: 12 })).toBe(measureText('a b c', { size: 12 }));
  });
});

describe('fitText', () => {
  it('GIVEN text that fits THEN it is unchanged', () => {
    expect(fitText('TAO +25%', 500, { size: 12 })).toBe('TAO +25%');
  });

  it('GIVEN text that does not THEN the longest start that fits with an ellipsis, whole code points only', () => {
    const long = 'Bittensor launches dynamic TAO for subnets 🤖🤖🤖 and more';
    const fitted = fitText(long, 120, { size: 12 });
    expect(fitted.endsWith('…')).toBe(true);
    expect(measureText(fitted, { size: 12 })).toBeLessThanOrEqual(120);
    expect(long.startsWith(fitted.slice(0, -1))).toBe(true);
    const longer = fitText(long, 120 + measureText('xx', { size: 12 }), { size: 12 });
    expect(longer.length).toBeGreaterThan(fitted.length);
    expect(fitText('🤖🤖🤖🤖', measureText('🤖…', { size: 12 }), { size: 12 })).toBe('🤖…');
    expect(fitText('anything', 1, { size: 12 })).toBe('');
  });
});

describe('drawText', () => {
  it('GIVEN "H" at 100 px from the top-left THEN capital-height ink with two stems and open space between them', () => {
    const image = new Raster(120, 120).clear(color('#ffffff'));
    const width = drawText(image, 'H', { size: 100, color: BLACK }, { x: 10, y: 10, baseline: 'top' });
    expect(width).toBeCloseTo((1540 * 100) / 2048, 6);
    const box = inkBox(image)!;
    // Cap height 1493 of 2048 units: 73 px, from y = 10.
    expect(box.top).toBe(10);
    expect(box.bottom).toBe(10 + Math.ceil((1493 * 100) / 2048) - 1);
    const aboveCrossbar = box.top + Math.round((box.bottom - box.top) / 4);
    const row = Array.from({ length: image.width }, (_, x) => (image.rgb(x, aboveCrossbar)[0] < 128 ? '#' : '.')).join('');
    expect(row).toMatch(/^\.+#+\.+#+\.+$/);
  });

  it('GIVEN centre and right alignment THEN the ink is centred on, or ends at, x', () => {
    const centred = new Raster(200, 40).clear(color('#ffffff'));
    drawText(centred, 'TAO', { size: 20, color: BLACK }, { x: 100, y: 30, align: 'center' });
    const c = inkBox(centred)!;
    expect(Math.abs((c.left + c.right) / 2 - 100)).toBeLessThan(2);
    const right = new Raster(200, 40).clear(color('#ffffff'));
    drawText(right, 'TAO', { size: 20, color: BLACK }, { x: 150, y: 30, align: 'right' });
    expect(inkBox(right)!.right).toBeLessThanOrEqual(150);
    expect(inkBox(right)!.right).toBeGreaterThan(145);
  });

  it('GIVEN rotate 90 THEN the line runs upwards from (x, y)', () => {
    const image = new Raster(60, 200).clear(color('#ffffff'));
    drawText(image, 'indexed, 100 = move start', { size: 12, color: BLACK }, { x: 30, y: 100, align: 'center', baseline: 'middle', rotate: 90 });
    const box = inkBox(image)!;
    expect(box.bottom - box.top).toBeGreaterThan(100);
    expect(box.right - box.left).toBeLessThan(16);
    expect(Math.abs((box.top + box.bottom) / 2 - 100)).toBeLessThan(3);
  });

  it('GIVEN characters the font lacks (CJK, emoji) THEN missing-glyph boxes, and nothing thrown', () => {
    const image = new Raster(100, 30).clear(color('#ffffff'));
    expect(drawText(image, '中文 🤖', { size: 14, color: BLACK }, { x: 2, y: 20 })).toBeGreaterThan(20);
    expect(inkBox(image)).toBeDefined();
  });
});
