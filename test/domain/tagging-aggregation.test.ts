import { describe, expect, it } from 'vitest';
import { compileTagger, tagPost, type Tags } from '../../src/domain/tagging.ts';
import type { Taxonomy } from '../../src/domain/taxonomy.ts';

/**
 * How a tag's hits become its score and explanations: in span order whatever
 * order they were found in, one hit per span (in the post's language), and
 * Indonesian keys remembered across posts without changing what matches.
 */
const taxonomy: Taxonomy = {
  themes: [
    {
      id: 'ai-inference',
      name: 'AI inference',
      keywords: [
        { term: 'ai', lang: 'any', weight: 0.5 },
        { term: 'ai inference', lang: 'en', weight: 1 },
        { term: '去中心化AI', lang: 'zh', weight: 1 },
      ],
      exclude: [],
      tokens: [],
      minScore: 0.5,
    },
    {
      id: 'dai',
      name: 'Decentralized AI',
      keywords: [
        { term: 'IA descentralizada', lang: 'pt', weight: 1 },
        { term: 'IA descentralizada', lang: 'es', weight: 1 },
        { term: 'desentralisasi', lang: 'id', weight: 1 },
      ],
      exclude: [],
      tokens: [],
      minScore: 1,
    },
  ],
  tokens: [],
};

const match = (term: string, lang: string, start: number, end: number, text: string, field: 'title' | 'text' = 'title') => ({ term, field, lang, start, end, text });

describe('tagPost: a tag\'s matches', () => {
  it('GIVEN a phrase found after a shorter match inside it THEN reports the phrase first and scores the shorter one only where it stands alone', () => {
    // "ai" is found at the first word, "ai inference" at its anchor, the second word.
    expect(tagPost(compileTagger(taxonomy), { title: 'AI inference and AI', text: '' })).toEqual<Tags>({
      themes: [
        {
          id: 'ai-inference',
          name: 'AI inference',
          score: 2.25,
          matches: [match('ai inference', 'en', 0, 12, 'AI inference'), match('ai', 'any', 0, 2, 'AI'), match('ai', 'any', 17, 19, 'AI')],
        },
      ],
      tokens: [],
    });
  });

  it.each([['es'], ['pt']])('GIVEN one span matched by keywords of two languages in a post in %s THEN reports it once, in that language', (language) => {
    expect(tagPost(compileTagger(taxonomy), { title: 'IA descentralizada', text: '' }, { language })).toEqual<Tags>({
      themes: [{ id: 'dai', name: 'Decentralized AI', score: 1.5, matches: [match('IA descentralizada', language, 0, 18, 'IA descentralizada')] }],
      tokens: [],
    });
  });

  it('GIVEN a word of a script without spaces next to "AI" THEN only the phrase written so matches', () => {
    expect(tagPost(compileTagger(taxonomy), { title: 'AI 去中心化AI', text: '' }).themes[0]?.matches).toEqual([
      match('ai', 'any', 0, 2, 'AI'),
      match('去中心化AI', 'zh', 3, 9, '去中心化AI'),
      match('ai', 'any', 7, 9, 'AI'),
    ]);
  });
});

describe('tagPost: Indonesian keys remembered by the tagger', () => {
  const post = { title: 'Proyek terdesentralisasi', text: 'Research and more research. TERDESENTRALISASI!' };
  const expected: Tags = {
    themes: [
      {
        id: 'dai',
        name: 'Decentralized AI',
        score: 1.6,
        matches: [match('desentralisasi', 'id', 7, 24, 'terdesentralisasi'), match('desentralisasi', 'id', 28, 45, 'TERDESENTRALISASI', 'text')],
      },
    ],
    tokens: [],
  };

  it('GIVEN affixed words in either case, some repeated THEN matches every one', () => {
    expect(tagPost(compileTagger(taxonomy), post)).toEqual(expected);
  });

  it('GIVEN a tagger that has read other posts THEN tags a post as a fresh tagger does', () => {
    const tagger = compileTagger(taxonomy);
    tagPost(tagger, { title: 'Riset terdesentralisasi', text: 'research desain mendesentralisasikan' });
    expect([tagPost(tagger, post), tagPost(tagger, post)]).toEqual([expected, expected]);
  });
});
