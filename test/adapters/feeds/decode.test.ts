import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody, decodeBodyDetailed } from '../../../src/adapters/feeds/decode.ts';

const FIXTURES = new URL('../../fixtures/feeds/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES));

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const bytes = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const encode = (text: string, charset: string) => new Uint8Array(iconv.encode(text, charset));

const PROLOG_1252 = '<?xml version="1.0" encoding="ISO-8859-1"?>';

describe('decodeBodyDetailed', () => {
  it.each([
    { name: 'plain UTF-8, no declaration', input: utf8('<rss>Olá €</rss>'), type: undefined, text: '<rss>Olá €</rss>', charset: 'utf-8', source: 'default' },
    { name: 'a UTF-8 BOM, which is stripped', input: bytes([0xef, 0xbb, 0xbf], utf8('<rss/>')), type: undefined, text: '<rss/>', charset: 'utf-8', source: 'bom' },
    { name: 'a UTF-16LE BOM', input: bytes([0xff, 0xfe], encode('<rss>ü</rss>', 'utf-16le')), type: undefined, text: '<rss>ü</rss>', charset: 'utf-16le', source: 'bom' },
    { name: 'a UTF-16BE BOM', input: bytes([0xfe, 0xff], encode('<rss>ü</rss>', 'utf-16be')), type: undefined, text: '<rss>ü</rss>', charset: 'utf-16be', source: 'bom' },
    { name: 'UTF-16LE without BOM (NUL pattern)', input: encode('<?xml version="1.0"?><rss/>', 'utf-16le'), type: undefined, text: '<?xml version="1.0"?><rss/>', charset: 'utf-16le', source: 'sniffed' },
    { name: 'UTF-16BE without BOM (NUL pattern)', input: encode('<rss/>', 'utf-16be'), type: undefined, text: '<rss/>', charset: 'utf-16be', source: 'sniffed' },
    {
      name: 'a windows-1252 header with 0x80–0x9F bytes',
      input: bytes([0x3c, 0x61, 0x3e, 0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x92, 0x3c, 0x2f, 0x61, 0x3e]),
      type: 'text/xml; charset=windows-1252',
      text: '<a>€ “q” ’</a>',
      charset: 'windows-1252',
      source: 'header',
    },
    { name: 'an ISO-8859-1 header, read as windows-1252 like browsers do', input: bytes(utf8('<a>'), [0x92, 0xe9], utf8('</a>')), type: 'application/rss+xml; charset=ISO-8859-1', text: '<a>’é</a>', charset: 'windows-1252', source: 'header' },
    { name: 'a quoted charset parameter', input: encode('<a>人工智能</a>', 'gb2312'), type: "application/atom+xml; charset='gb2312'", text: '<a>人工智能</a>', charset: 'gb18030', source: 'header' },
    { name: 'the XML prolog encoding', input: encode(`${PROLOG_1252}<a>Notícias</a>`, 'latin1'), type: 'text/xml', text: `${PROLOG_1252}<a>Notícias</a>`, charset: 'windows-1252', source: 'prolog' },
    { name: 'a header that overrides the prolog', input: utf8('<?xml version="1.0" encoding="iso-8859-1"?><a>ção</a>'), type: 'text/xml; charset=utf-8', text: '<?xml version="1.0" encoding="iso-8859-1"?><a>ção</a>', charset: 'utf-8', source: 'header' },
    { name: 'an unknown header charset, falling back to the prolog', input: encode(`${PROLOG_1252}<a>é</a>`, 'latin1'), type: 'text/xml; charset=x-bogus', text: `${PROLOG_1252}<a>é</a>`, charset: 'windows-1252', source: 'prolog' },
    { name: 'an unknown charset everywhere, falling back to UTF-8', input: utf8('<?xml version="1.0" encoding="klingon"?><a>é</a>'), type: 'text/xml; charset=x-bogus', text: '<?xml version="1.0" encoding="klingon"?><a>é</a>', charset: 'utf-8', source: 'default' },
    { name: 'a BOM that wins over a wrong header', input: bytes([0xef, 0xbb, 0xbf], utf8('<a>é</a>')), type: 'text/xml; charset=iso-8859-1', text: '<a>é</a>', charset: 'utf-8', source: 'bom' },
    { name: 'a prolog claiming UTF-16 over ASCII bytes (a lie)', input: utf8('<?xml version="1.0" encoding="utf-16"?><a>é</a>'), type: undefined, text: '<?xml version="1.0" encoding="utf-16"?><a>é</a>', charset: 'utf-8', source: 'default' },
    { name: 'undeclared Latin-1 bytes, recovered as windows-1252', input: encode('<rss><title>Últimas Notícias</title></rss>', 'latin1'), type: undefined, text: '<rss><title>Últimas Notícias</title></rss>', charset: 'windows-1252', source: 'default' },
    { name: 'an ISO-8859-1 header over valid UTF-8 (old Apache default)', input: utf8('<a>Notícias “IA”</a>'), type: 'text/xml; charset=ISO-8859-1', text: '<a>Notícias “IA”</a>', charset: 'utf-8', source: 'sniffed' },
    { name: 'mostly valid UTF-8 with one stray Latin-1 byte, read as windows-1252', input: bytes(utf8('<a>ação'), [0xe9], utf8('</a>')), type: undefined, text: '<a>açãoé</a>', charset: 'utf-8', source: 'default' },
    { name: 'a UTF-8 BOM then a stray byte', input: bytes([0xef, 0xbb, 0xbf], utf8('<a>Ѩ Espa'), [0xf1], utf8('a</a>')), type: undefined, text: '<a>Ѩ España</a>', charset: 'utf-8', source: 'bom' },
    { name: 'a cut UTF-8 sequence, an overlong and a surrogate among valid text', input: bytes(utf8('<a>€'), [0xe2, 0x82], utf8(' '), [0xc0, 0xaf], utf8(' '), [0xed, 0xa0, 0x80], utf8('ü</a>')), type: undefined, text: '<a>€â‚ À¯ í\u00a0€ü</a>', charset: 'utf-8', source: 'default' },
    { name: 'an empty body', input: new Uint8Array(0), type: 'text/xml', text: '', charset: 'utf-8', source: 'default' },
  ])('GIVEN $name THEN decodes as $charset from $source', ({ input, type, text, charset, source }) => {
    expect(decodeBodyDetailed(input, type)).toEqual({ text, charset, source });
  });

  it('GIVEN a subarray view THEN reads only the viewed bytes', () => {
    const whole = utf8('xx<rss>é</rss>yy');
    expect(decodeBody(whole.subarray(2, whole.length - 2))).toBe('<rss>é</rss>');
  });
});

describe('decodeBody on fixtures', () => {
  it.each([
    { file: 'rss-parser/input/encoding.rss', contains: 'Jornal de Notícias - Últimas Notícias' },
    { file: 'rss-parser/input/uolNoticias.rss', contains: '<description>Últimas Notícias</description>' },
    { file: 'feedparser/euc-kr.xml', contains: '<title>년</title>' },
    { file: 'hand-made/gb2312.xml', contains: '<title>人工智能代币上涨</title>' },
    { file: 'hand-made/mixed-utf8-latin1.rss', contains: '<title>Bitcoin sobe na España e em Portugal</title>' },
    { file: 'feedparser/encoding_utf-16le-bom.xml', contains: 'Wellformed UTF-16' },
    { file: 'feedparser/encoding_utf-32le-bom.xml', contains: 'Wellformed UTF-32' },
    { file: 'feedparser/encoding_utf-16be-autodetect.xml', contains: '<rss>' },
    { file: 'feedparser/encoding_euc-kr-item.xml', contains: '<description>년</description>' },
  ])('GIVEN $file THEN the text contains $contains', ({ file, contains }) => {
    const text = decodeBody(fixture(file));
    expect(text).toContain(contains);
    expect(text).not.toContain('\ufffd');
  });
});

describe('charsetFromContentType', () => {
  it.each([
    ['text/xml; charset=UTF-8', 'utf-8'],
    ['text/xml;charset="windows-1252"', 'windows-1252'],
    ["application/atom+xml; charset='gb2312'", 'gb2312'],
    ['text/xml; foo=bar; charset=iso-8859-1; q=1', 'iso-8859-1'],
    ['text/xml', undefined],
    [undefined, undefined],
  ])('GIVEN %j THEN %j', (header, charset) => {
    expect(charsetFromContentType(header)).toBe(charset);
  });
});

describe('decodeBodyDetailed: undeclared legacy CJK charsets', () => {
  const rss = (language: string, title: string, text: string) =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><language>${language}</language><item><title>${title}</title><description>${text}</description></item></channel></rss>`;
  const JA = ['ja', '分散型推論とゼロ知識証明', 'ビットコインとイーサリアムのAIトークンが急騰しました。']; // kana and kanji
  const ZH_CN = ['zh-cn', '去中心化推理与零知识机器学习', '人工智能代币大幅上涨，比特币持平。'];
  const ZH_TW = ['zh-TW', '去中心化推論與零知識機器學習', '人工智慧代幣大幅上漲，比特幣持平。'];
  const KO = ['ko', '탈중앙화 추론과 영지식 머신러닝', '인공지능 토큰이 급등했습니다.'];

  it.each([
    { name: 'Shift_JIS tagged ja', sample: JA, encoded: 'shift_jis', charset: 'shift_jis' },
    { name: 'EUC-JP tagged ja', sample: JA, encoded: 'euc-jp', charset: 'euc-jp' },
    { name: 'GBK tagged zh-cn', sample: ZH_CN, encoded: 'gbk', charset: 'gb18030' },
    { name: 'Big5 tagged zh-TW', sample: ZH_TW, encoded: 'big5', charset: 'big5' },
    { name: 'EUC-KR tagged ko', sample: KO, encoded: 'euc-kr', charset: 'euc-kr' },
  ])('GIVEN $name and no declaration THEN it is read as $charset', ({ sample, encoded, charset }) => {
    const [language, title, text] = sample as [string, string, string];
    const xml = rss(language, title, text);
    expect(decodeBodyDetailed(encode(xml, encoded), 'application/rss+xml')).toEqual({ text: xml, charset, source: 'sniffed' });
  });

  it('GIVEN the same bytes under an xml:lang="ja" Atom root THEN the tag there counts too', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja"><title>${JA[1]}</title></feed>`;
    expect(decodeBodyDetailed(encode(xml, 'shift_jis'))).toEqual({ text: xml, charset: 'shift_jis', source: 'sniffed' });
  });

  it.each([
    { name: 'no language tag', xml: `<rss><channel><title>${JA[1]}</title></channel></rss>`, encoded: 'shift_jis' },
    { name: 'a Latin language tag over Latin-1 bytes', xml: rss('pt', 'Últimas Notícias', 'Inferência descentralizada'), encoded: 'latin1' },
    { name: 'a ja tag over Latin-1 bytes (not CJK text in any candidate)', xml: rss('ja', 'Notícias', 'Inferência é ótima'), encoded: 'latin1' },
  ])('GIVEN $name THEN no CJK guess: the bytes are read as before', ({ xml, encoded }) => {
    expect(decodeBodyDetailed(encode(xml, encoded)).charset).not.toMatch(/shift_jis|euc|gb|big5/);
  });

  it('GIVEN a declared charset THEN the declaration wins, tag or not', () => {
    const xml = rss(...(JA as [string, string, string]));
    expect(decodeBodyDetailed(encode(xml, 'euc-jp'), 'text/xml; charset=euc-jp')).toEqual({ text: xml, charset: 'euc-jp', source: 'header' });
  });
});
