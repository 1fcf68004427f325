/**
 * The real bot (`radar start`) as a child process: node with the tsx loader,
 * as bin/radar.mjs runs it, plus the tests' loopback-only network guard so a
 * misconfigured child fails instead of reaching the internet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../src/cli.ts', import.meta.url));
const NO_NETWORK = new URL('../../setup/no-network.ts', import.meta.url).href;

export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  readonly pid: number;
  /** stdout and stderr so far (pino JSON lines), for failure messages. */
  output(): string;
  readonly exited: Promise<BotExit>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<BotExit>;
  /** SIGTERM (a clean shutdown), and wait until the process is gone. */
  stop(): Promise<BotExit>;
}

/** Start `radar start` with exactly `env` (plus PATH): nothing of the test's own environment leaks in. */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--import', NO_NETWORK, CLI, 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start the bot: ${process.execPath} ${CLI}`);
  let output = '';
  const keep = (chunk: Buffer) => {
    // The tail is what explains a failure; bound it so a chatty child cannot grow the test's memory.
    output = (output + chunk.toString()).slice(-64_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<BotExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return { pid: child.pid, output: () => output, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
