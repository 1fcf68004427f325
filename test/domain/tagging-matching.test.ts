import { describe, expect, it } from 'vitest';
import { compileTagger, tagPost, type Match } from '../../src/domain/tagging.ts';
import type { Taxonomy, ThemeDef } from '../../src/domain/taxonomy.ts';

const theme = (id: string, keywords: [string, string, number?][], extra: Partial<ThemeDef> = {}): ThemeDef => ({
  id,
  name: id,
  keywords: keywords.map(([term, lang, weight]) => ({ term, lang, weight: weight ?? 1 })),
  exclude: [],
  tokens: [],
  minScore: 1,
  ...extra,
});

const taxonomy: Taxonomy = {
  themes: [
    theme('decentralized-inference', [
      ['decentralized inference', 'en'],
      ['decentralized AI', 'en'],
      ['IA descentralizada', 'pt'],
      ['IA descentralizada', 'es'],
      ['inferensi terdesentralisasi', 'id'],
      ['AI terdesentralisasi', 'id'],
      ['inferenz* decentralizzat*', 'it'],
      ['децентрализованн* инференс*', 'ru'],
    ]),
    theme('verifiable-inference', [['zkML', 'any', 2]], { exclude: ['zkML course'] }),
    theme('model-marketplaces', [['subnet', 'en', 0.5], ['Bittensor subnet', 'en', 2]], {
      patterns: [{ regex: '\\bsubnet\\s*#?\\s*\\d{1,3}\\b', lang: 'any', weight: 1.5 }],
    }),
    theme('ai-agents', [['AI agents', 'en'], ['agent economy', 'en']], { minScore: 2 }),
    theme('training-to-inference', [['from training to inference', 'en'], ["de l'entraînement à l'inférence", 'fr']]),
  ],
  tokens: [
    { symbol: 'TAO', name: 'Bittensor', names: ['Bittensor'], tickers: [], ambiguous: false },
    { symbol: 'NEAR', name: 'NEAR Protocol', names: ['NEAR Protocol', 'Near Intents'], tickers: [], ambiguous: true },
    { symbol: 'RENDER', name: 'Render Network', names: ['Render Network'], tickers: ['RNDR'], ambiguous: true },
    { symbol: 'IO', name: 'io.net', names: ['io.net'], tickers: [], ambiguous: true },
    { symbol: 'FET', name: 'Fetch.ai', names: ['Fetch.ai', 'ASI Alliance'], tickers: [], ambiguous: true },
    { symbol: 'AI', name: 'Sleepless AI', names: ['Sleepless AI'], tickers: [], ambiguous: true },
    { symbol: 'WLD', name: 'Worldcoin', names: ['Worldcoin', 'World ID'], tickers: [], ambiguous: false },
  ],
};
const tagger = compileTagger(taxonomy);
const themesOf = (title: string, text = '', language?: string) => tagPost(tagger, { title, text }, { language }).themes.map((t) => t.id);
const tokensOf = (title: string, text = '') => tagPost(tagger, { title, text }).tokens.map((t) => t.symbol);

describe('tagPost: phrases', () => {
  it.each([
    ['camel-case hashtag', 'Why #DecentralizedAI wins', ['decentralized-inference']],
    ['lower-case hashtag split on the taxonomy words', 'Thread: #decentralizedinference', ['decentralized-inference']],
    ['hashtag of one keyword', 'New paper #zkML', ['verifiable-inference']],
    ['Indonesian prefix ter-', 'Masa depan inferensi terdesentralisasi', ['decentralized-inference']],
    ['Indonesian suffix -nya', 'Inferensinya terdesentralisasi sepenuhnya', ['decentralized-inference']],
    ['Indonesian base form', 'AI desentralisasi untuk semua', ['decentralized-inference']],
    ['Indonesian meN-…-kan', 'Mereka ingin AI mendesentralisasikan', ['decentralized-inference']],
    ['Italian plural through stems', 'Le inferenze decentralizzate crescono', ['decentralized-inference']],
    ['Russian case endings through stems', 'Рост децентрализованного инференса', ['decentralized-inference']],
    ['a pattern', 'Subnet #64 doubles its emissions', ['model-marketplaces']],
    ['a generic keyword alone stays below the threshold', 'Our subnet mask guide', []],
    ['a generic keyword with a specific one', 'Bittensor subnet news', ['model-marketplaces']],
    ['one phrase below a theme threshold of 2', 'AI agents everywhere', []],
    ['two phrases reach it', 'AI agents and the agent economy', ['ai-agents']],
    ['an exclusion vetoes the theme', 'zkML', 'Sign up for our zkML course'],
    ['a phrase at the very start, found through its longest word', "De l'entraînement à l'inférence", ['training-to-inference']],
    ['a phrase at the very end', 'The shift from training to inference', ['training-to-inference']],
    ['a phrase cut off by the end of the text', 'The shift from training to', []],
    ['a phrase cut off by the start of the text', 'training to inference', []],
  ])('GIVEN %s THEN themes are %j', (_case, title, expected) => {
    if (typeof expected === 'string') expect(themesOf(title, expected)).toEqual([]);
    else expect(themesOf(title)).toEqual(expected);
  });

  it('GIVEN a post known not to be Indonesian THEN affixed forms do not match but plain forms do', () => {
    expect(themesOf('inferensi terdesentralisasi', '', 'en')).toEqual(['decentralized-inference']);
    expect(themesOf('inferensinya terdesentralisasi', '', 'en')).toEqual([]);
    expect(themesOf('inferensinya terdesentralisasi', '', 'id')).toEqual(['decentralized-inference']);
  });

  it('GIVEN a span matched by keywords of two languages THEN reports it once, in the post language', () => {
    const langs = (language: string) =>
      tagPost(tagger, { title: 'A IA descentralizada chegou', text: '' }, { language }).themes[0]!.matches.map((m) => m.lang);
    expect(langs('pt')).toEqual(['pt']);
    expect(langs('es')).toEqual(['es']);
  });

  it('GIVEN matches THEN each carries its span, field and language', () => {
    const tags = tagPost(tagger, { title: '#DecentralizedAI', text: 'Subnet 64 and децентрализованного инференса' }, { language: 'ru' });
    const matches = Object.fromEntries(tags.themes.map((t) => [t.id, t.matches.map(({ term, text, field, start, end, lang }) => ({ term, text, field, start, end, lang }))]));
    expect(matches).toEqual({
      'decentralized-inference': [
        { term: 'decentralized AI', text: 'DecentralizedAI', field: 'title', start: 1, end: 16, lang: 'en' },
        { term: 'децентрализованн* инференс*', text: 'децентрализованного инференса', field: 'text', start: 14, end: 43, lang: 'ru' },
      ],
      'model-marketplaces': [
        { term: '/\\bsubnet\\s*#?\\s*\\d{1,3}\\b/', text: 'Subnet 64', field: 'text', start: 0, end: 9, lang: 'any' },
        { term: 'subnet', text: 'Subnet', field: 'text', start: 0, end: 6, lang: 'en' },
      ],
    });
  });

  it('GIVEN text that is not NFC THEN spans refer to its NFC form', () => {
    // "Até" with a combining accent: 4 code units in the post, 3 in NFC.
    const tags = tagPost(tagger, { title: '', text: 'Ate\u0301 a IA descentralizada' }, { language: 'pt' });
    expect(tags.themes[0]!.matches[0]).toMatchObject({ text: 'IA descentralizada', start: 6 });
  });
});

describe('tagPost: tokens and false friends', () => {
  it.each([
    ['cashtag', '$NEAR is up', ['NEAR']],
    ['lower-case cashtag of a former ticker', 'bought some $rndr', ['RENDER']],
    ['hashtag ticker in capitals', 'gm #NEAR fam', ['NEAR']],
    ['hashtag word in lower case', 'stay #near the beach', []],
    ['project name', 'NEAR Protocol ships sharding', ['NEAR']],
    ['product name', 'Near Intents volume doubles', ['NEAR']],
    ['name in prose, not capitalised', 'we are near intents to buy', []],
    ['ticker with a market verb', 'NEAR rose 5% overnight', ['NEAR']],
    ['ticker in parentheses after a name', 'Render (RENDER) jumps', ['RENDER']],
    ['ticker with a price', 'RENDER at $7.20', ['RENDER']],
    ['ticker with a Turkish percentage', 'NEAR %5 yükseldi', ['NEAR']],
    ['ticker with a Chinese market word', 'NEAR价格上涨', ['NEAR']],
    ['ticker with a Korean market word', 'NEAR 급등', ['NEAR']],
    ['ticker with a Russian market word', 'NEAR вырос на 5%', ['NEAR']],
    ['ticker with a German market word', 'NEAR steigt deutlich', ['NEAR']],
    ['near in prose', 'We are near the end of the cycle', []],
    ['NEAR in a shouted headline', 'NEAR THE END OF AN ERA', []],
    ['render in prose', 'Browsers render the page', []],
    ['Render capitalised at a sentence start', 'Render farms are busy', []],
    ['render network in prose', 'a render network of studios', []],
    ['Render Network', 'Render Network adds GPUs', ['RENDER']],
    ['io in prose', 'the io of the system', []],
    ['Italian Io', 'Io penso che sia presto', []],
    ['IO with context', 'IO rises 10%', ['IO']],
    ['io.net', 'io.net raises $30M', ['IO']],
    ['fet in prose', 'la fet de la musique', []],
    ['FET transistor talk', 'A GaN FET switches fast', []],
    ['Fetch.ai', 'Fetch.ai launches agents', ['FET']],
    ['fetch in prose', 'agents fetch ai models', []],
    ['ai in Italian prose', 'ai giovani piace la crypto', []],
    ['AI in English prose', 'AI agents are the new apps', []],
    ['AI cashtag', '$AI +20% today', ['AI']],
    ['unambiguous ticker in capitals', 'TAO holders vote', ['TAO']],
    ['unambiguous ticker in lower case', 'the tao of trading', []],
    ['all-caps headline without context', 'BREAKING: TAO TEAM MEETS IN BERLIN TODAY', []],
    ['all-caps headline with context', 'BREAKING: TAO PRICE JUMPS 20% TODAY', ['TAO']],
    ['a multi-word name in lower case', 'the world id card', []],
    ['a multi-word name', 'World ID launches in Brazil', ['WLD']],
  ])('GIVEN %s THEN tokens are %j', (_case, title, expected) => {
    expect(tokensOf(title)).toEqual(expected);
  });

  it('GIVEN a bare ambiguous ticker THEN the match says which market context made it count', () => {
    const match = tagPost(tagger, { title: 'NEAR rose 5% overnight', text: '' }).tokens[0]!.matches[0]!;
    expect(match).toEqual<Match>({ term: 'NEAR', text: 'NEAR', field: 'title', start: 0, end: 4, lang: 'any', context: 'rose' });
  });

  it('GIVEN a ticker inside a matched name THEN only the name is reported', () => {
    expect(tagPost(tagger, { title: 'NEAR Protocol price rises', text: '' }).tokens[0]!.matches.map((m) => m.text)).toEqual(['NEAR Protocol']);
  });

  it('GIVEN a cashtag in the title and a mention in the body THEN the token scores above a passing mention', () => {
    const main = tagPost(tagger, { title: '$TAO breaks out', text: 'Bittensor leads.' }).tokens[0]!.score;
    const passing = tagPost(tagger, { title: 'Markets', text: 'Bittensor was flat.' }).tokens[0]!.score;
    expect(main).toBeGreaterThan(passing);
  });
});
