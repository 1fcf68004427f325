/**
 * Candle CSVs: the loader on real (sliced) Binance data, precise errors for bad files, and the
 * price source that serves them for replays.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExchangeError } from '../../../src/app/ports.ts';
import type { Candle } from '../../../src/domain/candles.ts';
import {
  CandleCsvError,
  createCsvPriceSource,
  formatProblem,
  loadCandleDir,
  parseCandleCsv,
  parseCandleFileName,
  resampleCandles,
} from '../../../src/adapters/exchange/csv-candles.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/prices/', import.meta.url));
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1); // 1735689600000, first row of the fixtures

/** The problems a parse reports, formatted as the operator sees them. */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CandleCsvError);
    return (error as CandleCsvError).problems.map(formatProblem);
  }
  throw new Error('expected a CandleCsvError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to reject');
    },
    (e: unknown) => e,
  );
}

const HEADER = 'timestamp_ms,date_utc,open,high,low,close,volume';

describe('loadCandleDir on the fixtures', () => {
  it('GIVEN two pair files and a README THEN both pairs load with their timeframe and every row', async () => {
    const data = await loadCandleDir(FIXTURES);
    expect([...data.keys()].sort()).toEqual(['BTC/USDT', 'TAO/USDT']);
    const tao = data.get('TAO/USDT')!;
    expect(tao.timeframe).toBe('1h');
    expect(tao.candles).toHaveLength(200);
    expect(tao.candles[0]).toEqual({ time: T0, open: 441, high: 448.9, low: 440.4, close: 448.8, volume: 1270.8871 });
    expect(tao.candles.at(-1)).toEqual({
      time: T0 + 199 * HOUR,
      open: 455.7,
      high: 457.9,
      low: 446.5,
      close: 447.6,
      volume: 7694.0763,
    });
    expect(data.get('BTC/USDT')!.candles[1]).toEqual({
      time: T0 + HOUR,
      open: 94401.13,
      high: 94408.72,
      low: 93578.77,
      close: 93607.74,
      volume: 586.53456,
    });
  });
});

describe('parseCandleCsv', () => {
  it('GIVEN columns in another order, extra columns, a BOM, CRLF and blank lines THEN it reads by header name', () => {
    const text = '\uFEFFvolume,close,note,timestamp_ms,low,high,open\r\n5,11,x,1735689600000,9,12,10\r\n\r\n6,12,,1735693200000,10,13,11\r\n';
    expect(parseCandleCsv(text, 'TAO_USDT-1h.csv')).toEqual([
      { time: T0, open: 10, high: 12, low: 9, close: 11, volume: 5 },
      { time: T0 + HOUR, open: 11, high: 13, low: 10, close: 12, volume: 6 },
    ]);
  });

  it('GIVEN a gap of whole candles THEN it is accepted (exchanges have downtime)', () => {
    const text = [HEADER, `${T0},d,1,1,1,1,0`, `${T0 + 5 * HOUR},d,1,1,1,1,0`].join('\n');
    expect(parseCandleCsv(text, 'TAO_USDT-1h.csv').map((c) => c.time)).toEqual([T0, T0 + 5 * HOUR]);
  });

  it.each<[string, string[], string[]]>([
    ['an empty file', [''], ['x.csv line 1: file is empty: expected a header row with timestamp_ms,open,high,low,close,volume']],
    [
      'a header without volume and close',
      ['timestamp_ms,open,high,low', `${T0},1,1,1`],
      ['x.csv line 1: header is missing close, volume (found: timestamp_ms,open,high,low)'],
    ],
    [
      'a column named twice',
      ['timestamp_ms,open,high,low,close,volume,open', `${T0},1,1,1,1,1,1`],
      ['x.csv line 1: header names column "open" twice'],
    ],
    ['a word for a price', [HEADER, `${T0},d,abc,1,1,1,1`], ['x.csv line 2, column 3 (open): "abc" is not a number']],
    ['an empty close', [HEADER, `${T0},d,1,1,1,,1`], ['x.csv line 2, column 6 (close): is empty']],
    ['NaN and Infinity', [HEADER, `${T0},d,NaN,Infinity,1,1,1`], [
      'x.csv line 2, column 3 (open): "NaN" is not a number',
      'x.csv line 2, column 4 (high): "Infinity" is not a number',
    ]],
    ['a zero price', [HEADER, `${T0},d,0,1,1,1,1`], ['x.csv line 2, column 3 (open): 0 must be greater than zero']],
    ['a negative volume', [HEADER, `${T0},d,1,1,1,1,-2`], ['x.csv line 2, column 7 (volume): -2 must be zero or more']],
    [
      'seconds instead of milliseconds',
      [HEADER, '1735689600,d,1,1,1,1,1'],
      ['x.csv line 2, column 1 (timestamp_ms): 1735689600 looks like seconds or garbage; expected epoch milliseconds'],
    ],
    [
      'an ISO date as timestamp',
      [HEADER, '2025-01-01T00:00:00Z,d,1,1,1,1,1'],
      ['x.csv line 2, column 1 (timestamp_ms): "2025-01-01T00:00:00Z" is not a whole number of milliseconds'],
    ],
    ['a missing field', [HEADER, `${T0},d,1,1,1,1`], ['x.csv line 2: expected 7 fields like the header, found 6']],
    ['high below close', [HEADER, `${T0},d,1,1.5,0.9,2,1`], ['x.csv line 2, column 4 (high): 1.5 is below open, low or close of the same row']],
    ['low above open', [HEADER, `${T0},d,1,2,1.2,1.5,1`], ['x.csv line 2, column 5 (low): 1.2 is above open or close of the same row']],
    [
      'a duplicate time',
      [HEADER, `${T0},d,1,1,1,1,1`, '', `${T0},d,1,1,1,1,1`],
      [
        `x.csv line 4, column 1 (timestamp_ms): ${T0} is not after ${T0} on line 2: rows must be sorted by time, without duplicates`,
      ],
    ],
  ])('GIVEN %s THEN the problem names file, line and column', (_, lines, expected) => {
    expect(problemsOf(() => parseCandleCsv(lines.join('\n'), 'x.csv'))).toEqual(expected);
  });

  it('GIVEN a file named for 1h with a half-hour step THEN the misaligned row is reported', () => {
    const text = [HEADER, `${T0},d,1,1,1,1,1`, `${T0 + HOUR / 2},d,1,1,1,1,1`].join('\n');
    expect(problemsOf(() => parseCandleCsv(text, 'data/TAO_USDT-1h.csv'))).toEqual([
      `data/TAO_USDT-1h.csv line 3, column 1 (timestamp_ms): ${T0 + HOUR / 2} is 1800000 ms after line 2, not a multiple of 1h`,
    ]);
  });

  it('GIVEN several bad rows THEN all are reported at once and the message lists them', () => {
    const text = [HEADER, `${T0},d,x,1,1,1,1`, `${T0 + HOUR},d,1,1,1,1,1`, `${T0 + 2 * HOUR},d,1,1,1,1,y`].join('\n');
    let error: unknown;
    try {
      parseCandleCsv(text, 'TAO_USDT-1h.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CandleCsvError);
    expect((error as Error).message).toBe(
      [
        '2 problems in candle CSV files:',
        '  TAO_USDT-1h.csv line 2, column 3 (open): "x" is not a number',
        '  TAO_USDT-1h.csv line 4, column 7 (volume): "y" is not a number',
      ].join('\n'),
    );
  });

  it('GIVEN a file that is garbage throughout THEN it stops after 20 problems instead of listing thousands', () => {
    const text = [HEADER, ...Array.from({ length: 500 }, (_, i) => `${T0 + i * HOUR},d,bad,1,1,1,1`)].join('\n');
    const problems = problemsOf(() => parseCandleCsv(text, 'x.csv'));
    expect(problems).toHaveLength(21);
    expect(problems.at(-1)).toBe('x.csv line 22: too many problems; stopped reading this file');
  });
});

describe('parseCandleFileName', () => {
  it.each([
    ['TAO_USDT-1h.csv', { pair: 'TAO/USDT', timeframe: '1h' }],
    ['/data/prices/render_usdt-15m.csv', { pair: 'RENDER/USDT', timeframe: '15m' }],
    ['BTC_USDT-1M.csv', { pair: 'BTC/USDT', timeframe: '1M' }],
    ['TAO-USDT-1h.csv', undefined],
    ['TAO_USDT.csv', undefined],
    ['TAO_USDT-1h.feather', undefined],
  ])('GIVEN %s THEN %j', (name, expected) => {
    expect(parseCandleFileName(name)).toEqual(expected);
  });
});

describe('loadCandleDir with problems', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candles-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN a misnamed CSV, a pair in two timeframes and a bad row THEN every problem is listed', async () => {
    const good = [HEADER, `${T0},d,1,1,1,1,1`].join('\n');
    await writeFile(path.join(dir, 'prices.csv'), good);
    await writeFile(path.join(dir, 'TAO_USDT-1h.csv'), good);
    await writeFile(path.join(dir, 'TAO_USDT-4h.csv'), good);
    await writeFile(path.join(dir, 'FET_USDT-1h.csv'), [HEADER, `${T0},d,1,1,1,1,-1`].join('\n'));
    await writeFile(path.join(dir, 'notes.txt'), 'ignored');
    await mkdir(path.join(dir, 'old.csv')); // a folder, not a file: ignored

    const error = await rejectionOf(loadCandleDir(dir));
    expect(error).toBeInstanceOf(CandleCsvError);
    expect((error as CandleCsvError).problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'FET_USDT-1h.csv')} line 2, column 7 (volume): -1 must be zero or more`,
      `${path.join(dir, 'TAO_USDT-4h.csv')}: TAO/USDT also has TAO_USDT-1h.csv: keep one timeframe per pair (coarser ones are derived)`,
      `${path.join(dir, 'prices.csv')}: name does not follow <BASE>_<QUOTE>-<timeframe>.csv, e.g. TAO_USDT-1h.csv`,
    ]);
  });
});

describe('resampleCandles', () => {
  const hourly: Candle[] = [
    { time: T0, open: 10, high: 12, low: 9, close: 11, volume: 1 },
    { time: T0 + HOUR, open: 11, high: 15, low: 10, close: 14, volume: 2 },
    { time: T0 + 2 * HOUR, open: 14, high: 14, low: 8, close: 9, volume: 3 },
    { time: T0 + 4 * HOUR, open: 9, high: 10, low: 9, close: 10, volume: 4 },
  ];

  it('GIVEN 1h candles THEN 2h buckets aggregate open, high, low, close and volume, partial buckets included', () => {
    expect(resampleCandles(hourly, 2 * HOUR)).toEqual([
      { time: T0, open: 10, high: 15, low: 9, close: 14, volume: 3 },
      { time: T0 + 2 * HOUR, open: 14, high: 14, low: 8, close: 9, volume: 3 },
      { time: T0 + 4 * HOUR, open: 9, high: 10, low: 9, close: 10, volume: 4 },
    ]);
  });

  it('GIVEN a week THEN buckets start on Monday 00:00 UTC, as exchanges align them', () => {
    // 2025-01-01 is a Wednesday: its week began on Monday 2024-12-30
    expect(resampleCandles(hourly, 7 * 24 * HOUR).map((c) => new Date(c.time).toISOString())).toEqual([
      '2024-12-30T00:00:00.000Z',
    ]);
  });

  it('GIVEN input candles THEN they are not modified', () => {
    const copy = structuredClone(hourly);
    resampleCandles(hourly, 2 * HOUR);
    expect(hourly).toEqual(copy);
  });
});

describe('createCsvPriceSource', () => {
  it('GIVEN the fixtures dir THEN it lists their pairs and serves candles from sinceMs, limit of them', async () => {
    const source = createCsvPriceSource(FIXTURES);
    const all = (await loadCandleDir(FIXTURES)).get('TAO/USDT')!.candles;
    expect(source.venue).toBe('csv');
    expect(await source.hasMarket('TAO/USDT')).toBe(true);
    expect(await source.hasMarket('AKT/USDT')).toBe(false);
    expect(await source.candles('TAO/USDT', '1h', all[5]!.time, 3)).toEqual(all.slice(5, 8));
    expect(await source.candles('TAO/USDT', '1h', all[5]!.time + 1, 2)).toEqual(all.slice(6, 8));
    expect(await source.candles('TAO/USDT', '1h', all[195]!.time)).toEqual(all.slice(195));
    expect(await source.candles('TAO/USDT', '1h', T0 + 1_000 * HOUR)).toEqual([]);
  });

  it('GIVEN a coarser timeframe THEN it is derived from the stored one', async () => {
    const source = createCsvPriceSource(FIXTURES, 'replay');
    const fourHourly = await source.candles('TAO/USDT', '4h', T0, 2);
    // the first four hourly rows of TAO_USDT-1h.csv
    expect(fourHourly[0]).toEqual({
      time: T0,
      open: 441,
      high: 448.9,
      low: 440.4,
      close: 442.3,
      volume: 1270.8871 + 790.6331 + 928.9728 + 2433.6988,
    });
    expect(fourHourly[1]?.time).toBe(T0 + 4 * HOUR);
  });

  it.each([
    ['a finer timeframe', '15m', /csv cannot serve TAO\/USDT 15m candles: the files hold 1h candles/],
    ['a timeframe that is not a multiple', '90m', /not a whole multiple/],
    ['a malformed timeframe', 'hourly', /Unknown timeframe "hourly"/],
  ])('GIVEN %s THEN give-up', async (_, timeframe, message) => {
    const error = await rejectionOf(createCsvPriceSource(FIXTURES).candles('TAO/USDT', timeframe, T0));
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as ExchangeError).action).toBe('give-up');
    expect((error as ExchangeError).message).toMatch(message);
  });

  it('GIVEN a pair without a file THEN skip-symbol, like a venue that does not list it', async () => {
    const error = await rejectionOf(createCsvPriceSource(FIXTURES).candles('AKT/USDT', '1h', T0));
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ action: 'skip-symbol', details: { venue: 'csv', symbol: 'AKT/USDT' } });
  });

  it('GIVEN a replay clock THEN only candles closed by then are served', async () => {
    let now = T0 + 3 * HOUR + 30 * 60_000; // 03:30: the 03:00 candle is still open
    const source = createCsvPriceSource(FIXTURES, 'csv', { now: () => now });
    expect((await source.candles('TAO/USDT', '1h', T0)).map((c) => c.time)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    now = T0 + 4 * HOUR;
    expect(await source.candles('TAO/USDT', '1h', T0)).toHaveLength(4);
    expect(await source.candles('TAO/USDT', '4h', T0)).toHaveLength(1);
  });

  it('GIVEN callers that modify returned candles THEN later calls still see the data as loaded', async () => {
    const source = createCsvPriceSource(await loadCandleDir(FIXTURES));
    const first = await source.candles('BTC/USDT', '1h', T0, 1);
    first[0]!.close = -1;
    expect((await source.candles('BTC/USDT', '1h', T0, 1))[0]!.close).toBe(94401.14);
  });

  describe('GIVEN a directory that is not usable yet', () => {
    let dir: string;
    beforeEach(async () => {
      dir = path.join(await mkdtemp(path.join(tmpdir(), 'candles-')), 'prices');
    });
    afterEach(async () => {
      await rm(path.dirname(dir), { recursive: true, force: true });
    });

    it('THEN give-up, and a later call loads it once it is fixed', async () => {
      const source = createCsvPriceSource(dir);
      const missing = await rejectionOf(source.hasMarket('TAO/USDT'));
      expect(missing).toMatchObject({ action: 'give-up', details: { venue: 'csv' } });
      expect((missing as Error).message).toContain(`csv: candle files in ${dir} are unusable: ENOENT`);

      await mkdir(dir);
      await writeFile(path.join(dir, 'TAO_USDT-1h.csv'), [HEADER, `${T0},d,1,1,1,1,x`].join('\n'));
      const bad = await rejectionOf(source.hasMarket('TAO/USDT'));
      expect((bad as Error).message).toContain('line 2, column 7 (volume): "x" is not a number');

      await writeFile(path.join(dir, 'TAO_USDT-1h.csv'), [HEADER, `${T0},d,1,1,1,1,1`].join('\n'));
      expect(await source.hasMarket('TAO/USDT')).toBe(true);
    });
  });
});
