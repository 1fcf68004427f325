import { describe, expect, it } from 'vitest';
import { scanWords, scanWordsLazy } from '../../src/domain/text.ts';

/**
 * The word scan reads text in its NFC form. Text already in NFC (nearly all)
 * is read as it is; text with a character NFC may change is normalized first.
 */
const words = (text: string) => {
  const scan = scanWords(text);
  return { text: scan.text, words: scan.words, starts: scan.starts, ends: scan.ends, flags: scan.flags };
};

describe('scanWordsLazy: NFC', () => {
  it.each([
    ['accents written as combining marks', 'Infere\u0302ncia descentralizada: TAO sobe'],
    ['a combining mark after ASCII', 'zkML a\u0301gil'],
    ['Hangul written as jamo', '\u1110\u1161\u11af\u110c\u116e\u11bc\u110b\u1161\u11bc \ud654'],
    ['a character NFC replaces (Ohm sign)', 'Resistance 5 \u2126 down'],
    ['CJK compatibility ideographs', '\uf900\uf901 AI'],
  ])('GIVEN %s THEN reads the words of its NFC form', (_case, text) => {
    expect(words(text)).toEqual(words(text.normalize('NFC')));
    expect(scanWords(text).text).toBe(text.normalize('NFC'));
  });

  it.each([
    ['accented Latin', 'Inferência descentralizada: TAO sobe 12%'],
    ['Cyrillic', 'Биткоин обновил исторический максимум'],
    ['Chinese and Korean', '比特币暴涨 비트코인 급등'],
    ['an emoji', 'TAO 🚀 rallies'],
  ])('GIVEN NFC text with %s THEN reads the text itself', (_case, text) => {
    expect(scanWordsLazy(text).text).toBe(text);
    expect(words(text).words.length).toBeGreaterThan(0);
  });
});
