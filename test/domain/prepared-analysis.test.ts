import { describe, expect, it } from 'vitest';
import { scorePreparedSentiment, scoreSentiment, type Sentiment } from '../../src/domain/sentiment.ts';
import { compileTagger, tagPost, tagPreparedPost } from '../../src/domain/tagging.ts';
import type { Taxonomy } from '../../src/domain/taxonomy.ts';
import { foldText, preparePost, tokenize, tokenOffsets, wordScanOf } from '../../src/domain/text.ts';

const taxonomy: Taxonomy = {
  themes: [
    {
      id: 'decentralized-inference',
      name: 'Decentralized inference',
      keywords: [
        { term: 'decentralized inference', lang: 'en', weight: 1 },
        { term: 'inferência descentralizada', lang: 'pt', weight: 1 },
        { term: 'penalaran terdesentralisasi', lang: 'id', weight: 1 },
        { term: '去中心化推理', lang: 'zh', weight: 1 },
        { term: 'descentraliz*', lang: 'es', weight: 0.5 },
      ],
      exclude: [],
      tokens: ['TAO'],
      minScore: 1,
    },
    { id: 'zkml', name: 'zkML', keywords: [{ term: 'zkML', lang: 'any', weight: 2 }], exclude: [], tokens: [], minScore: 1 },
  ],
  tokens: [
    { symbol: 'TAO', name: 'Bittensor', names: ['Bittensor'], tickers: [], ambiguous: false },
    { symbol: 'NEAR', name: 'NEAR Protocol', names: ['NEAR Protocol'], tickers: [], ambiguous: true },
  ],
};
const tagger = compileTagger(taxonomy);

const LONG_BODY = `${'Bittensor TAO surges 12% as decentralized inference demand grows. '.repeat(70)}Then TAO plunges after an exploit.`;

const POSTS: [string, { title: string; text: string; lang?: string }][] = [
  ['ASCII', { title: 'Bittensor TAO surges 22% as decentralized inference rallies', text: 'NEAR price fell 5% - not approved, analysts said.' }],
  ['accented Portuguese', { title: 'Inferência descentralizada: TAO dispara 12%', text: 'A Bittensor não foi aprovada, disse a corretora.', lang: 'pt' }],
  ['Indonesian affixes', { title: 'Mengapa penalaran terdesentralisasi penting', text: 'Harga TAO melonjak ke rekor tertinggi', lang: 'id' }],
  ['CJK', { title: '比特币暴涨，去中心化推理创历史新高', text: 'ＴＡＯ价格下跌 5％。', lang: 'zh' }],
  ['half-width kana and marks', { title: 'ｶﾞﾊﾞﾅﾝｽ infere\u0302ncia descentralizada', text: 'Straße ＡＩ #zkML $TAO' }],
  ['a body longer than sentiment reads', { title: 'TAO outlook', text: LONG_BODY }],
  ['an empty body', { title: 'Bittensor rallies', text: '' }],
];

describe('prepared posts: tagging and sentiment share one reading of the text', () => {
  it.each(POSTS)('GIVEN a %s post THEN the shared path gives what tagPost and scoreSentiment give alone', (_case, post) => {
    const expectedTags = tagPost(tagger, post, { language: post.lang });
    const expectedSentiment = scoreSentiment(post);

    const prepared = preparePost(post);
    expect(tagPreparedPost(tagger, prepared, { language: post.lang })).toEqual(expectedTags);
    expect(scorePreparedSentiment(prepared, post.lang)).toEqual(expectedSentiment);

    // Sentiment first, then tagging, on the same prepared post.
    const reversed = preparePost(post);
    expect(scorePreparedSentiment(reversed, post.lang)).toEqual(expectedSentiment);
    expect(tagPreparedPost(tagger, reversed, { language: post.lang })).toEqual(expectedTags);
  });

  it('GIVEN a prepared post THEN its word scan is made once and reused', () => {
    const prepared = preparePost({ title: 'Bittensor rallies', text: 'TAO surges 12%' });
    tagPreparedPost(tagger, prepared);
    const scan = wordScanOf(prepared.text);
    scorePreparedSentiment(prepared);
    expect(wordScanOf(prepared.text)).toBe(scan);
  });
});

describe('scoreSentiment: clause breaks, numbers and stems read without regular expressions', () => {
  it.each<[string, Sentiment]>([
    ['Bitcoin rallies - regulators are not amused', { score: 0.8, label: 'positive', cues: ['rallies'] }],
    ['ETF not approved; shares drop sharply', { score: -0.88, label: 'negative', cues: ['not approved', 'drop'] }],
    ['Bitcoin reclaims $70K despite hack', { score: 0.46, label: 'positive', cues: ['reclaims', 'hack'] }],
    ['Pump.fun volume surges', { score: 0.8, label: 'positive', cues: ['surges'] }],
  ])('GIVEN "%s" THEN scores it as before', (title, expected) => {
    expect(scoreSentiment({ title, text: '' })).toEqual(expected);
  });
});

describe('foldText beyond ASCII', () => {
  it('GIVEN half-width kana with voicing marks THEN composes them and maps each back to its base', () => {
    const folded = foldText('ｶﾞｷﾞ');
    expect(folded.text).toBe('ガギ');
    expect([...folded.origin]).toEqual([0, 2]);
  });

  it('GIVEN a removed accent between a kana and its voicing mark THEN does not compose across it', () => {
    expect(foldText('カ\u0301\u3099').text).toBe('カ\u3099');
  });

  it('GIVEN characters that fold to several units THEN grows the output and keeps offsets', () => {
    const input = `${'ß'.repeat(40)}ﷺA`;
    const folded = foldText(input);
    expect(folded.text.startsWith('ss'.repeat(40))).toBe(true);
    expect(folded.text.endsWith('a')).toBe(true);
    expect(folded.text).toBe(`${'ss'.repeat(40)}${'ﷺ'.normalize('NFKD')}a`);
    expect(folded.origin.length).toBe(folded.text.length);
    expect(folded.origin[folded.text.length - 1]).toBe(input.length - 1);
  });

  it('GIVEN text longer than one decoding chunk THEN folds all of it', () => {
    const folded = foldText('É'.repeat(10_000));
    expect(folded.text).toBe('e'.repeat(10_000));
    expect(folded.origin[9_999]).toBe(9_999);
  });
});

describe('tokenOffsets', () => {
  it.each([
    ['mixed scripts', 'zkML-based 去中心化 inferência, $TAO 4.5%'],
    ['astral letters and marks', '𝐀𝐈 a\u0301b ｶﾞ 😀 x'],
    ['empty text', ''],
  ])('GIVEN %s THEN gives the offsets of tokenize', (_case, text) => {
    const folded = foldText(text).text;
    const tokens = tokenize(folded);
    const { starts, ends } = tokenOffsets(folded);
    expect({ starts, ends }).toEqual({ starts: tokens.map((t) => t.start), ends: tokens.map((t) => t.end) });
  });
});
