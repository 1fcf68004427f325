/**
 * Names across scripts: "Vitalik Buterin", "Виталик Бутерин", "ヴィタリック・ブテリン" and
 * "비탈릭 부테린" are one person. Each is romanized (Cyrillic, katakana and
 * Hangul tables below) and reduced to a consonant skeleton that survives the
 * usual sound changes between languages: l/r merge (Japanese and Korean have
 * one liquid), v/w/b merge, vowels and h vanish, doubled letters collapse, and
 * a final r is dropped (English "-er"/"-or" becomes a long vowel in Japanese
 * and Korean). "Buterin", "Бутерин" and "ブテリン" all become "btrn".
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n',
  о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '',
  э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'i', є: 'e', ґ: 'g',
};

/** Katakana (and hiragana, mapped onto katakana) to Hepburn-like romaji. */
const KANA_ROWS: [string, string[]][] = [
  ['', ['ア', 'イ', 'ウ', 'エ', 'オ']],
  ['k', ['カ', 'キ', 'ク', 'ケ', 'コ']],
  ['g', ['ガ', 'ギ', 'グ', 'ゲ', 'ゴ']],
  ['s', ['サ', 'シ', 'ス', 'セ', 'ソ']],
  ['z', ['ザ', 'ジ', 'ズ', 'ゼ', 'ゾ']],
  ['t', ['タ', 'チ', 'ツ', 'テ', 'ト']],
  ['d', ['ダ', 'ヂ', 'ヅ', 'デ', 'ド']],
  ['n', ['ナ', 'ニ', 'ヌ', 'ネ', 'ノ']],
  ['h', ['ハ', 'ヒ', 'フ', 'ヘ', 'ホ']],
  ['b', ['バ', 'ビ', 'ブ', 'ベ', 'ボ']],
  ['p', ['パ', 'ピ', 'プ', 'ペ', 'ポ']],
  ['m', ['マ', 'ミ', 'ム', 'メ', 'モ']],
  ['y', ['ヤ', '', 'ユ', '', 'ヨ']],
  ['r', ['ラ', 'リ', 'ル', 'レ', 'ロ']],
  ['w', ['ワ', 'ヰ', '', 'ヱ', 'ヲ']],
];
const VOWELS = ['a', 'i', 'u', 'e', 'o'];
const KANA: Record<string, string> = { ン: 'n', ヴ: 'v', ッ: '', ー: '', ャ: 'ya', ュ: 'yu', ョ: 'yo', ァ: 'a', ィ: 'i', ゥ: 'u', ェ: 'e', ォ: 'o', ヮ: 'wa' };
for (const [consonant, row] of KANA_ROWS) {
  row.forEach((kana, i) => {
    if (kana) KANA[kana] = consonant + VOWELS[i]!;
  });
}
// Irregular readings that matter for loanwords.
Object.assign(KANA, { シ: 'shi', チ: 'chi', ツ: 'tsu', フ: 'fu', ジ: 'ji', ヂ: 'ji', ヅ: 'zu' });

const HANGUL_INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const HANGUL_VOWELS = ['a', 'ae', 'ya', 'yae', 'eo', 'e', 'yeo', 'ye', 'o', 'wa', 'wae', 'oe', 'yo', 'u', 'wo', 'we', 'wi', 'yu', 'eu', 'ui', 'i'];
const HANGUL_FINALS = ['', 'k', 'k', 'ks', 'n', 'nj', 'nh', 't', 'l', 'lk', 'lm', 'lb', 'ls', 'lt', 'lp', 'lh', 'm', 'p', 'ps', 't', 't', 'ng', 't', 't', 'k', 't', 'p', 't'];

/** Romanize Cyrillic, kana and Hangul; other characters pass through. Input: folded (lower-case) text. */
export function romanize(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xac00 && code <= 0xd7a3) {
      const s = code - 0xac00;
      out += HANGUL_INITIALS[Math.floor(s / 588)]! + HANGUL_VOWELS[Math.floor((s % 588) / 28)]! + HANGUL_FINALS[s % 28]!;
      continue;
    }
    // Hiragana → katakana, same table.
    const kana = code >= 0x3041 && code <= 0x3096 ? String.fromCodePoint(code + 0x60) : ch;
    out += CYRILLIC[ch] ?? KANA[kana] ?? ch;
  }
  return out;
}

/**
 * Consonant skeleton of a romanized, lower-case name; see the module comment.
 * Returns "" when fewer than 3 consonants remain (too short to tell names apart).
 */
export function nameSkeleton(romanized: string): string {
  const s = romanized
    .replace(/[^a-z]/g, '')
    .replace(/ph/g, 'f')
    .replace(/th/g, 's')
    .replace(/ts/g, 's')
    .replace(/ck|qu|q|c/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/ng/g, 'n')
    .replace(/[vw]/g, 'b')
    .replace(/l/g, 'r')
    .replace(/[aeiouyh]/g, '')
    .replace(/(.)\1+/g, '$1')
    .replace(/r$/, '');
  return s.length >= 3 ? s : '';
}
