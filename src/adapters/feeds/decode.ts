/**
 * Bytes → text for feed documents.
 *
 * Feeds declare their encoding in up to three places that often disagree
 * (server defaults, copy-pasted prologs). We pick the most reliable signal
 * and never throw: a feed with a bogus charset is decoded as UTF-8 (or as
 * windows-1252 when the bytes cannot be UTF-8) rather than dropped.
 */
import iconv from 'iconv-lite';
import { decodeUndeclaredCjk } from './legacy-cjk.ts';

/** Where the charset used to decode a body came from. */
export type CharsetSource = 'bom' | 'sniffed' | 'header' | 'prolog' | 'default';

export interface DecodedBody {
  text: string;
  /** The charset actually used (normalised iconv-lite / WHATWG name). */
  charset: string;
  source: CharsetSource;
}

// Node 20's TextDecoder is only trusted for UTF-8; everything else goes through iconv-lite
// (TextDecoder('windows-1252') drops 0x80–0x9F on Node 20.20).
const utf8Lenient = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Labels browsers decode differently from their literal name (WHATWG Encoding
 * Standard): servers that say ISO-8859-1 almost always mean windows-1252 (curly
 * quotes at 0x91–0x94), and GB2312 pages use the GBK/GB18030 superset.
 */
const LABEL_ALIASES: Readonly<Record<string, string>> = {
  'utf8': 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  'iso_8859-1': 'windows-1252',
  'latin1': 'windows-1252',
  'l1': 'windows-1252',
  'cp819': 'windows-1252',
  'ibm819': 'windows-1252',
  'us-ascii': 'windows-1252',
  'ascii': 'windows-1252',
  'cp1252': 'windows-1252',
  'x-cp1252': 'windows-1252',
  'gb2312': 'gb18030',
  'gbk': 'gb18030',
  'x-gbk': 'gb18030',
  'csgb2312': 'gb18030',
  'chinese': 'gb18030',
  'unicode': 'utf-16le',
  'ucs-2': 'utf-16le',
};

const WIDE_ENCODING = /^(utf-?16|utf-?32|ucs-?2|ucs-?4|unicode)/;

/**
 * Decode a feed body to a string. The charset is taken from, in order: a byte
 * order mark, the UTF-16/32 NUL pattern of a leading `<`, the Content-Type
 * `charset` parameter, the XML prolog's `encoding=`, else UTF-8. Unknown labels
 * are ignored. Two common mislabellings are repaired: strictly valid multi-byte
 * UTF-8 labelled ISO-8859-1 is read as UTF-8, and "UTF-8" bytes without a single
 * valid multi-byte sequence are read as windows-1252. Stray bytes that are not
 * UTF-8 inside UTF-8 text are read as windows-1252 characters rather than
 * U+FFFD. The BOM is stripped. Never throws.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string): string {
  return decodeBodyDetailed(bytes, contentType).text;
}

/** {@link decodeBody}, also reporting which charset was used and why. */
export function decodeBodyDetailed(bytes: Uint8Array, contentType?: string): DecodedBody {
  // A BOM is a fact about the bytes; a header is often a server-wide default.
  // Browsers let the BOM win for the same reason, so it is checked first.
  const bom = detectBom(bytes);
  if (bom) return finish(decodeWith(bom.charset, bytes.subarray(bom.length)), bom.charset, 'bom');

  // NUL bytes around '<' can only mean UTF-16/32; any declaration saying otherwise is wrong.
  const sniffed = sniffWideEncoding(bytes);
  if (sniffed) return finish(decodeWith(sniffed, bytes), sniffed, 'sniffed');

  const declared = resolveLabel(charsetFromContentType(contentType), 'header') ?? resolveLabel(charsetFromProlog(bytes), 'prolog');
  if (declared && declared.charset !== 'utf-8') {
    // Servers that label everything ISO-8859-1 (an old Apache default) serve UTF-8 files
    // under that label. Strictly valid UTF-8 with multi-byte sequences is never plausible
    // windows-1252 text ("Ã©" pairs), so the bytes win over the label in that one case.
    if (declared.charset === 'windows-1252' && hasHighBytes(bytes)) {
      const utf8 = tryStrictUtf8(bytes);
      if (utf8 !== undefined) return finish(utf8, 'utf-8', 'sniffed');
    }
    return finish(decodeWith(declared.charset, bytes), declared.charset, declared.source);
  }
  return decodeProbablyUtf8(bytes, declared?.source ?? 'default');
}

/** Read the `charset` parameter of a Content-Type header value, unquoted and lower-cased. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*["']?([^"';,\s]+)/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

function charsetFromProlog(bytes: Uint8Array): string | undefined {
  // The prolog is ASCII in every ASCII-compatible encoding, so latin1 reads it safely.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:+-]+)\s*["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

function resolveLabel(label: string | undefined, source: 'header' | 'prolog'): { charset: string; source: CharsetSource } | undefined {
  if (!label) return undefined;
  const charset = LABEL_ALIASES[label] ?? label;
  // Without a BOM or NUL pattern the bytes are ASCII-compatible, so a UTF-16/32 label is a lie.
  if (WIDE_ENCODING.test(charset)) return undefined;
  if (charset !== 'utf-8' && !iconv.encodingExists(charset)) return undefined;
  return { charset, source };
}

function detectBom(bytes: Uint8Array): { charset: string; length: number } | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { charset: 'utf-8', length: 3 };
  // UTF-32LE's BOM starts with UTF-16LE's, so it must be checked first.
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { charset: 'utf-32le', length: 4 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { charset: 'utf-32be', length: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { charset: 'utf-16be', length: 2 };
  return undefined;
}

/** XML 1.0 Appendix F: a document must start with '<' (or whitespace), which fixes the NUL layout. */
function sniffWideEncoding(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  const [b0, b1, b2, b3] = bytes as unknown as [number, number, number, number];
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'utf-32be';
  if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) return 'utf-16be';
  if (b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) return 'utf-16le';
  return undefined;
}

/**
 * UTF-8 was declared or assumed. Valid UTF-8 is the common case (one native
 * pass). Invalid bytes in a feed tagged Chinese, Japanese or Korean are tried
 * as that language's legacy charsets (see {@link decodeUndeclaredCjk}). If the
 * bytes are invalid and contain no valid multi-byte sequence at
 * all, the feed is legacy 8-bit text mislabelled or unlabelled (common for
 * Portuguese and Spanish sites), and windows-1252 recovers it; a mostly valid
 * UTF-8 body with a few stray bytes keeps UTF-8 and reads the strays as
 * windows-1252 (see {@link decodeUtf8}).
 */
function decodeProbablyUtf8(bytes: Uint8Array, source: CharsetSource): DecodedBody {
  const strict = tryStrictUtf8(bytes);
  if (strict !== undefined) return finish(strict, 'utf-8', source);
  const cjk = decodeUndeclaredCjk(bytes);
  if (cjk) return finish(cjk.text, cjk.charset, 'sniffed');
  if (!hasValidMultibyteUtf8(bytes)) return finish(decodeWith('windows-1252', bytes), 'windows-1252', source);
  return finish(decodeUtf8WithStrays(bytes), 'utf-8', source);
}

/**
 * UTF-8, with each byte that does not belong to a valid sequence read as
 * windows-1252. Feeds assembled from several sources mix in Latin-1 text
 * ("Espa\xf1a" in a UTF-8 feed): the stray byte is almost always that
 * character, and U+FFFD would destroy it.
 */
function decodeUtf8(bytes: Uint8Array): string {
  return tryStrictUtf8(bytes) ?? decodeUtf8WithStrays(bytes);
}

function decodeUtf8WithStrays(bytes: Uint8Array): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += utf8Lenient.decode(bytes.subarray(runStart, i)) + windows1252Char(bytes[i]!);
    i++;
    runStart = i;
  }
  return out + utf8Lenient.decode(bytes.subarray(runStart));
}

/** Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF), else 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  if (i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

let windows1252High: string | undefined;
function windows1252Char(byte: number): string {
  windows1252High ??= iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, k) => 0x80 + k)), 'windows-1252');
  return byte < 0x80 ? String.fromCharCode(byte) : windows1252High[byte - 0x80]!;
}

function tryStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

function hasValidMultibyteUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (lead < 0x80) continue;
    const continuation = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (continuation === 0 || i + continuation >= bytes.length) continue;
    let valid = true;
    for (let k = 1; k <= continuation && valid; k++) valid = (bytes[i + k]! & 0xc0) === 0x80;
    if (valid) return true;
  }
  return false;
}

function decodeWith(charset: string, bytes: Uint8Array): string {
  if (charset === 'utf-8') return decodeUtf8(bytes);
  try {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset);
  } catch {
    return utf8Lenient.decode(bytes);
  }
}

function finish(text: string, charset: string, source: CharsetSource): DecodedBody {
  // iconv-lite and TextDecoder strip a BOM they see, but a BOM repeated after one
  // (or one iconv-lite does not know) would still break the XML parser.
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, charset, source };
}
