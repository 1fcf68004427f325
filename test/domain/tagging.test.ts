import { describe, expect, it } from 'vitest';
import { compileTagger, tagPost } from '../../src/domain/tagging.ts';
import type { Taxonomy } from '../../src/domain/taxonomy.ts';
import { foldText, tokenize } from '../../src/domain/text.ts';

const taxonomy: Taxonomy = {
  themes: [
    {
      id: 'decentralized-inference',
      name: 'Decentralized inference',
      keywords: [
        { term: 'decentralized inference', lang: 'en', weight: 1 },
        { term: 'inferência descentralizada', lang: 'pt', weight: 1 },
        { term: 'inferenza decentralizzata', lang: 'it', weight: 1 },
        { term: 'penalaran terdesentralisasi', lang: 'id', weight: 1 },
        { term: 'inférence décentralisée', lang: 'fr', weight: 1 },
        { term: '去中心化推理', lang: 'zh', weight: 1 },
        { term: '탈중앙화 추론', lang: 'ko', weight: 1 },
        { term: 'descentraliz*', lang: 'es', weight: 0.5 },
      ],
      exclude: ['statistical inference course'],
      tokens: ['TAO'],
      minScore: 1,
    },
    { id: 'zkml', name: 'zkML', keywords: [{ term: 'zkML', lang: 'any', weight: 2 }], exclude: [], tokens: [], minScore: 1 },
  ],
  tokens: [
    { symbol: 'TAO', name: 'Bittensor', names: ['Bittensor'], tickers: [], ambiguous: false },
    { symbol: 'NEAR', name: 'NEAR Protocol', names: ['NEAR Protocol'], tickers: [], ambiguous: true },
    { symbol: 'RENDER', name: 'Render Network', names: ['Render Network'], tickers: ['RNDR'], ambiguous: true },
    { symbol: 'FET', name: 'Fetch.ai', names: ['Fetch.ai'], tickers: [], ambiguous: true },
  ],
};
const tagger = compileTagger(taxonomy);
const themesOf = (title: string, text = '') => tagPost(tagger, { title, text }).themes.map((t) => t.id);
const tokensOf = (title: string, text = '') => tagPost(tagger, { title, text }).tokens.map((t) => t.symbol);

describe('foldText', () => {
  it('GIVEN accents, case and compatibility forms THEN folds them and maps back to original offsets', () => {
    const folded = foldText('Inférence ＡＩ Ñandú');
    expect(folded.text).toBe('inference ai nandu');
    expect(folded.origin[folded.text.indexOf('nandu')]).toBe('Inférence ＡＩ '.length);
  });

  it('GIVEN unspaced scripts THEN tokenizes one token per character', () => {
    expect(tokenize(foldText('去中心化 AI').text).map((t) => t.word)).toEqual(['去', '中', '心', '化', 'ai']);
  });
});

describe('tagPost themes', () => {
  it.each([
    ['en', 'Why decentralized inference matters'],
    ['pt', 'Por que a inferência descentralizada importa'],
    ['pt without accents', 'Por que a inferencia descentralizada importa'],
    ['it', "L'inferenza decentralizzata è il futuro"],
    ['id', 'Mengapa penalaran terdesentralisasi penting'],
    ['fr', "L'INFÉRENCE DÉCENTRALISÉE arrive"],
    ['zh', '为什么去中心化推理很重要'],
    ['ko', '탈중앙화 추론이 중요한 이유'],
  ])('GIVEN a %s title THEN tags decentralized inference', (_lang, title) => {
    expect(themesOf(title)).toContain('decentralized-inference');
  });

  it.each([
    ['a phrase split across words differently', 'decentralized infrastructure for inference'],
    ['a partial word', 'predecentralized inferences'],
  ])('GIVEN %s THEN does not tag', (_case, title) => {
    expect(themesOf(title)).toEqual([]);
  });

  it('GIVEN an exclusion phrase THEN vetoes the theme', () => {
    expect(themesOf('Decentralized inference', 'Part of our statistical inference course')).toEqual([]);
  });

  it('GIVEN a stem keyword below the threshold THEN needs a second hit', () => {
    expect(themesOf('Redes descentralizadas')).toEqual([]);
    expect(themesOf('Redes descentralizadas', 'inferencia descentralizada')).toEqual(['decentralized-inference']);
  });

  it('GIVEN a match THEN reports the original span, field and language', () => {
    const tag = tagPost(tagger, { title: 'x', text: 'Sobre a Inferência Descentralizada hoje' }).themes[0]!;
    expect(tag.matches).toEqual([
      { term: 'inferência descentralizada', text: 'Inferência Descentralizada', field: 'text', start: 8, end: 34, lang: 'pt' },
      // The Spanish stem matches the same word: both are reported, the phrase carries the score.
      { term: 'descentraliz*', text: 'Descentralizada', field: 'text', start: 19, end: 34, lang: 'es' },
    ]);
  });

  it('GIVEN a title match THEN scores higher than a body match', () => {
    const title = tagPost(tagger, { title: 'zkML', text: '' }).themes[0]!.score;
    const body = tagPost(tagger, { title: '', text: 'zkML' }).themes[0]!.score;
    expect(title).toBeGreaterThan(body);
  });
});

describe('tagPost tokens', () => {
  it.each([
    ['cashtag', '$NEAR is up', ['NEAR']],
    ['project name', 'NEAR Protocol ships sharding', ['NEAR']],
    ['ticker with a market verb', 'NEAR rose 5% overnight', ['NEAR']],
    ['ticker with a percentage', 'Movers: NEAR +7%', ['NEAR']],
    ['ordinary word near', 'We are near the end of the cycle', []],
    ['upper-case NEAR without context', 'NEAR THE END', []],
    ['ordinary word render', 'Browsers render the page', []],
    ['former ticker RNDR', 'RNDR rallies after migration', ['RENDER']],
    ['unambiguous ticker', 'TAO holders vote', ['TAO']],
    ['lower-case tao is prose', 'the tao of trading', []],
    ['fet in prose', 'la fet de la musique', []],
    ['project name Fetch.ai', 'Fetch.ai launches agents', ['FET']],
    ['all-caps headline needs context', 'BREAKING: TAO TEAM MEETS IN BERLIN TODAY', []],
    ['all-caps headline with context', 'BREAKING: TAO PRICE JUMPS 20% TODAY', ['TAO']],
  ])('GIVEN %s THEN tokens are %j', (_case, title, expected) => {
    expect(tokensOf(title)).toEqual(expected);
  });
});
