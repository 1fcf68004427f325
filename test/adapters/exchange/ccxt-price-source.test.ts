/**
 * The ccxt price source with real ccxt against the loopback fake Binance: markets, candles,
 * pagination, and the translation of every failure into the action the caller should take.
 */
import { fileURLToPath } from 'node:url';
import * as ccxt from 'ccxt';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExchangeError, type ExchangeAction, type Logger, type PriceSource } from '../../../src/app/ports.ts';
import type { Candle } from '../../../src/domain/candles.ts';
import {
  createCcxtPriceSource,
  loadExchangeClass,
  rewriteApiUrls,
  toCandles,
  translateCcxtError,
  type CcxtPriceSourceOptions,
} from '../../../src/adapters/exchange/ccxt-price-source.ts';
import { loadCandleDir } from '../../../src/adapters/exchange/csv-candles.ts';
import { startFakeBinance, type FakeBinance, type FakeBinanceFault } from '../../../src/loopback/binance-server.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const FIXTURES = fileURLToPath(new URL('../../fixtures/prices/', import.meta.url));

function hourly(count: number, from = T0): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const open = 100 + (i % 50);
    return { time: from + i * HOUR, open, high: open + 2, low: open - 1, close: open + 1, volume: 10 + i };
  });
}

interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

function recordingLogger(records: LogRecord[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      records.push({ level, msg, fields: { ...bindings, ...obj } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

/** The rejection of `promise`, which must be an ExchangeError. */
async function rejectionOf(promise: Promise<unknown>): Promise<ExchangeError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to reject');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  return error as ExchangeError;
}

let tao: Candle[];
let btc: Candle[];
let fake: FakeBinance;
let logs: LogRecord[];
const sources: PriceSource[] = [];

beforeAll(async () => {
  const fixtures = await loadCandleDir(FIXTURES);
  tao = fixtures.get('TAO/USDT')!.candles;
  btc = fixtures.get('BTC/USDT')!.candles;
});

beforeEach(async () => {
  fake = await startFakeBinance();
  fake.setCandles('TAOUSDT', '1h', tao);
  fake.setCandles('BTCUSDT', '1h', btc);
  logs = [];
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close?.()));
  await fake.close();
});

async function binance(options: Partial<CcxtPriceSourceOptions> = {}): Promise<PriceSource> {
  const source = await createCcxtPriceSource({
    venue: 'binance',
    apiRoot: fake.url,
    enableRateLimit: false,
    timeoutMs: 5_000,
    logger: recordingLogger(logs),
    ...options,
  });
  sources.push(source);
  return source;
}

const requestsTo = (route: string) => fake.requests.filter((r) => r.route === route);

describe('createCcxtPriceSource: markets', () => {
  it('GIVEN listed pairs THEN hasMarket answers per pair and loads markets once, from spot endpoints only', async () => {
    const source = await binance();
    const pairs = ['TAO/USDT', 'BTC/USDT', 'AKT/USDT', 'TAO/BTC', 'TAO/USDT:USDT'];
    const answers = await Promise.all(pairs.map((p) => source.hasMarket(p)));
    expect(Object.fromEntries(pairs.map((p, i) => [p, answers[i]]))).toEqual({
      'TAO/USDT': true,
      'BTC/USDT': true,
      'AKT/USDT': false,
      'TAO/BTC': false,
      'TAO/USDT:USDT': false,
    });
    expect(await source.hasMarket('TAO/USDT')).toBe(true);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v3/exchangeInfo']);
    expect(source.venue).toBe('binance');
  });

  it('GIVEN a pair listed with status BREAK THEN hasMarket is false', async () => {
    fake.addSymbol('OLD/USDT', { status: 'BREAK' });
    const source = await binance();
    expect(await source.hasMarket('OLD/USDT')).toBe(false);
  });

  it('GIVEN the markets request fails once THEN hasMarket rejects with retry, and the next call loads them', async () => {
    fake.failNext('exchangeInfo', 503);
    const source = await binance();
    const error = await rejectionOf(source.hasMarket('TAO/USDT'));
    expect(error.action).toBe('retry');
    expect(error.details).toMatchObject({ venue: 'binance', symbol: 'TAO/USDT' });
    expect(error.message).toMatch(/^binance is unavailable \(HTTP 503\) while loading markets to look up TAO\/USDT/);

    expect(await source.hasMarket('TAO/USDT')).toBe(true);
    expect(requestsTo('exchangeInfo').map((r) => r.status)).toEqual([503, 200]);
  });

  it('GIVEN the markets request is rate-limited THEN candles() rejects with back-off before asking for klines', async () => {
    fake.failNext('exchangeInfo', 429);
    const source = await binance();
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0));
    expect(error.action).toBe('back-off');
    expect(requestsTo('klines')).toEqual([]);
  });
});

describe('createCcxtPriceSource: candles', () => {
  it('GIVEN fixture candles THEN candles() returns them unchanged, from sinceMs, `limit` of them', async () => {
    const source = await binance();
    const candles = await source.candles('TAO/USDT', '1h', tao[10]!.time, 50);
    expect(candles).toEqual(tao.slice(10, 60));
    expect(requestsTo('klines').map((r) => r.query)).toEqual([
      { symbol: 'TAOUSDT', interval: '1h', startTime: String(tao[10]!.time), limit: '50' },
    ]);
  });

  it('GIVEN sinceMs inside a candle THEN the series starts at the next candle', async () => {
    const source = await binance();
    const candles = await source.candles('BTC/USDT', '1h', btc[10]!.time + 1, 3);
    expect(candles).toEqual(btc.slice(11, 14));
  });

  it('GIVEN a limit above the 1000 Binance serves per call THEN pages are chained from the last candle', async () => {
    const series = hourly(2_500);
    fake.setCandles('TAOUSDT', '1h', series);
    const source = await binance();
    const candles = await source.candles('TAO/USDT', '1h', T0, 2_500);
    expect(candles).toEqual(series);
    expect(requestsTo('klines').map((r) => [r.query['startTime'], r.query['limit']])).toEqual([
      [String(T0), '1000'],
      [String(series[999]!.time + 1), '1000'],
      [String(series[1999]!.time + 1), '500'],
    ]);
  });

  it('GIVEN no limit THEN it pages until a short page says the present is reached', async () => {
    const series = hourly(1_200);
    fake.setCandles('TAOUSDT', '1h', series);
    const source = await binance();
    const candles = await source.candles('TAO/USDT', '1h', series[100]!.time);
    expect(candles).toEqual(series.slice(100));
    expect(requestsTo('klines').map((r) => r.query['limit'])).toEqual(['1000', '1000']);
  });

  it('GIVEN no limit and more history than maxCandles THEN it stops at maxCandles and warns', async () => {
    fake.setCandles('TAOUSDT', '1h', hourly(1_000));
    const source = await binance({ maxCandles: 250, maxCandlesPerCall: 100 });
    const candles = await source.candles('TAO/USDT', '1h', T0);
    expect(candles).toHaveLength(250);
    expect(requestsTo('klines').map((r) => r.query['limit'])).toEqual(['100', '100', '50']);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        msg: 'candle history truncated at maxCandles',
        fields: { venue: 'binance', pair: 'TAO/USDT', timeframe: '1h', sinceMs: T0, maxCandles: 250 },
      },
    ]);
  });

  it('GIVEN the venue sends malformed candles THEN they are dropped with a warning, the rest served', async () => {
    const series = hourly(5);
    const broken = [...series];
    broken[1] = { ...series[1]!, close: Number.NaN };
    broken[3] = { ...series[3]!, high: 1, low: 2 };
    fake.setCandles('TAOUSDT', '1h', broken);
    const source = await binance();
    const candles = await source.candles('TAO/USDT', '1h', T0, 5);
    expect(candles).toEqual([series[0], series[2], series[4]]);
    const warning = logs.find((l) => l.level === 'warn');
    expect(warning?.msg).toBe('venue returned malformed candles; dropped them');
    expect(warning?.fields).toMatchObject({ pair: 'TAO/USDT', rejected: 2 });
  });
});

describe('createCcxtPriceSource: failures become actions', () => {
  it.each<[FakeBinanceFault, ExchangeAction, string]>([
    [429, 'back-off', 'DDoSProtection'],
    [418, 'back-off', 'DDoSProtection'],
    [403, 'back-off', 'ExchangeNotAvailable'],
    [500, 'retry', 'OperationFailed'],
    [502, 'retry', 'ExchangeNotAvailable'],
    [503, 'retry', 'ExchangeNotAvailable'],
    [504, 'retry', 'RequestTimeout'],
    ['reset', 'retry', 'NetworkError'],
    [451, 'give-up', 'ExchangeNotAvailable'],
  ])('GIVEN klines answers %s THEN ExchangeError %s (ccxt raised %s)', async (fault, action, ccxtError) => {
    const source = await binance();
    fake.failNext('klines', fault);
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    expect(error.action).toBe(action);
    expect(error.details).toMatchObject({ venue: 'binance', symbol: 'TAO/USDT' });
    expect((error.cause as Error).name).toBe(ccxtError);
    expect(error.message).toMatch(/^binance .* while fetching TAO\/USDT 1h candles: /);
    // the next cycle works again: nothing was cached from the failure
    expect(await source.candles('TAO/USDT', '1h', T0, 2)).toEqual(tao.slice(0, 2));
  });

  it.each([
    { status: 429, retryAfterSeconds: 600 },
    { status: 418, retryAfterSeconds: 7200 },
  ])('GIVEN klines answers $status with Retry-After $retryAfterSeconds THEN back-off carrying retryAfterMs, and the message says how long', async ({ status, retryAfterSeconds }) => {
    const source = await binance();
    fake.failNext('klines', { status, retryAfterSeconds });
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    expect(error.action).toBe('back-off');
    expect(error.details).toMatchObject({ venue: 'binance', symbol: 'TAO/USDT', retryAfterMs: retryAfterSeconds * 1000 });
    expect(error.message).toContain(`while fetching TAO/USDT 1h candles: it asks us to wait ${retryAfterSeconds} s (Retry-After)`);
  });

  it('GIVEN a network error after a rate-limited answer THEN the old Retry-After is not reused', async () => {
    const source = await binance();
    fake.failNext('klines', { status: 429, retryAfterSeconds: 600 });
    await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    fake.failNext('klines', 'reset');
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    expect(error.action).toBe('retry');
    expect('retryAfterMs' in error.details).toBe(false);
  });

  it('GIVEN klines answers too slowly THEN retry, saying how long we waited', async () => {
    const source = await binance({ timeoutMs: 1_000 });
    await source.hasMarket('TAO/USDT');
    fake.failNext('klines', { delayMs: 30_000 });
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    expect(error.action).toBe('retry');
    expect((error.cause as Error).name).toBe('RequestTimeout');
    expect(error.message).toContain('binance did not answer within 1000 ms while fetching TAO/USDT 1h candles');
  });

  it('GIVEN nothing listens at apiRoot THEN retry (connection refused)', async () => {
    const gone = await startFakeBinance();
    await gone.close();
    const source = await binance({ apiRoot: gone.url });
    const error = await rejectionOf(source.hasMarket('TAO/USDT'));
    expect(error.action).toBe('retry');
    expect((error.cause as Error).name).toBe('NetworkError');
    expect(error.message).toMatch(/^binance could not be reached while loading markets/);
  });

  it('GIVEN a pair the venue does not list THEN skip-symbol without asking for candles', async () => {
    const source = await binance();
    const error = await rejectionOf(source.candles('AKT/USDT', '1h', T0));
    expect(error.action).toBe('skip-symbol');
    expect(error.message).toBe('binance does not list AKT/USDT: use another venue for it');
    expect(requestsTo('klines')).toEqual([]);
  });

  it('GIVEN a pair delisted after markets were loaded THEN Binance says -1121 and we skip the symbol', async () => {
    const source = await binance();
    expect(await source.hasMarket('TAO/USDT')).toBe(true);
    fake.removeSymbol('TAOUSDT');
    const error = await rejectionOf(source.candles('TAO/USDT', '1h', T0, 10));
    expect(error.action).toBe('skip-symbol');
    expect((error.cause as Error).name).toBe('BadSymbol');
    expect(error.message).toMatch(/^binance does not know TAO\/USDT while fetching TAO\/USDT 1h candles: use another venue/);
  });

  it('GIVEN a timeframe the venue does not offer THEN give-up before any request', async () => {
    const source = await binance();
    const error = await rejectionOf(source.candles('TAO/USDT', '7m', T0));
    expect(error.action).toBe('give-up');
    expect(error.message).toMatch(/^binance has no 7m candles \(it offers 1s, 1m, .*\): fix the timeframe/);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ['nosuchvenue', /^ccxt has no exchange "nosuchvenue"/],
    ['../binance', /is not a ccxt exchange id/],
    ['Binance', /is not a ccxt exchange id/],
  ])('GIVEN venue %j THEN the factory rejects with give-up', async (venue, message) => {
    const error = await rejectionOf(createCcxtPriceSource({ venue }));
    expect(error.action).toBe('give-up');
    expect(error.message).toMatch(message);
  });

  it('GIVEN an apiRoot that is not a URL THEN the factory rejects with give-up', async () => {
    const error = await rejectionOf(createCcxtPriceSource({ venue: 'binance', apiRoot: '127.0.0.1:9' }));
    expect(error.action).toBe('give-up');
    expect(error.message).toContain('apiRoot "127.0.0.1:9" is not an http(s) URL');
  });
});

describe('translateCcxtError', () => {
  const ctx = { venue: 'binance', pair: 'TAO/USDT', operation: 'fetching TAO/USDT 1h candles', timeoutMs: 10_000 };

  it.each<[string, Error, ExchangeAction]>([
    ['RateLimitExceeded', new ccxt.RateLimitExceeded('binance {"code":-1003}'), 'back-off'],
    ['DDoSProtection', new ccxt.DDoSProtection('binance 429 Too Many Requests {}'), 'back-off'],
    ['RequestTimeout', new ccxt.RequestTimeout('binance GET http://x request timed out (10000 ms)'), 'retry'],
    ['OnMaintenance', new ccxt.OnMaintenance('binance system maintenance'), 'retry'],
    ['ExchangeNotAvailable 503', new ccxt.ExchangeNotAvailable('binance GET http://x/api/v3/klines 503 Service Unavailable <html>'), 'retry'],
    ['ExchangeNotAvailable 404', new ccxt.ExchangeNotAvailable('binance GET http://x/api/v3/klines 404 Not Found <html>'), 'give-up'],
    ['NetworkError', new ccxt.NetworkError('binance GET http://x fetch failed: connect ECONNREFUSED'), 'retry'],
    ['BadResponse', new ccxt.BadResponse('binance unparseable'), 'retry'],
    ['BadSymbol', new ccxt.BadSymbol('binance {"code":-1121,"msg":"Invalid symbol."}'), 'skip-symbol'],
    ['MarketClosed', new ccxt.MarketClosed('binance market closed'), 'skip-symbol'],
    ['AuthenticationError', new ccxt.AuthenticationError('binance {"code":-2015}'), 'give-up'],
    ['PermissionDenied', new ccxt.PermissionDenied('binance no permission'), 'give-up'],
    ['NotSupported', new ccxt.NotSupported('binance fetchOHLCV() is not supported yet'), 'give-up'],
    ['RestrictedLocation', new ccxt.RestrictedLocation('binance restricted'), 'give-up'],
    ['BadRequest', new ccxt.BadRequest('binance {"code":-1130}'), 'give-up'],
    ['ExchangeError', new ccxt.ExchangeError('binance {"code":-1000}'), 'retry'],
  ])('GIVEN ccxt %s THEN %s', (_, error, action) => {
    const translated = translateCcxtError(error, ctx);
    expect(translated?.action).toBe(action);
    expect(translated?.cause).toBe(error);
    expect(translated?.details).toEqual({ venue: 'binance', symbol: 'TAO/USDT', cause: error });
    expect(translated?.message).toContain(`while fetching TAO/USDT 1h candles`);
  });

  it('GIVEN a ccxt message with a huge body THEN the translated message keeps only its start', () => {
    const translated = translateCcxtError(new ccxt.ExchangeError(`binance ${'x'.repeat(5_000)}`), ctx);
    expect(translated!.message.length).toBeLessThan(600);
    expect(translated!.message).toMatch(/x…\]$/);
  });

  it.each([new TypeError('undefined is not a function'), 'boom', undefined])(
    'GIVEN a non-ccxt error (%s) THEN undefined: bugs are not translated',
    (error) => {
      expect(translateCcxtError(error, ctx)).toBeUndefined();
    },
  );
});

describe('rewriteApiUrls', () => {
  it('GIVEN nested ccxt urls THEN every http(s) URL gets the root, keeping its path; other values stay', () => {
    const api = {
      public: 'https://api.binance.com/api/v3',
      fapiPublic: 'https://fapi.binance.com/fapi/v1',
      nested: { rest: 'https://api.{hostname}/v1?x=1', ws: 'wss://stream.binance.com:9443/ws' },
      list: ['http://a.example/one'],
      flag: true,
    };
    expect(rewriteApiUrls(api, 'http://127.0.0.1:8080/')).toEqual({
      public: 'http://127.0.0.1:8080/api/v3',
      fapiPublic: 'http://127.0.0.1:8080/fapi/v1',
      nested: { rest: 'http://127.0.0.1:8080/v1?x=1', ws: 'wss://stream.binance.com:9443/ws' },
      list: ['http://127.0.0.1:8080/one'],
      flag: true,
    });
    expect(api.public).toBe('https://api.binance.com/api/v3');
  });

  it.each([
    ['a plain string', 'https://api.kraken.com', 'http://127.0.0.1:9/relay', 'http://127.0.0.1:9/relay'],
    ['a root with a path prefix', 'https://api.kraken.com/0/public', 'http://127.0.0.1:9/relay/', 'http://127.0.0.1:9/relay/0/public'],
  ])('GIVEN %s THEN it is rewritten', (_, api, root, expected) => {
    expect(rewriteApiUrls(api, root)).toBe(expected);
  });

  it.each(['127.0.0.1:9', 'ftp://127.0.0.1/', ''])('GIVEN apiRoot %j THEN TypeError', (root) => {
    expect(() => rewriteApiUrls({}, root)).toThrow(TypeError);
  });
});

describe('loadExchangeClass', () => {
  it('GIVEN binance THEN only its file is loaded', async () => {
    const { ExchangeClass, loadedFrom } = await loadExchangeClass('binance');
    expect(loadedFrom).toBe('file');
    expect(new ExchangeClass().id).toBe('binance');
  });

  it('GIVEN the single file is missing THEN it falls back to the full ccxt import', async () => {
    const { ExchangeClass, loadedFrom } = await loadExchangeClass('kraken', new URL('file:///nonexistent/ccxt/js/'));
    expect(loadedFrom).toBe('package');
    expect(new ExchangeClass().id).toBe('kraken');
  });
});

describe('toCandles', () => {
  it('GIVEN unsorted rows with duplicates and rows before since THEN sorted, deduped (later wins), filtered', () => {
    const rows: ccxt.OHLCV[] = [
      [T0 + 2 * HOUR, 3, 3, 3, 3, 1],
      [T0, 1, 1, 1, 1, 1],
      [T0 + HOUR, 2, 2, 2, 2, 1],
      [T0 + 2 * HOUR, 3, 4, 3, 4, 2],
      [T0 - HOUR, 9, 9, 9, 9, 9],
      [T0 + 3 * HOUR, 5, 5, 5, 5, undefined],
    ];
    const { candles, rejected } = toCandles(rows, T0);
    expect(candles).toEqual([
      { time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 },
      { time: T0 + HOUR, open: 2, high: 2, low: 2, close: 2, volume: 1 },
      { time: T0 + 2 * HOUR, open: 3, high: 4, low: 3, close: 4, volume: 2 },
    ]);
    expect(rejected).toEqual([{ row: rows[5], reason: 'volume undefined is not a non-negative number' }]);
  });
});
