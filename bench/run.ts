/**
 * Benchmark entry: `npm run bench` (all) or `npm run bench -- alert-latency …`
 * (some). Prints one JSON object per line on stdout — the environment first,
 * then each result — and progress on stderr. Everything runs on 127.0.0.1.
 */
import os from 'node:os';
import '../test/setup/no-network.ts'; // any connection off loopback throws: benchmarks never touch the internet
import { benchAlertLatency } from './alert-latency.ts';
import { benchAnalyzeThroughput } from './analyze-throughput.ts';
import { benchFeedPollCycle } from './feed-poll-cycle.ts';
import { round, type BenchContext } from './support.ts';

const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  'feed-poll-cycle': (ctx) => benchFeedPollCycle(ctx),
  'alert-latency': (ctx) => benchAlertLatency(ctx),
  'analyze-throughput': async (ctx) => benchAnalyzeThroughput(ctx),
};

/** Each benchmark bounds its own work; this only stops a hung run from hanging CI forever. */
const HARD_LIMIT_MS = 5 * 60_000;

const ctx: BenchContext = {
  emit: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
  note: (message) => process.stderr.write(`${message}\n`),
};

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    ctx.note(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const cpus = os.cpus();
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

  const hardStop = setTimeout(() => {
    ctx.note(`benchmarks still running after ${HARD_LIMIT_MS / 1000} s: giving up`);
    process.exit(1);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  let failed = 0;
  for (const name of requested.length > 0 ? requested : Object.keys(BENCHMARKS)) {
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
