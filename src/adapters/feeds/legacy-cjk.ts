/**
 * Chinese, Japanese and Korean feeds from before UTF-8 (Shift_JIS, EUC-JP,
 * GBK, Big5, EUC-KR) that do not say so. Their bytes are not UTF-8, and read as
 * windows-1252 they turn into mojibake that no theme phrase matches. Without a
 * declaration, the feed's own language tag (`<language>ja</language>`,
 * `xml:lang="zh-TW"`) names the candidates; a candidate is used only if it
 * decodes every byte and what it reads is CJK text. No tag, no guess: from the
 * bytes alone GB18030 "decodes" anything.
 */
import iconv from 'iconv-lite';

/** Candidate charsets by language tag (lower case), most common first. */
const CANDIDATES: readonly [RegExp, readonly string[]][] = [
  [/^ja\b/, ['shift_jis', 'euc-jp']],
  [/^zh-(tw|hk|mo|hant)\b/, ['big5']],
  [/^zh\b/, ['gb18030', 'big5']],
  [/^ko\b/, ['euc-kr']],
];

/** Share of a candidate's non-ASCII characters that must be CJK (ideographs, kana, Hangul, CJK and full-width punctuation). */
const MIN_CJK_SHARE = 0.9;
const CJK = /[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;

/** The language tag a feed gives itself, read from its ASCII head. */
function declaredLanguage(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8_192)).toString('latin1');
  const match =
    /<(?:dc:)?language>\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*<\//.exec(head) ?? /\bxml:lang\s*=\s*["']([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)["']/.exec(head);
  return match?.[1]?.toLowerCase().replace(/_/g, '-');
}

function cjkShare(text: string): number {
  let other = 0;
  let cjk = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (ch === '\ufffd') return 0;
    if (CJK.test(ch)) cjk++;
    else other++;
  }
  return cjk + other === 0 ? 0 : cjk / (cjk + other);
}

/** The text and charset of a legacy CJK feed that does not declare its encoding, if it is one. */
export function decodeUndeclaredCjk(bytes: Uint8Array): { text: string; charset: string } | undefined {
  const language = declaredLanguage(bytes);
  const charsets = language === undefined ? undefined : CANDIDATES.find(([tag]) => tag.test(language))?.[1];
  if (!charsets) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let best: { text: string; charset: string; share: number } | undefined;
  for (const charset of charsets) {
    const text = iconv.decode(buffer, charset);
    const share = cjkShare(text);
    if (share >= MIN_CJK_SHARE && share > (best?.share ?? 0)) best = { text, charset, share };
  }
  return best && { text: best.text, charset: best.charset };
}
