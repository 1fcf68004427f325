/**
 * The soak's bot: the real `radar start` as a child process, launched as
 * package.json's "start" script launches it (same node flags), so the memory
 * measured is the bot's own and not the loopback fakes' in the soak process.
 *
 * Memory is read from outside (/proc/PID/status: VmRSS now, VmHWM the peak,
 * which a sampler cannot miss) and from inside through the bot's /metrics
 * (prom-client's default process metrics: heap used, external). The bot's
 * pino lines on stdout are handed to `onLog` as parsed records.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MB = 2 ** 20;

/**
 * Any connection off loopback throws in the bot too (as test/setup/no-network.ts
 * does in the soak process): plain JS, written next to the bot's config, so it
 * loads before tsx and adds next to nothing to what the bot loads.
 */
const NO_NETWORK_GUARD = `import net from 'node:net';
const loopback = /^(127\\.\\d+\\.\\d+\\.\\d+|::1|localhost|::ffff:127\\.\\d+\\.\\d+\\.\\d+)$/i;
const connect = net.Socket.prototype.connect;
const hostOf = (a) => Array.isArray(a[0]) ? hostOf(a[0]) : typeof a[0] === 'object' && a[0] !== null ? (a[0].path ? 'localhost' : a[0].host ?? 'localhost') : typeof a[0] === 'number' ? (typeof a[1] === 'string' ? a[1] : 'localhost') : 'localhost';
net.Socket.prototype.connect = function (...args) {
  const host = hostOf(args);
  if (!loopback.test(host)) throw new Error('soak bot: network access to "' + host + '" is forbidden: every endpoint must be a loopback fake');
  return connect.apply(this, args);
};`;

/** How package.json's "start" script runs the bot: its environment assignments and node flags. */
export interface StartCommand {
  env: Record<string, string>;
  nodeFlags: string[];
}

/**
 * The environment assignments and node flags of package.json's "start" script
 * (`[KEY=VALUE]... node [--flags] bin/radar.mjs start`).
 * @throws when the script has another shape: the soak would no longer measure what `npm start` runs.
 */
export function parseStartScript(script: string): StartCommand {
  const words = script.trim().split(/\s+/);
  const assignments = words.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=\S*$/.test(w));
  const command = words.slice(Math.max(assignments, 0));
  const tail = command.slice(-2).join(' ');
  if (assignments < 0 || command[0] !== 'node' || tail !== 'bin/radar.mjs start' || command.slice(1, -2).some((w) => !w.startsWith('--'))) {
    throw new Error(`package.json "start" is "${script}"; the soak expects "[KEY=VALUE]... node [--flags] bin/radar.mjs start": update bench/soak-bot.ts with it`);
  }
  const env = Object.fromEntries(words.slice(0, assignments).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, nodeFlags: command.slice(1, -2) };
}

/** package.json's "start" command. */
export function packageStartCommand(): StartCommand {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return parseStartScript(pkg.scripts?.start ?? '');
}

/** VmRSS and VmHWM of /proc/PID/status, in MB. */
export function parseProcStatus(text: string): { rssMB: number; peakRssMB: number } {
  const kB = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`no ${field} in /proc/PID/status: is this Linux?`);
    return Number(match[1]) / 1024;
  };
  return { rssMB: kB('VmRSS'), peakRssMB: kB('VmHWM') };
}

/** Unlabelled samples of a Prometheus text exposition, by metric name. */
export function parsePrometheusText(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*) (\S+)/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

export interface BotMemory {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
}

/** A pino record as the bot writes it. */
export interface BotLogRecord {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

export interface SoakBotOptions {
  /** The bot's whole environment (PATH is added): nothing of the soak's leaks in. */
  env: Record<string, string>;
  nodeFlags: readonly string[];
  /** A scratch directory for the network guard module. */
  workDir: string;
  /** Where SIGUSR2 heap snapshots go; unset: no snapshots. */
  heapSnapshotDir?: string;
  onLog: (record: BotLogRecord) => void;
}

export interface SoakBot {
  readonly pid: number;
  /** The command line, for the report. */
  readonly command: string;
  readonly httpPort: number;
  /** RSS now and its high-water mark, from /proc. */
  rss(): { rssMB: number; peakRssMB: number };
  /** The bot's own view, from /metrics; undefined when it did not answer in time. */
  memory(): Promise<BotMemory | undefined>;
  /** Write a heap snapshot (forces a full GC first) and return its path. */
  heapSnapshot(): Promise<string>;
  /** Resolves once /metrics answers. */
  ready(timeoutMs: number): Promise<void>;
  /** The last lines the bot printed that were not JSON, and its last error records. */
  tail(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (a clean shutdown: in-flight work finishes), then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A free loopback port for the bot's HTTP server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `radar --help` once, so that bin/radar.mjs compiles its bundle now if the sources changed: the first
 * start after an install or upgrade does that once (~1 s, its RSS peak briefly higher), and the soak measures
 * the running bot. Throws with the command's output when it fails.
 */
export function prebuildBundle(env: Readonly<Record<string, string>>): void {
  const result = spawnSync(process.execPath, ['bin/radar.mjs', '--help'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`radar --help failed (exit ${result.status}): ${(result.stderr || result.stdout || String(result.error)).slice(0, 2_000)}`);
}

export async function startSoakBot(options: SoakBotOptions): Promise<SoakBot> {
  prebuildBundle(options.env);
  const httpPort = await freePort();
  const flags = [...options.nodeFlags];
  if (options.heapSnapshotDir) flags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${options.heapSnapshotDir}`);
  const guard = path.join(options.workDir, 'no-network-guard.mjs');
  writeFileSync(guard, NO_NETWORK_GUARD);
  const args = [...flags, '--import', pathToFileURL(guard).href, 'bin/radar.mjs', 'start'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env, HTTP_PORT: String(httpPort), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start the bot: ${process.execPath} ${args.join(' ')}`);
  const pid = child.pid;
  // The soak may end early (Ctrl-C, an exception): never leave the bot running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    }),
  );

  let tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line.slice(0, 2_000));
    if (tail.length > 40) tail = tail.slice(-20);
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: BotLogRecord;
    try {
      record = JSON.parse(line) as BotLogRecord;
    } catch {
      return keep(line);
    }
    if (record.level >= 50) keep(line);
    options.onLog(record);
  });
  createInterface({ input: child.stderr! }).on('line', keep);

  const metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
  const scrape = async (timeoutMs: number) => {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
    return parsePrometheusText(await response.text());
  };
  const alive = () => child.exitCode === null && child.signalCode === null;

  const snapshotsIn = (dir: string) => new Set(readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')));

  return {
    pid,
    command: `node ${args.slice(0, -4).join(' ')} bin/radar.mjs start`.replace(/\s+/g, ' '),
    httpPort,
    exited,
    rss: () => parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
    async memory() {
      try {
        const m = await scrape(10_000);
        const mb = (name: string) => (m.get(name) ?? Number.NaN) / MB;
        return { rssMB: mb('process_resident_memory_bytes'), heapUsedMB: mb('nodejs_heap_size_used_bytes'), heapTotalMB: mb('nodejs_heap_size_total_bytes'), externalMB: mb('nodejs_external_memory_bytes') };
      } catch {
        return undefined;
      }
    },
    async heapSnapshot() {
      const dir = options.heapSnapshotDir;
      if (!dir) throw new Error('the bot was started without heapSnapshotDir');
      const before = snapshotsIn(dir);
      child.kill('SIGUSR2');
      const deadline = Date.now() + 120_000;
      let file: string | undefined;
      while (!file && Date.now() < deadline) {
        await sleep(500);
        file = [...snapshotsIn(dir)].find((f) => !before.has(f));
      }
      if (!file) throw new Error(`no heap snapshot appeared in ${dir} within 120 s of SIGUSR2`);
      // The bot writes the snapshot on its main thread: once /metrics answers again and the size holds, it is whole.
      let size = -1;
      while (Date.now() < deadline) {
        await scrape(120_000).catch(() => undefined);
        const now = statSync(path.join(dir, file)).size;
        if (now === size) return path.join(dir, file);
        size = now;
        await sleep(500);
      }
      throw new Error(`heap snapshot ${file} still growing after 120 s`);
    },
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!alive()) throw new Error(`the bot exited during startup:\n${tail.join('\n')}`);
        try {
          await scrape(2_000);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`the bot's ${metricsUrl} did not answer within ${timeoutMs} ms (${String(error)}):\n${tail.join('\n')}`);
          await sleep(200);
        }
      }
    },
    tail: () => tail.join('\n'),
    stop() {
      if (alive()) child.kill('SIGTERM');
      return exited;
    },
  };
}
