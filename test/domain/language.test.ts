import { describe, expect, it } from 'vitest';
import { detectLanguage, SUPPORTED_LANGUAGES } from '../../src/domain/language.ts';

describe('detectLanguage', () => {
  it.each([
    ['en', 'Why developers are moving to decentralized inference on Bittensor this year'],
    ['pt', 'Bittensor dispara enquanto a inferência descentralizada ganha força entre desenvolvedores'],
    ['it', "Bittensor vola mentre l'inferenza decentralizzata conquista gli sviluppatori"],
    ['fr', "Bittensor s'envole alors que l'inférence décentralisée séduit les développeurs"],
    ['id', 'Bittensor melonjak karena inferensi terdesentralisasi semakin diminati para pengembang'],
    ['es', 'Bittensor se dispara mientras la inferencia descentralizada gana terreno entre los desarrolladores'],
    ['de', 'Bittensor steigt, während dezentrale Inferenz bei Entwicklern an Zugkraft gewinnt'],
    ['zh', 'Bittensor 大涨，去中心化推理在开发者中越来越受欢迎'],
    ['ko', '탈중앙화 추론이 개발자들 사이에서 인기를 얻으면서 비트텐서 급등'],
    ['ja', '分散型推論が開発者の間で注目を集め、Bittensorが急騰'],
    ['ru', 'Bittensor растёт на фоне интереса разработчиков к децентрализованному инференсу'],
    ['tr', 'Merkeziyetsiz çıkarım geliştiriciler arasında ilgi görürken Bittensor yükseldi'],
  ])('GIVEN a %s headline THEN detects it, even against a wrong feed hint', (lang, text) => {
    const hint = lang === 'en' ? 'pt' : 'en';
    expect(detectLanguage(text, { hint }).language).toBe(lang);
  });

  it.each([
    ['pt', 'Por que a inferência descentralizada importa'],
    ['it', "L'inferenza decentralizzata è il futuro"],
    ['id', 'Mengapa penalaran terdesentralisasi penting'],
    ['es', '¿Por qué importa la inferencia descentralizada?'],
    ['de', 'Warum dezentrale KI für die Zukunft wichtig ist'],
    ['tr', 'Yapay zeka ajanları için yeni bir dönem başlıyor'],
    ['en', 'NEAR Protocol ships sharding upgrade to mainnet'],
    ['en', 'Bittensor rallies as decentralized inference gains traction among developers'],
  ])('GIVEN a short %s headline without hint THEN detects it', (lang, text) => {
    expect(detectLanguage(text).language).toBe(lang);
  });

  it('GIVEN a long article THEN detects it with high confidence from the words', () => {
    const text =
      'O lançamento foi confirmado pela fundação nesta terça-feira. Segundo analistas, a demanda por inferência descentralizada ' +
      'cresceu muito nos últimos meses, e os desenvolvedores já podem testar os novos recursos na rede de testes pública. '.repeat(20);
    expect(detectLanguage(text)).toEqual({ language: 'pt', confidence: 1, method: 'text' });
  });

  it.each([
    ['a ticker and a figure', 'TAO +5%', 'fr', 'fr'],
    ['names only', 'Bitcoin ETF flows hit record', 'it', 'it'],
    ['a single word', 'Inferência', 'es', 'es'],
    ['digits', '12345', 'de', 'de'],
  ])('GIVEN short text (%s) THEN falls back to the feed language', (_case, text, hint, expected) => {
    expect(detectLanguage(text, { hint })).toMatchObject({ language: expected, method: 'hint' });
  });

  it.each([
    ['empty text', ''],
    ['emoji only', '🚀🚀🚀 🔥'],
    ['a ticker', 'TAO +5%'],
    ['names only', 'Bitcoin ETF flows hit record'],
  ])('GIVEN %s and no hint THEN says undetermined', (_case, text) => {
    expect(detectLanguage(text).language).toBe('und');
  });

  it.each([
    ['Chinese with English names', 'Bittensor (TAO) 和 Akash Network 的去中心化推理网络今天上线', 'zh'],
    ['English with a Chinese phrase', 'Bittensor (TAO) 去中心化 AI agents are coming to every chain this year, says the founder', 'en'],
    ['Japanese kanji headline with kana', 'AI代理の時代', 'ja'],
    ['Korean with English tickers', 'TAO, AKT 급등… 탈중앙화 AI 기대감', 'ko'],
    ['Arabic (outside the tuned set)', 'مرحبا بالعالم هذا نص عربي طويل بما فيه الكفاية', 'ar'],
  ])('GIVEN mixed or other scripts (%s) THEN picks the dominant language', (_case, text, expected) => {
    expect(detectLanguage(text).language).toBe(expected);
  });

  it.each([
    ['Han only, Japanese feed', '分散型推論', 'ja', 'ja'],
    ['Han only, Chinese feed', '去中心化推理', 'zh', 'zh'],
    ['Han only, no hint', '去中心化推理', undefined, 'zh'],
    ['Cyrillic, Ukrainian feed', 'Децентралізований інференс зростає', 'uk', 'uk'],
  ])('GIVEN %s THEN the script and the hint decide together', (_case, text, hint, expected) => {
    expect(detectLanguage(text, { hint }).language).toBe(expected);
  });

  it('GIVEN a hint with a region THEN uses its primary subtag', () => {
    expect(detectLanguage('TAO', { hint: 'pt-BR' }).language).toBe('pt');
  });

  it('GIVEN hostile input THEN never throws and stays fast', () => {
    const inputs = ['\ud800\udc00\ud800', 'a'.repeat(200_000), '\u0301'.repeat(1000), '%'.repeat(5000), 'Ω'.repeat(3000)];
    const started = performance.now();
    for (const text of inputs) expect(() => detectLanguage(text)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('GIVEN the supported set THEN it covers the twelve languages of the taxonomy', () => {
    expect([...SUPPORTED_LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr', 'id', 'it', 'ja', 'ko', 'pt', 'ru', 'tr', 'zh']);
  });
});
