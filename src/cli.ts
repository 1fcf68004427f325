/**
 * The `radar` command line: start, demo, config check, parse-feed, feeds.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { EnvError, parseEnv } from './config/env.ts';
import { DEFAULT_CONFIG_DIR, DEFAULT_DB_PATH } from './config/paths.ts';
import { startBot } from './main.ts';

const HELP = `Narrative Radar — Crypto-AI narratives, price moves and their catalysts.

Usage: radar <command> [options]

Commands:
  start                      run the bot (feeds, prices, alerts) until SIGINT/SIGTERM
  demo                       run the whole pipeline offline against loopback imitations
  config check [DIR]         validate config/*.yaml (default: the bundled config/) and exit
  doctor [--json]            check config, database, every feed, exchange pair and chat token, with fixes
  config show [SECTION...]   the effective config: YAML plus admin overrides from chat (marked), and the audit log
  deploy-commands [--guild ID] register Discord slash commands (guild or global) and the Telegram command menu
  parse-feed PATH... [--json] [--summary] [--timeout-ms N]
                             parse feed files or folders (recursively), each under a time budget; a summary
                             (rejections by reason, suspicious output, peak RSS) follows when >1 file
  analyze [FILE...] [--json] language, themes, tokens, sentiment and stories of posts, and why they matched
                             (JSON lines {id,title,text,url?,published?,source?,lang?} or plain text; stdin if no FILE)
  feeds list                 show each feed's state (last success, failures, disabled)
  feeds enable ID            re-enable a feed that was disabled after failures
  replay --feeds PATH... --prices DIR [--config DIR] [--from ISO] [--to ISO] [--json] [--compare-config DIR]
                             what the bot would have sent over past feeds and candles (virtual clock, nothing sent)
  event-study [--theme ID] [--source ID] [--json]
                             mean abnormal returns after posts, per theme and per source
  help                       show this help

Environment: see .env.example (tokens, DB_PATH, CONFIG_DIR, LOG_LEVEL, HTTP_PORT…).`;

async function configCheck(dir: string): Promise<number> {
  try {
    const config = await loadConfig(dir);
    const keywords = config.taxonomy.themes.reduce((n, t) => n + t.keywords.length, 0);
    console.log(
      `✔ ${dir}: ${config.feeds.feeds.length} feeds, ${config.themes.themes.length} themes (${keywords} phrases), ${config.tokens.tokens.length} tokens, ${config.alerts.destinations.length} destinations`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}

async function parseFeedCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'json': { type: 'boolean', default: false }, 'summary': { type: 'boolean', default: false }, 'timeout-ms': { type: 'string' } },
    allowPositionals: true,
  });
  const timeBudgetMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (positionals.length === 0 || (timeBudgetMs !== undefined && !(Number.isInteger(timeBudgetMs) && timeBudgetMs > 0))) {
    console.error('usage: radar parse-feed PATH... [--json] [--summary] [--timeout-ms N]   (N: milliseconds per file, a positive integer)');
    return 2;
  }
  const { parseFeedFiles } = await import('./adapters/feeds/parse-feed-files.ts');
  const { formatSweepSummary, summariseSweep } = await import('./adapters/feeds/feed-sweep-summary.ts');
  const startedAt = performance.now();
  const results = await parseFeedFiles(positionals, {
    timeBudgetMs,
    onResult: (r) => {
      if (values.json) console.log(JSON.stringify(r));
      else if (r.ok) console.log(`✔ ${r.file}: ${r.format}, "${r.title ?? ''}", ${r.items} items${r.suspicious ? ` (${r.suspicious.join(', ')})` : ''}`);
      else console.log(`✘ ${r.file}: ${r.error}`);
    },
  });
  if (values.summary || results.length > 1) {
    // maxRSS is the process's high-water mark in KiB, worker threads included.
    const summary = summariseSweep(results, { peakRssBytes: process.resourceUsage().maxRSS * 1024, elapsedMs: performance.now() - startedAt });
    if (values.json) console.log(JSON.stringify({ summary }));
    else for (const line of formatSweepSummary(summary)) console.log(line);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

async function feedsCommand(args: string[], env: ReturnType<typeof parseEnv>): Promise<number> {
  const { openSqliteStore } = await import('./adapters/sqlite/sqlite-store.ts');
  const config = await loadConfig(env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
  const store = openSqliteStore(env.DB_PATH ?? DEFAULT_DB_PATH);
  try {
    const [sub, id] = args;
    if (sub === 'enable' && id) {
      const state = store.getFeedState(id);
      if (!config.feeds.feeds.some((f) => f.id === id)) {
        console.error(`no feed "${id}" in feeds.yaml`);
        return 1;
      }
      store.saveFeedState({ ...(state ?? { feedId: id, itemsSeen: 0 }), feedId: id, failures: 0, nextPollAt: 0, disabledAt: undefined, disabledReason: undefined });
      console.log(`feed "${id}" enabled; it is polled on the next feed cycle`);
      return 0;
    }
    for (const feed of config.feeds.feeds) {
      const s = store.getFeedState(feed.id);
      const status = !feed.enabled ? 'off (feeds.yaml)' : s?.disabledAt ? `DISABLED: ${s.disabledReason}` : s?.failures ? `failing ×${s.failures}: ${s.lastError}` : s?.lastSuccessAt ? 'ok' : 'not polled yet';
      const last = s?.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : '—';
      console.log(`${feed.id.padEnd(22)} ${String(s?.itemsSeen ?? 0).padStart(6)} items  last ok ${last}  ${status}`);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function start(env: ReturnType<typeof parseEnv>): Promise<number> {
  const bot = await startBot(env, process.env);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      bot.runtime.log.info({ signal }, 'signal received');
      void bot.stop().then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(parseEnv(process.env));
    case 'demo': {
      const { runDemo } = await import('./demo/run-demo.ts');
      return runDemo({ out: (line) => console.log(line) });
    }
    case 'config':
      if (rest[0] === 'check') return configCheck(rest[1] ?? parseEnv(process.env).CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
      if (rest[0] === 'show') return (await import('./cli/config-show-command.ts')).configShowCommand(rest.slice(1), { env: parseEnv(process.env), out: (l) => console.log(l) });
      break;
    case 'parse-feed':
      return parseFeedCommand(rest);
    case 'analyze': {
      const { analyzeCommand } = await import('./cli/analyze-command.ts');
      return analyzeCommand(rest, { env: parseEnv(process.env), out: (l) => console.log(l), err: (l) => console.error(l), readStdin: () => readStream(process.stdin) });
    }
    case 'deploy-commands':
      return (await import('./cli/deploy-commands-command.ts')).deployCommandsCommand(rest, { env: parseEnv(process.env), out: (l) => console.log(l), err: (l) => console.error(l) });
    case 'feeds':
      return feedsCommand(rest, parseEnv(process.env));
    case 'doctor':
      // Takes the raw environment: an invalid variable is one of the things it reports.
      return (await import('./cli/doctor-command.ts')).doctorCommand(rest, { rawEnv: process.env, out: (l) => console.log(l) });
    case 'replay': {
      const { runReplayCommand } = await import('./cli/replay-command.ts');
      return runReplayCommand(rest);
    }
    case 'event-study': {
      const { runEventStudyCommand } = await import('./cli/event-study-command.ts');
      return runEventStudyCommand(rest);
    }
    case 'destinations': return (await import('./cli/destinations-command.ts')).destinationsCommand(rest, { env: parseEnv(process.env), out: (l) => console.log(l), err: (l) => console.error(l) });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
  }
  console.error(`unknown command "${argv.join(' ')}"\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof EnvError) console.error(err.message);
    else console.error(err);
    process.exitCode = 1;
  },
);
