/**
 * The soak's market: 1-minute candles for every token, on the real clock, served
 * by the fake Binance. Prices random-walk; now and then one token jumps several
 * percent within a minute, so the move cycle has moves to detect, correlate and
 * alert on. The current minute's candle is served while it forms, as Binance does.
 */
import type { Candle } from '../src/domain/candles.ts';
import type { FakeBinance } from '../src/loopback/binance-server.ts';
import { seededRandom } from './support.ts';

const MINUTE = 60_000;

export interface SoakMarketOptions {
  /** Pairs such as "TAO/USDT"; the first ones given as `benchmarks` never jump. */
  pairs: readonly string[];
  benchmarks: ReadonlySet<string>;
  /** Minutes of history served from the start (the bot's backfill). */
  historyMinutes: number;
  /** Mean time between jumps over all tokens, ms. */
  jumpEveryMs: number;
  seed: number;
}

export interface SoakMarket {
  /** Bring every series up to `now` (new candles, the forming one updated) and serve it. */
  tick(now: number): void;
  readonly jumps: number;
}

/** Per-minute volatility of the walk: 0.1% (a 60-minute σ of about 0.8%). */
const SIGMA = 0.001;

export function startSoakMarket(binance: FakeBinance, options: SoakMarketOptions): SoakMarket {
  const random = seededRandom(options.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const series = new Map<string, Candle[]>();
  let jumps = 0;
  let nextJumpAt = 0;
  const jumpable = options.pairs.filter((p) => !options.benchmarks.has(p));

  const startMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
  for (const pair of options.pairs) {
    const candles: Candle[] = [];
    let price = 1 + random() * 100;
    for (let t = startMinute - options.historyMinutes * MINUTE; t <= startMinute; t += MINUTE) {
      const open = price;
      price *= 1 + SIGMA * gauss();
      candles.push({ time: t, open, high: Math.max(open, price), low: Math.min(open, price), close: price, volume: 1_000 + random() * 1_000 });
    }
    series.set(pair, candles);
    binance.setCandles(pair, '1m', candles);
  }

  return {
    get jumps() {
      return jumps;
    },
    tick(now) {
      const minute = Math.floor(now / MINUTE) * MINUTE;
      let jumper: string | undefined;
      if (nextJumpAt === 0) nextJumpAt = now + options.jumpEveryMs * random();
      if (now >= nextJumpAt && jumpable.length > 0) {
        jumper = jumpable[Math.floor(random() * jumpable.length)];
        nextJumpAt = now + options.jumpEveryMs * (0.5 + random());
        jumps++;
      }
      for (const [pair, candles] of series) {
        let last = candles.at(-1)!;
        while (last.time < minute) {
          last = { time: last.time + MINUTE, open: last.close, high: last.close, low: last.close, close: last.close, volume: 0 };
          candles.push(last);
        }
        // A few ticks of trading in the forming candle; a jump is 6–12% either way.
        const move = pair === jumper ? (random() < 0.5 ? -1 : 1) * (0.06 + 0.06 * random()) : (SIGMA / 4) * gauss();
        last.close *= 1 + move;
        last.high = Math.max(last.high, last.close);
        last.low = Math.min(last.low, last.close);
        last.volume += 50 + random() * 100;
        // Keep the served history bounded: the bot never asks for more than its backfill.
        if (candles.length > options.historyMinutes + 60) candles.splice(0, candles.length - options.historyMinutes);
        binance.setCandles(pair, '1m', candles);
      }
    },
  };
}
