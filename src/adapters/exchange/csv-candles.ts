/**
 * Candle CSV files (freqtrade/Binance exports converted to CSV) and a {@link PriceSource} that
 * serves them, for offline replay, demos and backtests.
 *
 * Files are named `<BASE>_<QUOTE>-<timeframe>.csv` (e.g. `TAO_USDT-1h.csv`) and start with a header
 * row naming at least `timestamp_ms,open,high,low,close,volume`, in any order; other columns
 * (such as `date_utc`) are ignored. Times are candle open times in epoch milliseconds, UTC.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExchangeError } from '../../app/ports.ts';
import type { PriceSource } from '../../app/ports.ts';
import { timeframeMs, type Candle } from '../../domain/candles.ts';

/** Candles of one pair as loaded from one file. */
export interface CandleSeries {
  timeframe: string;
  /** Sorted by time, no duplicates. */
  candles: Candle[];
}

/** One thing wrong with a candle file, precise enough to fix it without guessing. */
export interface CsvProblem {
  file: string;
  /** 1-based line number; absent for problems with the file as a whole (its name). */
  line?: number;
  /** 1-based field number and header name, when one field is at fault. */
  column?: { index: number; name: string };
  message: string;
}

const REQUIRED_COLUMNS = ['timestamp_ms', 'open', 'high', 'low', 'close', 'volume'] as const;
type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];

const LIMITS = {
  problemsPerFile: 20, // past this a file is clearly the wrong format; more lines add noise
  problemsShown: 30, // in the error message; all are on `problems`
  // 1e11 ms is March 1973: anything smaller is almost surely epoch *seconds*
  minPlausibleMs: 100_000_000_000,
} as const;

const FILE_NAME = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)-(\d+[smhdwM])\.csv$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WEEK_MS = 604_800_000;
/** Binance (and ccxt) weeks start on Monday 00:00 UTC; the epoch was a Thursday. */
const WEEK_OFFSET_MS = 345_600_000;

/** Thrown when candle files cannot be used; `problems` lists every problem found (up to a cap per file). */
export class CandleCsvError extends Error {
  override readonly name = 'CandleCsvError';
  constructor(readonly problems: readonly CsvProblem[]) {
    const shown = problems.slice(0, LIMITS.problemsShown).map((p) => `  ${formatProblem(p)}`);
    const more = problems.length > shown.length ? [`  … and ${problems.length - shown.length} more`] : [];
    super(
      [`${problems.length} problem${problems.length === 1 ? '' : 's'} in candle CSV files:`, ...shown, ...more].join(
        '\n',
      ),
    );
  }
}

/** "TAO_USDT-1h.csv line 7, column 3 (open): …" */
export function formatProblem(p: CsvProblem): string {
  const where = [
    p.file,
    p.line !== undefined ? ` line ${p.line}` : '',
    p.column !== undefined ? `, column ${p.column.index} (${p.column.name})` : '',
  ].join('');
  return `${where}: ${p.message}`;
}

/** `TAO_USDT-1h.csv` → pair "TAO/USDT" and timeframe "1h"; undefined for any other name. */
export function parseCandleFileName(fileName: string): { pair: string; timeframe: string } | undefined {
  const m = FILE_NAME.exec(path.basename(fileName));
  if (!m) return undefined;
  return { pair: `${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}`, timeframe: m[3]! };
}

function splitFields(line: string): string[] {
  // Numeric exports never need embedded commas; quotes around a field are tolerated and stripped.
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Parses one candle CSV. Rows must be sorted by time without duplicates and, when `fileName`
 * carries a timeframe, spaced by whole multiples of it (gaps are fine; misaligned rows are not).
 *
 * @param fileName used in error messages and to learn the timeframe.
 * @throws CandleCsvError listing each bad row with line, column and what is wrong.
 */
export function parseCandleCsv(text: string, fileName: string): Candle[] {
  const problems: CsvProblem[] = [];
  const candles = parseInto(text, fileName, problems);
  if (problems.length > 0) throw new CandleCsvError(problems);
  return candles;
}

function parseInto(text: string, file: string, problems: CsvProblem[]): Candle[] {
  const problemsBefore = problems.length;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) {
    const message = `file is empty: expected a header row with ${REQUIRED_COLUMNS.join(',')}`;
    problems.push({ file, line: 1, message });
    return [];
  }
  const header = splitFields(lines[headerIndex]!).map((h) => h.toLowerCase());
  const columnOf = {} as Record<RequiredColumn, number>;
  const missing: string[] = [];
  for (const name of REQUIRED_COLUMNS) {
    const index = header.indexOf(name);
    if (index < 0) missing.push(name);
    else if (header.indexOf(name, index + 1) >= 0) {
      problems.push({ file, line: headerIndex + 1, message: `header names column "${name}" twice` });
    } else columnOf[name] = index;
  }
  if (missing.length > 0) {
    problems.push({
      file,
      line: headerIndex + 1,
      message: `header is missing ${missing.join(', ')} (found: ${header.join(',')})`,
    });
  }
  if (problems.length > problemsBefore) return [];

  const parsedName = parseCandleFileName(file);
  const stepMs = parsedName && /[mhdw]$/.test(parsedName.timeframe) ? timeframeMs(parsedName.timeframe) : undefined;
  const candles: Candle[] = [];
  let previous: { time: number; line: number } | undefined;

  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (problems.length - problemsBefore >= LIMITS.problemsPerFile) {
      problems.push({ file, line: i + 1, message: 'too many problems; stopped reading this file' });
      break;
    }
    const line = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const fields = splitFields(raw);
    if (fields.length !== header.length) {
      const message = `expected ${header.length} fields like the header, found ${fields.length}`;
      problems.push({ file, line, message });
      continue;
    }
    const at = (name: RequiredColumn) => ({ index: columnOf[name] + 1, name });
    const rowProblem = (name: RequiredColumn, message: string): void => {
      problems.push({ file, line, column: at(name), message });
    };

    const timeText = fields[columnOf.timestamp_ms]!;
    let time: number | undefined;
    if (!/^\d+$/.test(timeText)) rowProblem('timestamp_ms', `"${timeText}" is not a whole number of milliseconds`);
    else if (!Number.isSafeInteger(Number(timeText))) rowProblem('timestamp_ms', `${timeText} is too large`);
    else if (Number(timeText) < LIMITS.minPlausibleMs) {
      rowProblem('timestamp_ms', `${timeText} looks like seconds or garbage; expected epoch milliseconds`);
    } else time = Number(timeText);

    const values: Partial<Record<RequiredColumn, number>> = {};
    for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const text = fields[columnOf[name]]!;
      const value = Number(text);
      if (text === '') rowProblem(name, 'is empty');
      else if (!DECIMAL.test(text) || !Number.isFinite(value)) rowProblem(name, `"${text}" is not a number`);
      else if (name === 'volume' ? value < 0 : value <= 0) {
        rowProblem(name, `${text} must be ${name === 'volume' ? 'zero or more' : 'greater than zero'}`);
      } else values[name] = value;
    }
    const { open, high, low, close, volume } = values;
    if (time === undefined || open === undefined || high === undefined || low === undefined) continue;
    if (close === undefined || volume === undefined) continue;
    if (high < Math.max(open, low, close)) {
      rowProblem('high', `${high} is below open, low or close of the same row`);
      continue;
    }
    if (low > Math.min(open, close)) {
      rowProblem('low', `${low} is above open or close of the same row`);
      continue;
    }
    if (previous !== undefined) {
      const gap = time - previous.time;
      if (gap <= 0) {
        rowProblem(
          'timestamp_ms',
          `${time} is not after ${previous.time} on line ${previous.line}: rows must be sorted by time, without duplicates`,
        );
        continue;
      }
      if (stepMs !== undefined && gap % stepMs !== 0) {
        const timeframe = parsedName?.timeframe ?? '';
        rowProblem('timestamp_ms', `${time} is ${gap} ms after line ${previous.line}, not a multiple of ${timeframe}`);
        continue;
      }
    }
    previous = { time, line };
    candles.push({ time, open, high, low, close, volume });
  }
  return candles;
}

/**
 * Loads every `<BASE>_<QUOTE>-<timeframe>.csv` in `dir` (not recursive; other files such as a
 * README are ignored). One file per pair.
 *
 * @returns pair ("TAO/USDT") → its timeframe and candles.
 * @throws CandleCsvError listing the problems of every file at once, including CSV files whose
 *   name does not follow the pattern and pairs present in more than one timeframe; the fs error
 *   (ENOENT, EACCES) when `dir` itself cannot be read.
 */
export async function loadCandleDir(dir: string): Promise<Map<string, CandleSeries>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => e.name)
    .sort();
  const problems: CsvProblem[] = [];
  const result = new Map<string, CandleSeries>();
  const fileOfPair = new Map<string, string>();

  const parsed = await Promise.all(
    files.map(async (name) => {
      const named = parseCandleFileName(name);
      const file = path.join(dir, name);
      if (named === undefined) {
        const message = 'name does not follow <BASE>_<QUOTE>-<timeframe>.csv, e.g. TAO_USDT-1h.csv';
        return { file, problems: [{ file, message }] };
      }
      const fileProblems: CsvProblem[] = [];
      const candles = parseInto(await readFile(file, 'utf8'), file, fileProblems);
      return { file, named, candles, problems: fileProblems };
    }),
  );
  for (const p of parsed) {
    problems.push(...p.problems);
    if (p.named === undefined || p.problems.length > 0) continue;
    const other = fileOfPair.get(p.named.pair);
    if (other !== undefined) {
      problems.push({
        file: p.file,
        message: `${p.named.pair} also has ${path.basename(other)}: keep one timeframe per pair (coarser ones are derived)`,
      });
      continue;
    }
    fileOfPair.set(p.named.pair, p.file);
    result.set(p.named.pair, { timeframe: p.named.timeframe, candles: p.candles });
  }
  if (problems.length > 0) throw new CandleCsvError(problems);
  return result;
}

/**
 * Aggregates candles into a coarser timeframe. Buckets start at multiples of `targetMs` since the
 * epoch (weeks on Mondays), as exchanges align them. A bucket with missing source candles (data
 * starting mid-bucket, the in-progress last bucket, gaps) aggregates what it has.
 */
export function resampleCandles(candles: readonly Candle[], targetMs: number): Candle[] {
  const offset = targetMs % WEEK_MS === 0 ? WEEK_OFFSET_MS : 0;
  const out: Candle[] = [];
  for (const c of candles) {
    const bucket = Math.floor((c.time - offset) / targetMs) * targetMs + offset;
    const last = out.at(-1);
    if (last !== undefined && last.time === bucket) {
      last.high = Math.max(last.high, c.high);
      last.low = Math.min(last.low, c.low);
      last.close = c.close;
      last.volume += c.volume;
    } else out.push({ ...c, time: bucket });
  }
  return out;
}

/** First index whose candle time is >= `time` (candles sorted). */
function lowerBound(candles: readonly Candle[], time: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (candles[mid]!.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface CsvPriceSourceOptions {
  /**
   * For replays: the simulated clock. Only candles already closed at `now()` are served, so a
   * replay cannot see the future. Without it every candle in the files is served.
   */
  now?: () => number;
}

/**
 * A {@link PriceSource} over candle CSVs: a directory (loaded on first use; a failed load is
 * retried on the next call) or an already loaded map. Serves the stored timeframe and coarser
 * whole multiples of it (1h files serve 4h and 1d).
 *
 * Errors are {@link ExchangeError}s like a live venue's: 'skip-symbol' for a pair without a file,
 * 'give-up' for unreadable files or a timeframe that cannot be derived.
 */
export function createCsvPriceSource(
  source: string | ReadonlyMap<string, CandleSeries>,
  venue = 'csv',
  options: CsvPriceSourceOptions = {},
): PriceSource {
  const where = typeof source === 'string' ? source : 'memory';
  let loading: Promise<ReadonlyMap<string, CandleSeries>> | undefined =
    typeof source === 'string' ? undefined : Promise.resolve(source);
  const derived = new Map<string, Candle[]>();

  function load(): Promise<ReadonlyMap<string, CandleSeries>> {
    loading ??= loadCandleDir(where).catch((error: unknown) => {
      loading = undefined;
      const message = `${venue}: candle files in ${where} are unusable: ${(error as Error).message}`;
      throw new ExchangeError('give-up', message, { venue, cause: error });
    });
    return loading;
  }

  function seriesFor(
    pair: string,
    stored: CandleSeries,
    timeframe: string,
  ): { candles: readonly Candle[]; stepMs: number } {
    const give = (reason: string): ExchangeError =>
      new ExchangeError('give-up', `${venue} cannot serve ${pair} ${timeframe} candles: ${reason}`, {
        venue,
        symbol: pair,
      });
    let stepMs: number;
    let storedMs: number;
    try {
      stepMs = timeframeMs(timeframe);
      storedMs = timeframeMs(stored.timeframe);
    } catch (error) {
      throw give((error as Error).message);
    }
    if (timeframe === stored.timeframe) return { candles: stored.candles, stepMs };
    if (stepMs < storedMs || stepMs % storedMs !== 0) {
      throw give(`the files hold ${stored.timeframe} candles, and ${timeframe} is not a whole multiple of that`);
    }
    const key = `${pair} ${timeframe}`;
    let candles = derived.get(key);
    if (candles === undefined) {
      candles = resampleCandles(stored.candles, stepMs);
      derived.set(key, candles);
    }
    return { candles, stepMs };
  }

  return {
    venue,
    async hasMarket(pair) {
      return (await load()).has(pair);
    },
    async candles(pair, timeframe, sinceMs, limit) {
      const stored = (await load()).get(pair);
      if (stored === undefined) {
        throw new ExchangeError('skip-symbol', `${venue} has no candle file for ${pair} in ${where}`, {
          venue,
          symbol: pair,
        });
      }
      const { candles, stepMs } = seriesFor(pair, stored, timeframe);
      const start = lowerBound(candles, sinceMs);
      const now = options.now?.();
      const closedEnd = now === undefined ? candles.length : lowerBound(candles, now - stepMs + 1);
      const end = limit === undefined ? closedEnd : Math.min(closedEnd, start + limit);
      // copies: callers may annotate candles, and the cache must not change under other callers
      return candles.slice(start, Math.max(start, end)).map((c) => ({ ...c }));
    },
  };
}
