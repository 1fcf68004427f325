/**
 * Benchmark entry: `npm run bench` (all) or `npm run bench -- alert-latency …`
 * (some). Prints one JSON object per line on stdout — the environment first,
 * then each result — and progress on stderr. Everything runs on 127.0.0.1.
 *
 * Each benchmark runs in a fresh child process: one leaves the next a grown
 * heap and warmed (or flushed) code, which moved the regexp baseline of
 * analyze-throughput by a factor of four when they shared a process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import '../test/setup/no-network.ts'; // any connection off loopback throws: benchmarks never touch the internet
import { benchAlertLatency } from './alert-latency.ts';
import { benchAnalyzeThroughput } from './analyze-throughput.ts';
import { benchChartRender } from './chart-render.ts';
import { benchDelivery } from './delivery.ts';
import { benchFeedPollCycle } from './feed-poll-cycle.ts';
import { benchReplay } from './replay.ts';
import { round, type BenchContext } from './support.ts';

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  'feed-poll-cycle': (ctx) => benchFeedPollCycle(ctx),
  'alert-latency': (ctx) => benchAlertLatency(ctx),
  'analyze-throughput': async (ctx) => benchAnalyzeThroughput(ctx),
  delivery: async (ctx) => ctx.emit({ bench: 'delivery', ...(await benchDelivery()) }),
  replay: async (ctx) => ctx.emit({ bench: 'replay', ...(await benchReplay()) }),
  'chart-render': (ctx) => benchChartRender(ctx),
};

/** Each benchmark bounds its own work; this only stops a hung run from hanging CI forever. */
const HARD_LIMIT_MS = 5 * 60_000;

const ctx: BenchContext = {
  emit: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
  note: (message) => process.stderr.write(`${message}\n`),
};

/** Set in the children, which print their records only. */
const CHILD_ENV = 'RADAR_BENCH_CHILD';

let running: ChildProcess | undefined;

/** Run one benchmark in a child process, relaying its JSON lines; resolves to its exit code. */
function runIsolated(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = (running = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
      env: { ...process.env, [CHILD_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }));
    createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`${line}\n`));
    // 'close', not 'exit': every line of its stdout has been relayed by then.
    child.on('close', (code, signal) => {
      running = undefined;
      // Exit code 1 means the child already printed the benchmark's error record.
      if (signal !== null || (code !== 0 && code !== 1)) ctx.emit({ bench: name, error: `benchmark process ended with ${signal ?? `exit code ${code}`}` });
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    ctx.note(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const names = requested.length > 0 ? requested : Object.keys(BENCHMARKS);
  const isChild = process.env[CHILD_ENV] === '1';
  const cpus = os.cpus();
  if (!isChild) {
    ctx.emit({
      bench: 'env',
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      totalMemMB: Math.round(os.totalmem() / 2 ** 20),
      // Other work on the machine inflates wall times; compare cpuMs where records give it.
      loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100,
      date: new Date().toISOString(),
    });
  }

  const hardStop = setTimeout(() => {
    ctx.note(`benchmarks still running after ${HARD_LIMIT_MS / 1000} s: giving up`);
    running?.kill('SIGTERM'); // the child removes its temp files on the way out
    process.exit(1);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  let failed = 0;
  if (!isChild) {
    for (const name of names) if ((await runIsolated(name)) !== 0) failed++;
    return failed > 0 ? 1 : 0;
  }
  for (const name of names) {
    const started = performance.now();
    try {
      await BENCHMARKS[name]!(ctx);
      ctx.note(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed++;
      ctx.emit({ bench: name, error: error instanceof Error ? error.message : String(error), ms: round(performance.now() - started, 1) });
      ctx.note(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
