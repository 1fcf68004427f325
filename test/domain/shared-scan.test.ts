import { describe, expect, it } from 'vitest';
import { compilePatternSet } from '../../src/domain/admin-patterns.ts';
import { foldedInPlace, foldText, indonesianStem, keepsIndonesianForm, prepareText, scanWords, tokenOffsets, wordScanOf } from '../../src/domain/text.ts';

describe('foldedInPlace: the folded text sentiment and the pattern prefilter share with the word scan', () => {
  it.each([
    ['ASCII', 'Bittensor TAO surges 12% - zkML #AI'],
    ['accented Latin', 'Inferência DESCENTRALIZADA: TAO dispara 12%, não é?'],
    ['Turkish dotted capitals', 'İSTANBUL borsası yükseldi'],
    ['CJK with full-width forms', '比特币暴涨，ＴＡＯ价格下跌 5％。'],
    ['Cyrillic and Hangul', 'Цена TAO выросла; 가격 상승'],
    ['ASCII letters running into other scripts', 'zkML中 Straight façade'],
    ['a leading byte order mark', '\ufeffInferência descentralizada'],
  ])('GIVEN %s THEN gives foldText, and the scan gives its tokenOffsets', (_case, text) => {
    const prepared = prepareText(text);
    const folded = foldedInPlace(prepared);
    const scan = wordScanOf(prepared);
    const expected = foldText(text);
    expect(folded).toBe(expected.text);
    expect([...expected.origin]).toEqual(Array.from({ length: text.length }, (_, i) => i));
    expect({ starts: scan.starts, ends: scan.ends }).toEqual(tokenOffsets(expected.text));
  });

  it.each([
    ['a letter that folds to two', 'Straße'],
    ['a combining accent', 'infere\u0302ncia'],
    ['half-width kana with a voicing mark', 'ｶﾞﾊﾞﾅﾝｽ'],
    ['an astral letter', '𝐀𝐈 agents'],
    ['a ligature', 'ﬁnance'],
    ['text that is not NFC', 'inferê\u0301ncia'],
  ])('GIVEN %s THEN declines, so the text is folded and split on its own', (_case, text) => {
    expect(foldedInPlace(prepareText(text))).toBeUndefined();
  });

  it('GIVEN a prepared text THEN folds it once', () => {
    const prepared = prepareText('Inferência descentralizada');
    expect(foldedInPlace(prepared)).toBe(foldedInPlace(prepared));
    expect(prepared.folded).toBe('inferencia descentralizada');
  });
});

describe('scanWords: the ASCII scanner and the general one agree', () => {
  it.each([
    'Bittensor TAO surges 12% as $TAO and #zkML trend; AkashML, NEAR-based x$Y #1',
    'ALL CAPS HEADLINE 2024 zkML ABCdef aB',
    '$ # $$A ##B a$B',
  ])('GIVEN "%s" THEN its words are those it has with a non-ASCII character after it', (text) => {
    const ascii = scanWords(text);
    const mixed = scanWords(`${text} …`);
    expect(ascii.ascii).toBe(true);
    expect(mixed.ascii).toBe(false);
    expect({ words: ascii.words, starts: ascii.starts, ends: ascii.ends, flags: ascii.flags }).toEqual({
      words: mixed.words,
      starts: mixed.starts,
      ends: mixed.ends,
      flags: mixed.flags,
    });
  });
});

describe('scanWords: ASCII text that turns out not to be', () => {
  it.each<[string, string, { words: string[]; starts: number[]; ends: number[] }]>([
    ['a combining accent on an ASCII letter', 'The cafe\u0301 rallies', { words: ['the', 'cafe', 'rallies'], starts: [0, 4, 9], ends: [3, 8, 16] }],
    ['a combining mark on an ASCII separator', '$ab <\u0338 cd', { words: ['ab', 'cd'], starts: [1, 6], ends: [3, 8] }],
    ['a letter late in a word', 'Bitcoin lançamento', { words: ['bitcoin', 'lancamento'], starts: [0, 8], ends: [7, 18] }],
    ['a first character that is not ASCII', '«TAO» sobe', { words: ['tao', 'sobe'], starts: [1, 6], ends: [4, 10] }],
  ])('GIVEN %s THEN reads the words of its NFC form', (_case, text, expected) => {
    const scan = scanWords(text);
    expect(scan.text).toBe(text.normalize('NFC'));
    expect({ words: scan.words, starts: scan.starts, ends: scan.ends }).toEqual(expected);
  });
});

describe('keepsIndonesianForm', () => {
  it.each<[string, boolean]>([
    ['the', true],
    ['zkml', true],
    ['rally', true],
    ['agent', true],
    ['crypto', true],
    ['Bitcoin', false],
    ['dinar', false],
    ['menyensor', false],
    ['desentralisasinya', false],
    ['TERDESENTRALISASI', false],
  ])('GIVEN "%s" THEN answers %s, and a kept word is its own stem', (word, keeps) => {
    expect(keepsIndonesianForm(word, 0, word.length)).toBe(keeps);
    if (keeps) expect(indonesianStem(word.toLowerCase())).toBe(word.toLowerCase());
  });

  it('GIVEN words of a sentence THEN reads each from its offsets', () => {
    const text = 'the menyensor rally';
    expect([keepsIndonesianForm(text, 0, 3), keepsIndonesianForm(text, 4, 13), keepsIndonesianForm(text, 14, 19)]).toEqual([true, false, true]);
  });
});

describe('admin patterns: prefilter on text folded in place', () => {
  const { set } = compilePatternSet(['\\bzk ?(?:ml|llm)s?\\b', '\\b(?:subnet|sub ?rede)\\s*#?\\s*\\d{1,3}\\b']);

  it.each([
    ['Why zk-ML matters', true],
    ['Launch of SUBNET 19', true],
    ['A sub-rede 8 cresceu', true],
    ['zk proofs and ML models', false],
    ['nothing to see', false],
  ])('GIVEN ASCII "%s" THEN answers as the raw-text prefilter does', (text, expected) => {
    expect(set.mayMatchFolded(text.toLowerCase())).toBe(expected);
    expect(set.mayMatchAscii(text)).toBe(expected);
  });

  it.each([
    ['A sub—rede 8 da Bittensor cresceu 5%', true],
    ['Inferência zk·ml verificável', true],
    ['Inferência verificável sem provas', false],
  ])('GIVEN "%s" folded in place THEN finds the literals across any separators', (text, expected) => {
    const folded = foldedInPlace(prepareText(text));
    expect(folded).toBeDefined();
    expect(set.mayMatchFolded(folded!)).toBe(expected);
  });
});
