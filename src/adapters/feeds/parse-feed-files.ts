/**
 * Parse feed files from disk, one result per file: backs `radar parse-feed
 * PATH... [--json] [--summary]`, for checking a feed (or a folder of saved
 * feeds, or a whole test corpus) offline.
 *
 * By default each file is parsed in a worker thread with a time budget and a
 * heap cap, so one pathological file cannot hang or exhaust the sweep: the
 * worker is terminated, the file is reported, and a fresh worker takes the rest.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FeedParser, ParsedFeed } from '../../app/ports.ts';
import { parseFeedDate } from '../../domain/normalize-item.ts';
import { decodeBodyDetailed } from './decode.ts';
import { createFeedParser } from './feed-parser.ts';

export interface ParseFileResult {
  file: string;
  ok: boolean;
  format?: ParsedFeed['format'];
  title?: string;
  /** Number of items parsed (0 when rejected). */
  items: number;
  /** Charset the bytes were decoded with, e.g. "utf-8", "windows-1252". */
  encoding?: string;
  /** Why the file was rejected, for a person to act on. */
  error?: string;
  /** Parsed, but something a person should look at: see {@link suspicionsOf}. */
  suspicious?: string[];
}

/** File extensions picked up when a directory is given. */
export const FEED_FILE_EXTENSIONS: readonly string[] = ['.xml', '.rss', '.atom', '.json', '.rdf'];

export const SWEEP_DEFAULTS = {
  /** Files larger than this are rejected unread (the parser's own cap is in characters). */
  maxFileBytes: 16 * 1024 * 1024,
  /** Wall-clock budget for reading, decoding and parsing one file in the worker. */
  timeBudgetMs: 10_000,
  /** V8 old-generation heap of the worker; a file needing more is reported, not fatal. */
  maxHeapMb: 512,
  /** Budget for a worker to load the parser before its first file. */
  workerStartMs: 30_000,
} as const satisfies Record<string, number>;

export interface ParseFeedFilesOptions {
  /**
   * 'worker' (default): each file under a time budget and heap cap in a worker thread.
   * 'inline': in this thread, with no budget (faster to start; for trusted input).
   */
  isolation?: 'worker' | 'inline';
  timeBudgetMs?: number;
  maxHeapMb?: number;
  maxFileBytes?: number;
  /** Starts the worker; tests inject one that misbehaves. */
  startWorker?: (resourceLimits: { maxOldGenerationSizeMb: number }) => Worker;
  /** Called after each file, e.g. to stream output during a long sweep. */
  onResult?: (result: ParseFileResult) => void;
}

/**
 * Parse each file (directories are expanded recursively to feed files, in
 * name order). Never throws for a bad file: its result says why it failed.
 */
export async function parseFeedFiles(paths: string[], options: ParseFeedFilesOptions = {}): Promise<ParseFileResult[]> {
  const runner = options.isolation === 'inline' ? inlineRunner(options) : workerRunner(options);
  const results: ParseFileResult[] = [];
  const push = (result: ParseFileResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  try {
    for (const path of paths) {
      let files: string[];
      try {
        files = (await stat(path)).isDirectory() ? await listFeedFiles(path) : [path];
      } catch (error) {
        push({ file: path, ok: false, items: 0, error: `cannot read: ${describeIoError(error)}` });
        continue;
      }
      for (const file of files) push(await runner.parse(file));
    }
  } finally {
    await runner.close();
  }
  return results;
}

/** Read, decode and parse one file; never throws. What the worker runs per file. */
export async function parseFeedFile(file: string, parser: FeedParser, maxFileBytes: number = SWEEP_DEFAULTS.maxFileBytes): Promise<ParseFileResult> {
  let bytes: Uint8Array;
  try {
    const size = (await stat(file)).size;
    // Checked before reading: an oversized file costs no memory at all.
    if (size > maxFileBytes) return { file, ok: false, items: 0, error: `too large: ${size} bytes (limit ${maxFileBytes})` };
    bytes = await readFile(file);
  } catch (error) {
    return { file, ok: false, items: 0, error: `cannot read: ${describeIoError(error)}` };
  }
  const decoded = decodeBodyDetailed(bytes);
  try {
    const feed = await parser.parse(decoded.text);
    const suspicious = suspicionsOf(feed, hasLiteralReplacementChar(bytes, decoded.charset));
    return {
      file,
      ok: true,
      format: feed.format,
      title: feed.title,
      items: feed.items.length,
      encoding: decoded.charset,
      ...(suspicious.length > 0 ? { suspicious } : {}),
    };
  } catch (error) {
    return { file, ok: false, items: 0, encoding: decoded.charset, error: error instanceof Error ? error.message : String(error) };
  }
}

// "Ã©", "â€™", "Â " — UTF-8 read as windows-1252.
const UTF8_AS_1252 = /[ÂÃ][\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]/;

/**
 * Mojibake: UTF-8 read as windows-1252, or a legacy CJK/Cyrillic charset read as
 * Latin-1, which leaves runs of Latin-1 letters and symbols no real word has
 * ("¦¨¤¤¤å", "ÐÒÉ×ÅÔ"); accented Western words alternate with ASCII letters.
 */
function looksLikeMojibake(title: string): boolean {
  return UTF8_AS_1252.test(title) || /[\u00a0-\u00ff]{4,}/.test(title);
}

/**
 * What is odd about a parsed feed, in short phrases that group well: no title,
 * no items, U+FFFD or mojibake in a title (the charset was probably wrong), item
 * dates the domain cannot read.
 */
export function suspicionsOf(feed: ParsedFeed, sourceHasReplacementChar = false): string[] {
  const found: string[] = [];
  const titles = [feed.title, ...feed.items.map((item) => item.title)].filter((t): t is string => t !== undefined);
  if (feed.title === undefined) found.push('no title');
  if (feed.items.length === 0) found.push('no items');
  if (!sourceHasReplacementChar && titles.some((t) => t.includes('\ufffd'))) found.push('U+FFFD in a title');
  if (titles.some(looksLikeMojibake)) found.push('mojibake in a title');
  const badDates = feed.items.filter((item) => item.published !== undefined && parseFeedDate(item.published) === undefined).length;
  if (badDates > 0) found.push('unparseable dates');
  return found;
}

function hasLiteralReplacementChar(bytes: Uint8Array, charset: string): boolean {
  // Only a UTF-8 source can spell U+FFFD by itself (EF BF BD); other charsets decode to it only when lost.
  return charset === 'utf-8' && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(REPLACEMENT_UTF8);
}
const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

// ── Runners ──────────────────────────────────────────────────────────────────

interface FileRunner {
  parse(file: string): Promise<ParseFileResult>;
  close(): Promise<void>;
}

function inlineRunner(options: ParseFeedFilesOptions): FileRunner {
  const parser = createFeedParser();
  const maxFileBytes = options.maxFileBytes ?? SWEEP_DEFAULTS.maxFileBytes;
  return { parse: (file) => parseFeedFile(file, parser, maxFileBytes), close: async () => {} };
}

/** Messages from parse-feed-worker.mjs. */
type WorkerMessage = { ready: true } | { result: ParseFileResult };

function workerRunner(options: ParseFeedFilesOptions): FileRunner {
  const timeBudgetMs = options.timeBudgetMs ?? SWEEP_DEFAULTS.timeBudgetMs;
  const maxHeapMb = options.maxHeapMb ?? SWEEP_DEFAULTS.maxHeapMb;
  const maxFileBytes = options.maxFileBytes ?? SWEEP_DEFAULTS.maxFileBytes;
  const start =
    options.startWorker ??
    ((resourceLimits) => new Worker(new URL('./parse-feed-worker.mjs', import.meta.url), { resourceLimits, workerData: { maxFileBytes } }));
  let worker: Worker | undefined;
  let ready: Promise<void> | undefined;

  const discard = async () => {
    const dead = worker;
    worker = undefined;
    ready = undefined;
    if (dead) await dead.terminate();
  };

  const ensureWorker = (): Promise<void> => {
    if (ready) return ready;
    const current = start({ maxOldGenerationSizeMb: maxHeapMb });
    worker = current;
    ready = awaitMessage(current, SWEEP_DEFAULTS.workerStartMs).then((message) => {
      if (!('ready' in message)) throw new Error('the parser worker sent a result before it was ready');
    });
    return ready;
  };

  const parse = async (file: string): Promise<ParseFileResult> => {
    try {
      await ensureWorker();
    } catch (error) {
      await discard();
      return { file, ok: false, items: 0, error: `not parsed: the parser worker did not start (${describeWorkerFailure(error, maxHeapMb)})` };
    }
    const current = worker!;
    const answer = awaitMessage(current, timeBudgetMs);
    current.postMessage({ file });
    try {
      const message = await answer;
      if ('result' in message) return message.result;
      throw new Error('the parser worker answered out of turn');
    } catch (error) {
      // Whatever state the worker is in (spinning, out of memory, dead), it is not reused.
      await discard();
      return { file, ok: false, items: 0, error: describeWorkerFailure(error, maxHeapMb) };
    }
  };

  return { parse, close: discard };
}

class BudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer within ${budgetMs} ms`);
  }
}

/** The worker's next message, or a rejection on timeout, error or exit. */
function awaitMessage(worker: Worker, budgetMs: number): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerMessage) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the parser worker exited with code ${code}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new BudgetExceeded(budgetMs));
    }, budgetMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function describeWorkerFailure(error: unknown, maxHeapMb: number): string {
  if (error instanceof BudgetExceeded) {
    return `timed out: parsing took longer than ${error.budgetMs} ms and was abandoned (raise --timeout-ms if the file is legitimately huge)`;
  }
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `out of memory: parsing needed more than ${maxHeapMb} MB of heap and was abandoned`;
  }
  return `parser crashed: ${error instanceof Error ? error.message : String(error)}`;
}

async function listFeedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFeedFiles(path)));
    else if (entry.isFile() && FEED_FILE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
