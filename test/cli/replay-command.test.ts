/**
 * `radar replay` end to end: real candles (a slice of Binance's, see
 * test/fixtures/replay/README.md) and fictional posts written around a real
 * WLD move, through the command function: parsing, the virtual-clock replay
 * of the real pipeline, and the output a user reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runEventStudyCommand } from '../../src/cli/event-study-command.ts';
import { replayLines, replayRecord, runReplayCommand } from '../../src/cli/replay-command.ts';
import { DEFAULT_CONFIG_DIR, PROJECT_ROOT } from '../../src/config/paths.ts';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'replay');
const FEEDS = path.join(FIXTURES, 'feeds');
const PRICES = path.join(FIXTURES, 'prices');
const ANNOUNCEMENT = 'https://world-wire.example/2025/05/22/world-id-payments';
const TRANSLATION = 'https://noticias-cripto.example/2025/05/22/world-id-pagamentos';
const AFTER_THE_MOVE = 'https://world-wire.example/2025/05/23/worldcoin-after-the-rally';

const work = mkdtempSync(path.join(tmpdir(), 'radar-replay-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReplayCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

type Record = { type: string; at: string; symbol?: string; move?: { windowMinutes: number; return: number; benchmarkReturn: number; beta: number; abnormalVsBtc: number; sectorReturn: number; abnormalVsSector: number; z: number }; catalysts?: { url: string; title: string; publishedAt: string; themes: string[]; score: number; reasons: string[] }[]; story?: { id: string; title: string; urls: string[] } | null; themes?: string[]; sentiment?: { label: string } | null };

describe('radar replay --json', async () => {
  const { code, out, err } = await run(['--feeds', FEEDS, '--prices', PRICES, '--json']);
  const records = out.map((l) => JSON.parse(l) as Record & { [k: string]: unknown });
  const alerts = records.slice(0, -1);

  it('GIVEN the fixtures THEN it succeeds quietly and ends with a summary counting each alert type', () => {
    expect([code, err]).toEqual([0, []]);
    const summary = records.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', from: '2025-05-16T12:00:00.000Z', to: '2025-05-25T00:00:00.000Z', posts: { fed: 5, stored: 5, files: 3 } });
    const counted = Object.fromEntries(['move', 'sector', 'story', 'notice'].map((t) => [t, alerts.filter((a) => a.type === t).length]));
    expect(summary.byType).toEqual(counted);
    expect(summary.alerts).toBe(alerts.length);
    expect(alerts.every((a) => typeof a.at === 'string' && !Number.isNaN(Date.parse(a.at)))).toBe(true);
  });

  it('GIVEN the WLD jump at 14:00 THEN the alert at 15:00 names the announcement 40 minutes earlier, as one story in two languages', () => {
    const jump = alerts.find((a) => a.type === 'move' && a.symbol === 'WLD' && a.move?.windowMinutes === 60 && a.at === '2025-05-22T15:00:00.000Z');
    expect(jump).toBeDefined();
    const { move, catalysts, story } = jump!;
    // From the CSV: WLD closed at 1.29 (13:00 candle) and 1.43 (14:00 candle); BTC 110914.49 → 110897.9.
    expect(move!.return).toBeCloseTo(1.43 / 1.29 - 1, 9);
    expect(move!.benchmarkReturn).toBeCloseTo(110897.9 / 110914.49 - 1, 9);
    expect(move!.abnormalVsBtc).toBeCloseTo(move!.return - move!.beta * move!.benchmarkReturn, 12);
    expect(move!.abnormalVsSector).toBeCloseTo(move!.return - move!.sectorReturn, 12);
    expect(move!.z).toBeGreaterThan(3);
    expect(catalysts).toHaveLength(1); // the translation is the same story, not a second catalyst
    expect(catalysts![0]).toMatchObject({ url: ANNOUNCEMENT, publishedAt: '2025-05-22T13:20:00.000Z', themes: expect.arrayContaining(['Data sovereignty']) });
    expect(catalysts![0]!.reasons).toEqual(expect.arrayContaining(['mentions WLD', '40m before the move', 'story in 2 languages']));
    expect(story).toMatchObject({ title: 'World Network opens World ID verification to a major payments partner', urls: [ANNOUNCEMENT, TRANSLATION] });
    expect(jump!.themes).toContain('Data sovereignty');
    expect(jump!.sentiment).toMatchObject({ label: expect.any(String) });
  });

  it('GIVEN posts published after a move THEN they are never its catalyst; the Bittensor post is never a WLD catalyst', () => {
    for (const a of alerts.filter((x) => x.type === 'move')) {
      for (const c of a.catalysts!) expect(Date.parse(c.publishedAt)).toBeLessThan(Date.parse(a.at));
      if (a.symbol === 'WLD') expect(a.catalysts!.map((c) => c.url)).not.toContain('https://ai-desk.example/2025/05/22/bittensor-subnets-verifiable-inference');
    }
    const before = alerts.filter((a) => a.type === 'move' && Date.parse(a.at) < Date.parse('2025-05-23T02:00:00Z'));
    expect(before.flatMap((a) => a.catalysts!.map((c) => c.url))).not.toContain(AFTER_THE_MOVE);
  });

  it('GIVEN every alert THEN moves carry their numbers as fractions and stories their story', () => {
    for (const a of alerts) {
      if (a.type === 'move') expect(Object.keys(a.move!)).toEqual(expect.arrayContaining(['windowMinutes', 'return', 'abnormalVsBtc', 'abnormalVsSector', 'z']));
      if (a.type === 'story') expect(a.story).toMatchObject({ id: expect.any(String), title: expect.any(String), urls: expect.any(Array) });
    }
  });
});

describe('radar replay options', () => {
  it('GIVEN --from and --to THEN only that stretch is replayed, one step an hour', async () => {
    const { code, out } = await run(['--feeds', FEEDS, '--prices', PRICES, '--from', '2025-05-22T12:00:00Z', '--to', '2025-05-22T16:00:00Z', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(out.at(-1)!) as { steps: number; from: string; to: string };
    expect(summary).toMatchObject({ steps: 5, from: '2025-05-22T12:00:00.000Z', to: '2025-05-22T16:00:00.000Z' });
    expect(out.slice(0, -1).map((l) => (JSON.parse(l) as Record).at).every((at) => at >= '2025-05-22T12:00' && at <= '2025-05-22T16:00')).toBe(true);
  });

  it('GIVEN no --json THEN a readable report with the catalyst and why', async () => {
    const { code, out } = await run(['--feeds', path.join(FEEDS, 'world-wire.rss'), path.join(FEEDS, 'noticias-cripto.rss'), '--prices', PRICES]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/2025-05-22 15:00 {2}MOVE {3}high {3}WLD \+10\.9% in 1h, abnormal \+\d+\.\d% vs BTC/);
    expect(text).toContain('"World Network opens World ID verification to a major payments partner" (Fictional World Wire) — mentions WLD; 40m before the move');
    expect(text).toMatch(/Alerts: \d+ \(\d+ move, \d+ sector, \d+ story, \d+ notice\)/);
  });

  it('GIVEN --compare-config with WLD muted THEN the diff lists the WLD alerts only the first config sent', async () => {
    const other = path.join(work, 'muted');
    mkdirSync(other);
    for (const f of ['feeds.yaml', 'themes.yaml', 'tokens.yaml', 'alerts.yaml']) writeFileSync(path.join(other, f), readFileSync(path.join(DEFAULT_CONFIG_DIR, f)));
    const alerts = parse(readFileSync(path.join(other, 'alerts.yaml'), 'utf8')) as { moves: { muted: string[] } };
    alerts.moves.muted = ['WLD'];
    writeFileSync(path.join(other, 'alerts.yaml'), stringify(alerts));

    const { code, out } = await run(['--feeds', FEEDS, '--prices', PRICES, '--json', '--compare-config', other]);
    expect(code).toBe(0);
    const { compare } = JSON.parse(out.at(-1)!) as { compare: { onlyBase: string[]; onlyOther: string[]; same: number } };
    expect(compare.onlyBase.length).toBeGreaterThan(0);
    expect(compare.onlyBase.every((s) => / move WLD /.test(s))).toBe(true);
    expect(compare.onlyBase).toContain('2025-05-22T15:00 move WLD up 1h +10.9%');
    expect(compare.onlyOther).toEqual([]);
    expect(compare.same).toBeGreaterThan(0);
  });

  it.each([
    ['no --prices', ['--feeds', FEEDS]],
    ['no feeds', ['--prices', PRICES]],
    ['a bad --from', ['--feeds', FEEDS, '--prices', PRICES, '--from', 'yesterday']],
    ['an unknown flag', ['--feeds', FEEDS, '--prices', PRICES, '--speed', '2']],
    ['a --db file that exists (it could be the live database)', ['--feeds', FEEDS, '--prices', PRICES, '--db', path.join(FIXTURES, 'README.md')]],
  ])('GIVEN %s THEN usage and exit code 2', async (_case, args) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('usage: radar replay');
  });
});

describe('radar event-study', () => {
  it('GIVEN a replay kept in a database THEN per theme and per source means, as JSON and as sentences', async () => {
    const db = path.join(work, 'replay.db');
    expect((await run(['--feeds', FEEDS, '--prices', PRICES, '--json', '--db', db])).code).toBe(0);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };

    expect(await runEventStudyCommand(['--db', db, '--json', '--min-n', '1'], io)).toBe(0);
    const rows = out.map((l) => JSON.parse(l) as { by: string; key: string; symbol: string; horizonMinutes: number; n: number; mean: number });
    const wld = rows.find((r) => r.by === 'source' && r.key === 'world-wire' && r.symbol === 'WLD' && r.horizonMinutes === 1440);
    expect(wld).toMatchObject({ n: 3 });
    expect(rows.some((r) => r.by === 'theme' && r.key === 'data-sovereignty' && r.symbol === 'WLD')).toBe(true);

    out.length = 0;
    expect(await runEventStudyCommand(['--db', db, '--theme', 'data-sovereignty', '--min-n', '1'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/posts tagged Data sovereignty preceded [+−]\d+\.\d% mean (1h|4h|24h) abnormal return for WLD, n=\d/);
    expect(out.join('\n')).not.toContain('posts tagged Model marketplaces');
  });

  it('GIVEN no database THEN says how to make one', async () => {
    const err: string[] = [];
    expect(await runEventStudyCommand(['--db', path.join(work, 'none.db')], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err.join('\n')).toContain('run the bot (radar start) or a replay with --db');
  });
});

describe('replay output of a sector alert', () => {
  const at = Date.UTC(2025, 2, 4, 12);
  const catalyst = { postId: 'p', storyId: 's', url: 'https://a.example/gpu', title: 'GPU networks surge', source: 'The Block', publishedAt: at - 5 * 3_600_000, themes: ['Decentralized GPU compute'], score: 0.9, reasons: ['tied to 2 of 3 members moving with the basket: RENDER, AKT'] };
  const alert = {
    kind: 'sector' as const, key: 'k', createdAt: at, severity: 'medium' as const, reason: 'r', catalysts: [catalyst],
    sector: { symbol: 'AI basket', windowMinutes: 240, direction: 'up' as const, startedAt: at - 4 * 3_600_000, endedAt: at, fromPrice: 100, toPrice: 108, return: 0.08, abnormalVsBtc: 0.07, reasons: [], abnormalWithoutLeader: 0.05, members: [{ symbol: 'RENDER', return: 0.12 }, { symbol: 'AKT', return: 0.09 }, { symbol: 'TAO', return: 0.02 }] },
  };

  it('GIVEN a sector alert with a catalyst THEN the JSON record and the text name it', () => {
    const record = replayRecord({ at, alert }, { storyUrls: () => ['https://a.example/gpu'] });
    expect(record).toMatchObject({ type: 'sector', sector: 'AI basket', catalysts: [{ url: 'https://a.example/gpu', score: 0.9 }], story: { id: 's', urls: ['https://a.example/gpu'] }, themes: ['Decentralized GPU compute'] });
    expect(replayLines({ at, alert })[1]).toBe('    0.90  "GPU networks surge" (The Block) — tied to 2 of 3 members moving with the basket: RENDER, AKT');
  });
});
