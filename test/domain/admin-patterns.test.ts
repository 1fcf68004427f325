import { describe, expect, it } from 'vitest';
import { checkAdminPattern, compilePatternSet } from '../../src/domain/admin-patterns.ts';
import { compileTagger, tagPost } from '../../src/domain/tagging.ts';
import type { Taxonomy } from '../../src/domain/taxonomy.ts';

const taxonomyWith = (regex: string): Taxonomy => ({
  themes: [{ id: 'x', name: 'x', keywords: [], exclude: [], tokens: [], minScore: 1, patterns: [{ regex, lang: 'any', weight: 1 }] }],
  tokens: [],
});

describe('admin patterns', () => {
  it.each([
    ['(a+)+$', 'a'.repeat(100_000) + 'b'],
    ['(a|aa)+$', 'a'.repeat(100_000) + 'b'],
    ['(.*a){20}', 'a'.repeat(50_000)],
    ['(\\w+\\s?)*$', 'word '.repeat(20_000) + '!'],
  ])('GIVEN the pathological pattern %s on a long line THEN it finishes in linear time', (regex, line) => {
    const tagger = compileTagger(taxonomyWith(regex));
    const started = performance.now();
    tagPost(tagger, { title: line.slice(0, 200), text: line });
    // A backtracking engine needs minutes to years here; RE2 needs milliseconds. Generous for loaded CI machines.
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('GIVEN the same pathological pattern on a native RegExp THEN it would stall (why RE2 is required)', () => {
    const started = performance.now();
    /(a+)+$/.test('a'.repeat(22) + 'b');
    const nativeMs = performance.now() - started;
    // 22 characters already cost milliseconds; each extra "a" doubles it.
    expect(nativeMs).toBeGreaterThan(0.5);
  });

  it.each([
    ['(a', 'not a valid RE2 regular expression'],
    ['(\\w)\\1', 'no backreferences or lookarounds'],
    ['(?<=x)y', 'not a valid RE2 regular expression'],
    ['x*', 'matches empty text'],
    ['inferência', 'without accents'],
    ['a'.repeat(501), 'longer than 500'],
  ])('GIVEN the pattern %s THEN config validation explains the problem', (regex, message) => {
    expect(checkAdminPattern(regex)).toContain(message);
  });

  it.each([['\\bsubnet\\s*\\d+'], ['zk ?ml'], ['\\$\\d+'], ['inferencia']])('GIVEN the valid pattern %s THEN it is accepted', (regex) => {
    expect(checkAdminPattern(regex)).toBeUndefined();
  });

  it('GIVEN invalid patterns reaching the tagger THEN they are skipped and listed, the rest still works', () => {
    const { set, problems } = compilePatternSet(['(a', 'subnet \\d+']);
    expect(problems).toEqual([expect.stringContaining('"(a"')]);
    expect(set.find('the subnet 64 launch')).toEqual([{ pattern: 1, start: 4, end: 13 }]);
  });

  it.each([
    ['an accented word', '\\bsous ?reseau\\s*\\d+', 'Le sous-réseau 12 de Bittensor', 'sous-réseau 12'],
    ['a letter spelled out', 'strasse \\d+', 'Die Straße 5 ist gesperrt', 'Straße 5'],
    ['full-width letters', 'zk ?ml', 'ＺＫＭＬ の時代', 'ＺＫＭＬ'],
    ['ASCII text with punctuation between words', 'erc ?8004', 'The ERC-8004 draft', 'ERC-8004'],
  ])('GIVEN %s THEN the literal prefilter still lets the pattern match', (_case, regex, title, expected) => {
    const tags = tagPost(compileTagger(taxonomyWith(regex)), { title, text: '' });
    expect(tags.themes[0]?.matches.map((m) => m.text)).toEqual([expected]);
  });

  it('GIVEN a pattern THEN it sees folded words, and the match maps back to the original text', () => {
    const tagger = compileTagger(taxonomyWith('\\binferencia (?:zk|verificavel)\\b'));
    const tags = tagPost(tagger, { title: 'Nova Inferência — Verificável!', text: '' });
    expect(tags.themes[0]!.matches).toEqual([
      { term: '/\\binferencia (?:zk|verificavel)\\b/', text: 'Inferência — Verificável', field: 'title', start: 5, end: 29, lang: 'any' },
    ]);
  });
});
