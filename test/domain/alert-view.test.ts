import { describe, expect, it } from 'vitest';
import { describeMove, describeSectorMove, describeVsSector, viewAlert, type SectorAlert } from '../../src/domain/alert.ts';
import type { Move } from '../../src/domain/moves.ts';
import type { SectorMove } from '../../src/domain/sector-moves.ts';

const NOW = Date.UTC(2025, 1, 20, 6);
const H = 3_600_000;
const sector = (over: Partial<SectorMove> = {}): SectorMove => ({
  symbol: 'AI basket', windowMinutes: 240, direction: 'up', startedAt: NOW - 4 * H, endedAt: NOW, fromPrice: 100, toPrice: 108.1,
  return: 0.081, benchmarkReturn: 0.015, beta: 1.26, abnormalVsBtc: 0.0621, reasons: ['|AI basket − β·BTC| ≥ 6%'], abnormalWithoutLeader: 0.05,
  members: [{ symbol: 'RENDER', return: 0.12 }, { symbol: 'FET', return: 0.08 }, { symbol: 'TAO', return: 0.015 }], ...over,
});

describe('describeMove', () => {
  const move: Move = { symbol: 'TAO', windowMinutes: 1440, direction: 'up', startedAt: NOW - 20 * H, endedAt: NOW, fromPrice: 400, toPrice: 500, return: 0.25, benchmarkReturn: 0.02, beta: 2, abnormalVsBtc: 0.21, sectorReturn: 0.098, abnormalVsSector: 0.152, z: 4.1, reasons: [] };
  it('GIVEN a move with every comparison THEN the headline has return, vs BTC and z; the sector comparison is its own line', () => {
    expect(describeMove(move)).toBe('TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)');
    expect(describeVsSector(move)).toBe('+15.2% vs the AI tokens (they moved +9.8% without TAO)');
    expect(viewAlert({ kind: 'move', key: 'k', createdAt: NOW, severity: 'high', reason: 'r', move, catalysts: [] }).fields).toEqual([
      { name: 'Price', value: '400 → 500' },
      { name: 'BTC', value: '+2.0% (β 2.00)' },
      { name: 'Sector', value: '+15.2% vs the AI tokens (they moved +9.8% without TAO)' },
    ]);
  });
});

describe('sector alerts', () => {
  it.each([
    ['up: the best member leads', sector(), 'AI basket +6.2% vs BTC in 4h; RENDER leading (+12.0%), TAO lagging (+1.5%)'],
    [
      'down: the worst member leads',
      sector({ direction: 'down', abnormalVsBtc: -0.07, members: [{ symbol: 'TAO', return: -0.01 }, { symbol: 'RENDER', return: -0.11 }] }),
      'AI basket −7.0% vs BTC in 4h; RENDER leading (−11.0%), TAO lagging (−1.0%)',
    ],
  ])('GIVEN %s THEN %s', (_case, move, text) => expect(describeSectorMove(move)).toBe(text));

  it('GIVEN a sector alert THEN a view renderers can show like any other', () => {
    const alert: SectorAlert = { kind: 'sector', key: 'sector:AI basket:up:240:1', createdAt: NOW, severity: 'medium', reason: '|AI basket − β·BTC| ≥ 6%', sector: sector() };
    expect(viewAlert(alert)).toEqual({
      kind: 'sector',
      severity: 'medium',
      title: 'AI basket +6.2% vs BTC in 4h; RENDER leading (+12.0%), TAO lagging (+1.5%)',
      summary: "AI basket +6.2% vs BTC in 4h; RENDER leading (+12.0%), TAO lagging (+1.5%): the sector moved as a whole, and no sector-wide news was found in the recent posts.",
      fields: [
        { name: 'Basket', value: '+8.1% (3 tokens)' },
        { name: 'BTC', value: '+1.5% (β 1.26)' },
        { name: 'Members', value: 'RENDER +12.0%, FET +8.0%, TAO +1.5%' },
      ],
      footer: 'Sector alert · |AI basket − β·BTC| ≥ 6%',
      createdAt: NOW,
      direction: 'up',
    });
  });

  it('GIVEN a sector alert with a catalyst THEN the summary, a field and the links name it', () => {
    const catalyst = {
      postId: 'p1', storyId: 'p1', url: 'https://example.com/ai-compute', title: 'Decentralized GPU compute takes off', source: 'The Block',
      publishedAt: NOW - 7 * H, themes: ['Decentralized GPU compute'], score: 0.9, reasons: ['tied to 2 of 3 members moving with the basket: RENDER, FET', '3h before the move'],
    };
    const view = viewAlert({ kind: 'sector', key: 'k', createdAt: NOW, severity: 'medium', reason: 'r', sector: sector(), catalysts: [catalyst] });
    expect(view.summary).toBe(
      'AI basket +6.2% vs BTC in 4h; RENDER leading (+12.0%), TAO lagging (+1.5%): the sector moved as a whole; likely catalyst: "Decentralized GPU compute takes off" (The Block), 3h earlier, themes: Decentralized GPU compute.',
    );
    expect(view.url).toBe('https://example.com/ai-compute');
    expect(view.fields.at(-1)).toEqual({ name: 'Likely catalyst', value: expect.stringContaining('tied to 2 of 3 members moving with the basket: RENDER, FET') as string });
    expect(view.links).toEqual([{ label: 'Decentralized GPU compute takes off', url: 'https://example.com/ai-compute' }]);
  });
});
