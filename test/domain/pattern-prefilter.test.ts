import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../src/domain/pattern-prefilter.ts';

describe('requiredLiterals', () => {
  it.each([
    ['\\bsubnet\\s*#?\\s*\\d{1,3}\\b', ['subnet']],
    ['\\berc ?8004\\b', ['erc8004', 'erc 8004']],
    ['gpt-?4o?', ['gpt4', 'gpt4o', 'gpt-4', 'gpt-4o']],
    ['(?:zk|zero knowledge) ?ml', ['zkml', 'zk ml', 'zero knowledgeml', 'zero knowledge ml']],
    ['ZKML', ['zkml']],
    ['(?P<n>abc)+d', ['abc']],
    ['a{2,}b', ['a']],
    ['[xy]abc.', ['abc']],
  ])('GIVEN %s THEN every match contains one of %j', (source, expected) => {
    expect(requiredLiterals(source)?.sort()).toEqual([...expected].sort());
  });

  it.each([['a*'], ['a|b*'], ['(?i)abc'], ['\\pLabc?'.slice(0, 3)], ['.+'], ['\\d+'], ['inferência'], ['(?<=a)b'], ['a**']])(
    'GIVEN %s THEN proves nothing: the pattern always runs',
    (source) => {
      expect(requiredLiterals(source)).toBeUndefined();
    },
  );

  // Soundness: the prefilter may only skip texts the pattern cannot match.
  const patterns = ['ab?c', '(a|bc)+d', 'x(?:yz|w)?q', '\\ba c\\b', 'c{2,3}', '[ab]c(?:d|)e', '(?:ab|a)(?:c|bc)', 'ba?b?a', '(ab)+', 'a b?c'];
  const alphabet = ['a', 'b', 'c', 'd', 'e', 'q', 'w', 'x', 'y', 'z', ' '];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const texts = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));

  it.each(patterns)('GIVEN %s and thousands of random texts THEN no text it matches lacks the required literals', (source) => {
    const literals = requiredLiterals(source);
    const re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    const missed = literals === undefined ? [] : texts.filter((t) => re.test(t) && !literals.some((l) => t.includes(l)));
    expect(missed).toEqual([]);
  });
});
