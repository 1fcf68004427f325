/**
 * The fake Binance itself: wire format and errors as Binance sends them, so the adapter tests
 * that run ccxt against it mean something. ccxt's own parsing is exercised at the end.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/candles.ts';
import { loadExchangeClass } from '../../../src/adapters/exchange/ccxt-price-source.ts';
import { startFakeBinance, type FakeBinance } from '../../../src/loopback/binance-server.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function hourly(count: number, from = T0): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const open = 100 + i;
    return { time: from + i * HOUR, open, high: open + 2, low: open - 1, close: open + 1, volume: 10 + i };
  });
}

let fake: FakeBinance;

beforeEach(async () => {
  fake = await startFakeBinance();
  fake.setCandles('TAOUSDT', '1h', hourly(30));
});

afterEach(async () => {
  await fake.close();
});

async function get(path: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(fake.url + path);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML error pages stay text
  }
  return { status: res.status, headers: res.headers, body };
}

describe('fake Binance', () => {
  it('GIVEN stored candles THEN klines answers Binance rows (numbers for times, strings for decimals)', async () => {
    const query = `symbol=TAOUSDT&interval=1h&startTime=${T0 + HOUR}&limit=2`;
    const { status, headers, body } = await get(`/api/v3/klines?${query}`);
    expect(status).toBe(200);
    expect(headers.get('x-mbx-used-weight-1m')).toBe('2');
    expect(body).toEqual([
      // open time, open, high, low, close, volume, close time, quote volume, trades, taker base, taker quote, ignore
      [T0 + HOUR, '101.00000000', '103.00000000', '100.00000000', '102.00000000', '11.00000000',
        T0 + 2 * HOUR - 1, '1122.00000000', 11, '5.50000000', '561.00000000', '0'],
      [T0 + 2 * HOUR, '102.00000000', '104.00000000', '101.00000000', '103.00000000', '12.00000000',
        T0 + 3 * HOUR - 1, '1236.00000000', 12, '6.00000000', '618.00000000', '0'],
    ]);
  });

  it.each([
    ['without startTime: the latest `limit`', 'limit=3', [T0 + 27 * HOUR, T0 + 28 * HOUR, T0 + 29 * HOUR]],
    ['startTime inside a candle: from the next one', `startTime=${T0 + 1}&limit=2`, [T0 + HOUR, T0 + 2 * HOUR]],
    [
      'startTime and endTime: the range',
      `startTime=${T0 + 5 * HOUR}&endTime=${T0 + 7 * HOUR}`,
      [T0 + 5 * HOUR, T0 + 6 * HOUR, T0 + 7 * HOUR],
    ],
    ['startTime after the last candle: nothing', `startTime=${T0 + 30 * HOUR}`, []],
  ])('GIVEN klines %s', async (_, query, times) => {
    const { body } = await get(`/api/v3/klines?symbol=TAOUSDT&interval=1h&${query}`);
    expect((body as unknown[][]).map((row) => row[0])).toEqual(times);
  });

  it.each([
    ['unknown symbol', 'symbol=AKTUSDT&interval=1h', { code: -1121, msg: 'Invalid symbol.' }],
    ['unknown interval', 'symbol=TAOUSDT&interval=7m', { code: -1120, msg: 'Invalid interval.' }],
    [
      'limit above 1000',
      'symbol=TAOUSDT&interval=1h&limit=1001',
      { code: -1130, msg: "Data sent for parameter 'limit' is not valid." },
    ],
    [
      'no symbol',
      'interval=1h',
      { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." },
    ],
  ])('GIVEN klines with %s THEN HTTP 400 with Binance error body', async (_, query, error) => {
    const { status, body } = await get(`/api/v3/klines?${query}`);
    expect({ status, body }).toEqual({ status: 400, body: error });
  });

  it('GIVEN failNext 429 twice THEN two 429s with Retry-After and code -1003, then normal answers', async () => {
    fake.failNext('klines', 429, 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, headers, body } = await get('/api/v3/klines?symbol=TAOUSDT&interval=1h&limit=1');
      statuses.push(status);
      if (status === 429) {
        expect(headers.get('retry-after')).toBe('30');
        expect((body as { code: number }).code).toBe(-1003);
      }
    }
    expect(statuses).toEqual([429, 429, 200]);
    // faults on one route leave the others alone
    expect((await get('/api/v3/exchangeInfo')).status).toBe(200);
  });

  it('GIVEN a 418 with a Retry-After THEN the ban message names the same end time, as epoch ms', async () => {
    fake.failNext('klines', { status: 418, retryAfterSeconds: 7200 });
    const before = Date.now();
    const { status, headers, body } = await get('/api/v3/klines?symbol=TAOUSDT&interval=1h&limit=1');
    expect({ status, retryAfter: headers.get('retry-after') }).toEqual({ status: 418, retryAfter: '7200' });
    const { code, msg } = body as { code: number; msg: string };
    expect(code).toBe(-1003);
    const until = Number(/IP banned until (\d+)\./.exec(msg)?.[1]);
    expect(until - before).toBeGreaterThanOrEqual(7_200_000);
    expect(until - before).toBeLessThan(7_260_000);
  });

  it('GIVEN a fault for one symbol THEN only that symbol\'s requests get it', async () => {
    fake.setCandles('NEARUSDT', '1h', hourly(3));
    fake.failNext('klines', 502, 1, 'NEAR/USDT');
    const tao = await get('/api/v3/klines?symbol=TAOUSDT&interval=1h&limit=1');
    const near = await get('/api/v3/klines?symbol=NEARUSDT&interval=1h&limit=1');
    expect([tao.status, near.status]).toEqual([200, 502]);
    expect(near.body).toBe('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
  });

  it('GIVEN an outage THEN every route fails until it is lifted', async () => {
    fake.setOutage(503);
    expect([(await get('/api/v3/exchangeInfo')).status, (await get('/api/v3/klines?symbol=TAOUSDT&interval=1h&limit=1')).status]).toEqual([503, 503]);
    fake.setOutage(undefined);
    expect((await get('/api/v3/exchangeInfo')).status).toBe(200);
  });

  it('GIVEN requests THEN they are logged with route, query and status', async () => {
    fake.failNext('*', 503);
    await get('/api/v3/exchangeInfo');
    await get('/api/v3/klines?symbol=TAOUSDT&interval=1h&limit=1');
    await get('/sapi/v1/capital/config/getall');
    expect(fake.requests).toEqual([
      { method: 'GET', path: '/api/v3/exchangeInfo', route: 'exchangeInfo', query: {}, status: 503 },
      {
        method: 'GET',
        path: '/api/v3/klines',
        route: 'klines',
        query: { symbol: 'TAOUSDT', interval: '1h', limit: '1' },
        status: 200,
      },
      { method: 'GET', path: '/sapi/v1/capital/config/getall', route: undefined, query: {}, status: 404 },
    ]);
  });

  it('GIVEN real ccxt THEN it loads the markets and parses tickers and candles from the fake', async () => {
    const scale = 900;
    const scaled = hourly(30).map((c) => ({
      ...c,
      open: c.open * scale,
      high: c.high * scale,
      low: c.low * scale,
      close: c.close * scale,
    }));
    fake.setCandles('BTC/USDT', '1h', scaled);
    fake.addSymbol('OLD/USDT', { status: 'BREAK' });
    const { ExchangeClass } = await loadExchangeClass('binance');
    const exchange = new ExchangeClass({ enableRateLimit: false, options: { fetchMarkets: { types: ['spot'] } } });
    const api = `${fake.url}/api/v3`;
    (exchange.urls as { api: Record<string, string> }).api = { public: api, private: api };

    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'OLD/USDT', 'TAO/USDT']);
    expect(markets['TAO/USDT']).toMatchObject({ id: 'TAOUSDT', base: 'TAO', quote: 'USDT', spot: true, active: true });
    expect(markets['OLD/USDT']?.active).toBe(false);

    const ticker = await exchange.fetchTicker('TAO/USDT');
    expect(ticker).toMatchObject({ symbol: 'TAO/USDT', last: 130, open: 106, high: 131, low: 105 });
    const tickers = await exchange.fetchTickers(['TAO/USDT', 'BTC/USDT']);
    expect(Object.keys(tickers).sort()).toEqual(['BTC/USDT', 'TAO/USDT']);

    const ohlcv = await exchange.fetchOHLCV('TAO/USDT', '1h', T0, 2);
    expect(ohlcv).toEqual([
      [T0, 100, 102, 99, 101, 10],
      [T0 + HOUR, 101, 103, 100, 102, 11],
    ]);
    await exchange.close();
  });
});
