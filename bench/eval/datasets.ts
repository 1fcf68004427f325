/**
 * Labelled sets for the sentiment eval: the hand-labelled crypto headlines
 * shipped in test/fixtures/sentiment/, and the Twitter financial news set from
 * ../shared when it is present.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Tone } from './metrics.ts';

export interface Example {
  title: string;
  text: string;
  lang?: string;
  gold: Tone;
}

export interface Dataset {
  name: string;
  note: string;
  examples: Example[];
}

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const CRYPTO_FILE = path.join(PROJECT_ROOT, 'test/fixtures/sentiment/crypto-headlines.jsonl');
export const TWEETS_FILE = path.resolve(PROJECT_ROOT, '../shared/corpora/sentiment/twitter-financial-news-train.csv');

interface CryptoRow {
  split: 'dev' | 'test';
  lang: string;
  label: Tone;
  title: string;
  text?: string;
}

/** The crypto headline set, split as labelled: `dev` is what the lexicon was tuned on, `test` was held out. */
export function loadCrypto(file = CRYPTO_FILE): Dataset[] {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CryptoRow);
  const toExample = (r: CryptoRow): Example => ({ title: r.title, text: r.text ?? '', lang: r.lang, gold: r.label });
  const test = rows.filter((r) => r.split === 'test');
  return [
    { name: 'crypto-dev', note: 'hand-labelled crypto headlines, development split (tuned on)', examples: rows.filter((r) => r.split === 'dev').map(toExample) },
    { name: 'crypto-heldout', note: 'hand-labelled crypto headlines, held-out split: scored blind at 0.971 accuracy; its 4 errors were then read once and led to general rules (explainer frames, prose "failing", approval rejection in ko/ja/zh), so treat it as lightly contaminated', examples: test.map(toExample) },
    { name: 'crypto-heldout-non-en', note: 'held-out split, the 11 languages other than English', examples: test.filter((r) => r.lang !== 'en').map(toExample) },
  ];
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const TWEET_LABELS: Record<string, Tone> = { '0': 'bearish', '1': 'bullish', '2': 'neutral' };

/** A stable 20% of the tweets (by text hash) that may be looked at while developing; the other 80% is reported. */
export function isTweetDev(text: string): boolean {
  return createHash('sha1').update(text).digest()[0]! % 5 === 0;
}

/** The tweets, or undefined when ../shared is not beside the project. */
export function loadTweets(file = TWEETS_FILE): Dataset[] | undefined {
  if (!existsSync(file)) return undefined;
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const textCol = header?.indexOf('text') ?? -1;
  const labelCol = header?.indexOf('label') ?? -1;
  if (textCol < 0 || labelCol < 0) throw new Error(`${file}: expected columns text,label, got ${header?.join(',')}`);
  const examples: (Example & { dev: boolean })[] = [];
  for (const r of rows) {
    const text = r[textCol];
    const gold = TWEET_LABELS[r[labelCol]?.trim() ?? ''];
    if (text === undefined || gold === undefined) continue;
    examples.push({ title: text, text: '', lang: 'en', gold, dev: isTweetDev(text) });
  }
  return [
    {
      name: 'tweets-heldout',
      note: 'Twitter financial news (equities, English), the 80% never looked at while developing',
      examples: examples.filter((e) => !e.dev).map(({ dev: _dev, ...e }) => e),
    },
  ];
}
