import { describe, expect, it } from 'vitest';
import { foldTerm, foldText, indonesianStem, scanWords, splitCamelCase, tokenize, WordFlag } from '../../src/domain/text.ts';

describe('foldTerm', () => {
  it.each([
    ['accents', 'Inferência Descentralizada', 'inferencia descentralizada'],
    ['French', 'INFÉRENCE DÉCENTRALISÉE', 'inference decentralisee'],
    ['German ß and umlauts', 'Straße für Rechenleistung', 'strasse fur rechenleistung'],
    ['Turkish dotless and dotted i', 'Çıkarım İSTANBUL', 'cikarim istanbul'],
    ['letters that do not decompose', 'Øresund Œuvre Łódź', 'oresund oeuvre lodz'],
    ['full-width forms', 'ＡＩ ＧＰＵ', 'ai gpu'],
    ['decomposed input', 'infere\u0302ncia', 'inferencia'],
    ['Cyrillic case', 'ДЕЦЕНТРАЛИЗОВАННЫЙ Инференс', 'децентрализованныи инференс'],
    ['symbols stay symbols', 'Bittensor™', 'bittensor™'],
  ])('GIVEN %s THEN folds case, accents and compatibility forms', (_case, input, expected) => {
    expect(foldTerm(input)).toBe(expected);
  });

  it.each([
    ['Hangul syllables stay composed', '탈중앙화', '탈중앙화'],
    ['kana voicing marks stay', 'ガバナンス', 'ガバナンス'],
    ['half-width katakana becomes full-width', 'ｶﾞﾊﾞﾅﾝｽ', 'ガバナンス'],
  ])('GIVEN %s THEN keeps the letters', (_case, input, expected) => {
    expect(foldTerm(input)).toBe(expected);
  });

  it('GIVEN non-ASCII text THEN maps every folded unit back to its original character', () => {
    const folded = foldText('Straße ＡＩ');
    expect(folded.text).toBe('strasse ai');
    expect([...folded.origin]).toEqual([0, 1, 2, 3, 4, 4, 5, 6, 7, 8]);
  });
});

describe('scanWords', () => {
  const words = (text: string) => {
    const s = scanWords(text);
    return s.words.map((word, i) => ({ word, text: s.text.slice(s.starts[i], s.ends[i]), flags: s.flags[i]! }));
  };

  it('GIVEN cashtags, hashtags and case THEN flags each word and keeps original offsets', () => {
    expect(words('$NEAR #zkML Render x402')).toEqual([
      { word: 'near', text: 'NEAR', flags: WordFlag.Cashtag | WordFlag.Capital | WordFlag.AllUpper | WordFlag.AsciiLetters },
      { word: 'zkml', text: 'zkML', flags: WordFlag.Hashtag | WordFlag.Camel | WordFlag.AsciiLetters },
      { word: 'render', text: 'Render', flags: WordFlag.Capital | WordFlag.AsciiLetters },
      { word: 'x402', text: 'x402', flags: WordFlag.Digit },
    ]);
  });

  it.each([
    ['Chinese', '去中心化推理', ['去', '中', '心', '化', '推', '理']],
    ['Japanese with Latin', '分散型AIエージェント', ['分', '散', '型', 'ai', 'エ', 'ー', 'ジ', 'ェ', 'ン', 'ト']],
    ['Korean with a particle', '추론이', ['추', '론', '이']],
    ['punctuation splits', "l'inferenza, zk-ML e d/acc", ['l', 'inferenza', 'zk', 'ml', 'e', 'd', 'acc']],
    ['US$ is not a cashtag', 'US$20', ['us', '20']],
  ])('GIVEN %s THEN splits into matchable words', (_case, text, expected) => {
    expect(scanWords(text).words).toEqual(expected);
  });

  it('GIVEN "US$20" THEN the number is not flagged as a cashtag', () => {
    expect(words('US$20')[1]!.flags & WordFlag.Cashtag).toBe(0);
  });

  it('GIVEN mixed scripts, emoji and lone surrogates THEN never throws', () => {
    expect(() => scanWords('🚀 TAO \ud800 ∑ ⚡️ 탈중앙화 Ω مرحبا')).not.toThrow();
  });

  it('GIVEN folded text THEN tokenize (used by sentiment) agrees with scanWords', () => {
    const text = 'Inferência descentralizada: 去中心化 AI e zk-ML';
    expect(tokenize(foldText(text).text).map((t) => t.word)).toEqual(scanWords(text).words);
  });
});

describe('splitCamelCase', () => {
  it.each([
    ['DecentralizedAI', ['Decentralized', 'AI']],
    ['zkML', ['zk', 'ML']],
    ['AIAgents', ['AI', 'Agents']],
    ['DePIN', ['De', 'PIN']],
    ['decentralizedai', ['decentralizedai']],
  ])('GIVEN #%s THEN splits at case changes', (body, expected) => {
    expect(splitCamelCase(body).map((p) => p.word)).toEqual(expected);
  });
});

describe('indonesianStem', () => {
  it.each([
    // One key for every affixed form of a root: this is what matching needs.
    ['desentralisasi', 'terdesentralisasi', 'desentralisasinya', 'mendesentralisasikan', 'didesentralisasi'],
    ['inferensi', 'inferensinya', 'inferensi', 'inferensi', 'inferensi'],
    ['verifikasi', 'terverifikasi', 'diverifikasi', 'memverifikasi', 'verifikasinya'],
    ['sensor', 'menyensor', 'sensornya', 'disensor', 'sensor'],
    ['tokenisasi', 'menokenisasi', 'tokenisasinya', 'ditokenisasi', 'tokenisasi'],
    ['ekonomi', 'perekonomian', 'ekonominya', 'ekonomi', 'ekonomi'],
  ])('GIVEN forms of "%s" THEN they share one key', (root, ...forms) => {
    for (const form of forms) expect(indonesianStem(form)).toBe(indonesianStem(root));
  });

  it.each([['agen'], ['data'], ['model'], ['GPU'.toLowerCase()]])('GIVEN the short word "%s" THEN leaves it alone', (word) => {
    expect(indonesianStem(word)).toBe(word);
  });
});
