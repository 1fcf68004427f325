/**
 * `radar event-study`: what tokens did after posts, beyond the market, per
 * theme and per source, from the event studies in the database ("posts tagged
 * zkML preceded +2.1% mean 24h abnormal return for TAO, n=14, t=2.3").
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import { DEFAULT_DB_PATH } from '../config/paths.ts';
import { describeEventStudy, summarizeEventStudies, type EventStudySummary } from '../domain/event-study.ts';
import type { CommandIo } from './replay-command.ts';

export const EVENT_STUDY_USAGE = 'usage: radar event-study [--theme ID] [--source ID] [--symbol SYM] [--min-n N] [--limit N] [--json] [--db FILE]';

const consoleIo: CommandIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** `radar event-study …`; returns the exit code. Reads `--db`, else DB_PATH, else data/radar.db. */
export async function runEventStudyCommand(args: string[], io: CommandIo = consoleIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        theme: { type: 'string' },
        source: { type: 'string' },
        symbol: { type: 'string' },
        'min-n': { type: 'string', default: '2' },
        limit: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
        db: { type: 'string' },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${EVENT_STUDY_USAGE}`);
    return 2;
  }
  const minN = Number(values['min-n']);
  const limit = Number(values.limit);
  if (!Number.isInteger(minN) || minN < 1 || !Number.isInteger(limit) || limit < 1) {
    io.err(`--min-n and --limit take whole numbers ≥ 1\n${EVENT_STUDY_USAGE}`);
    return 2;
  }
  const dbPath = values.db ?? env.DB_PATH ?? DEFAULT_DB_PATH;
  if (!existsSync(dbPath)) {
    io.err(`no database at ${dbPath}: run the bot (radar start) or a replay with --db ${dbPath} first`);
    return 1;
  }
  const store = openSqliteStore(dbPath);
  try {
    const records = store.eventStudies({ theme: values.theme, source: values.source, symbol: values.symbol });
    const keep = (s: EventStudySummary) => s.n >= minN && (s.by !== 'theme' || values.theme === undefined || s.key === values.theme);
    const byTheme = summarizeEventStudies(records, 'theme').filter(keep);
    const bySource = summarizeEventStudies(records, 'source').filter(keep);
    if (values.json) {
      for (const s of [...byTheme, ...bySource]) io.out(JSON.stringify(s));
      return 0;
    }
    const filters = [values.theme && `theme ${values.theme}`, values.source && `source ${values.source}`, values.symbol && values.symbol].filter(Boolean).join(', ');
    io.out(`${records.length} event studies (post × token × horizon)${filters ? ` for ${filters}` : ''} in ${dbPath}; groups with n ≥ ${minN}, strongest |t| first.`);
    if (records.length === 0) return 0;
    for (const [title, list] of [['By theme (a story counts once)', byTheme], ['By source', bySource]] as const) {
      io.out('');
      io.out(`${title}:`);
      if (list.length === 0) io.out('  (no group with enough posts)');
      for (const s of list.slice(0, limit)) io.out(`  ${describeEventStudy(s)}`);
      if (list.length > limit) io.out(`  … ${list.length - limit} more (--limit)`);
    }
    io.out('');
    io.out('Abnormal return = token return − β × BTC return from the last close before publication. t assumes independent posts; posts close in time share market moves, so treat large t from clustered posts with care.');
    return 0;
  } finally {
    store.close();
  }
}
