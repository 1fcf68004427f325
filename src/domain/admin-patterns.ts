/**
 * Regular expressions written by admins (`patterns:` in themes.yaml). They run
 * on RE2 (re2js), whose matching time is linear in the text whatever the
 * pattern: a pattern like `(a+)+$`, which takes a backtracking engine minutes
 * on a line of "aaaa…b", cannot stall the bot. All patterns of a taxonomy are
 * tested in one pass with an RE2 set; only those that matched are run again to
 * find their spans. Before that, a text that contains none of the literals the
 * patterns require (pattern-prefilter.ts) is skipped: most posts are.
 */
import { RE2JS, RE2Set } from 're2js';
import { requiredLiterals } from './pattern-prefilter.ts';
import { foldTerm } from './text.ts';

/** Longer patterns are refused: they are unreadable in review and costly to compile. */
export const MAX_PATTERN_LENGTH = 500;
/** Only this much of a field is searched by patterns (keywords see all of it). */
export const MAX_PATTERN_TEXT_CHARS = 200_000;
/** Spans reported per pattern and field; the score needs one, explanations a few. */
const MAX_SPANS_PER_PATTERN = 20;
const FLAGS = RE2JS.CASE_INSENSITIVE;

/**
 * Why an admin pattern cannot be used, or undefined when it can. Written for
 * the admin reading `radar config check`.
 */
export function checkAdminPattern(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, FLAGS);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return `not a valid RE2 regular expression (${message}); RE2 has no backreferences or lookarounds`;
  }
  if (re.test('')) return 'pattern matches empty text, so it would match every post: require at least one character';
  // Patterns see folded words (lower case, no accents), as keywords do.
  const letters = source.replace(/\\./g, '');
  if (foldTerm(letters) !== letters.toLowerCase()) {
    return `write the pattern without accents or special letters ("${foldTerm(letters)}"): it is matched against text folded to lower case without accents`;
  }
  return undefined;
}

export interface PatternSpan {
  /** Index of the pattern in the list given to {@link compilePatternSet}. */
  pattern: number;
  start: number;
  end: number;
}

/** A compiled list of admin patterns; see {@link compilePatternSet}. */
export interface PatternSet {
  readonly size: number;
  /** Spans of every pattern in `folded` (a post's folded words, see tagging.ts), in pattern order. */
  find(folded: string): PatternSpan[];
  /**
   * False when an ASCII text cannot match any pattern: checked on the text as
   * written, before it is folded into words, so most posts cost one search.
   */
  mayMatchAscii(raw: string): boolean;
  /**
   * False when a text with non-ASCII letters cannot match any pattern: every
   * required literal's longest word-part must be inside one word, either an
   * ASCII word of `raw` or one of `foldedWords` (the words that had other letters).
   */
  mayMatchWords(raw: string, foldedWords: readonly string[]): boolean;
  /**
   * {@link mayMatchAscii} for a text that folds in place (see `foldedInPlace`
   * in text.ts), given its folded form: lower case, and its words are where
   * the folded words the patterns see are, with separators between them. One
   * case-sensitive search, where {@link mayMatchWords} needed a
   * case-insensitive one over text with non-ASCII characters (slow) and
   * another over the joined words. Searches only the head that
   * {@link mayMatchAscii} would.
   */
  mayMatchFolded(folded: string): boolean;
}

/**
 * Compile admin patterns. Invalid ones are left out and reported in
 * `problems` (config validation reports them before they get here).
 */
export function compilePatternSet(sources: readonly string[]): { set: PatternSet; problems: string[] } {
  const problems: string[] = [];
  const compiled: { index: number; re: RE2JS }[] = [];
  const set = new RE2Set(RE2Set.UNANCHORED, FLAGS);
  sources.forEach((source, index) => {
    const problem = checkAdminPattern(source);
    if (problem) {
      problems.push(`pattern ${JSON.stringify(source)}: ${problem}`);
      return;
    }
    set.add(source);
    compiled.push({ index, re: RE2JS.compile(source, FLAGS) });
  });
  if (compiled.length > 0) set.compile();
  const literals = requiredLiteralsOf(compiled.map((c) => sources[c.index]!));
  const prefilter = literals && literalFilter(literals, false);
  const asciiPrefilter = literals && literalFilter(literals, true);
  const foldedPrefilter = literals && literalFilter(literals, true, true);
  const parts = literals && wordParts(literals);
  const rawParts = parts && parts.length > 0 ? new RegExp(parts.join('|'), 'i') : undefined;
  const foldedParts = parts && parts.length > 0 ? new RegExp(parts.join('|')) : undefined;
  return {
    problems,
    set: {
      size: compiled.length,
      mayMatchWords: (raw, foldedWords) => {
        if (compiled.length === 0) return false;
        if (!parts) return true;
        if (!rawParts || !foldedParts) return false; // no literal can occur in words at all
        const head = raw.length > MAX_PATTERN_TEXT_CHARS ? raw.slice(0, MAX_PATTERN_TEXT_CHARS * 2) : raw;
        return rawParts.test(head) || foldedParts.test(foldedWords.join('\n'));
      },
      mayMatchFolded: (folded) => compiled.length > 0 && (!foldedPrefilter || foldedPrefilter.test(folded.length > MAX_PATTERN_TEXT_CHARS ? folded.slice(0, MAX_PATTERN_TEXT_CHARS * 2) : folded)),
      mayMatchAscii: (raw) => compiled.length > 0 && (!asciiPrefilter || asciiPrefilter.test(raw.length > MAX_PATTERN_TEXT_CHARS ? raw.slice(0, MAX_PATTERN_TEXT_CHARS * 2) : raw)),
      find(folded: string): PatternSpan[] {
        if (compiled.length === 0) return [];
        const text = folded.length > MAX_PATTERN_TEXT_CHARS ? folded.slice(0, MAX_PATTERN_TEXT_CHARS) : folded;
        if (prefilter && !prefilter.test(text)) return [];
        const spans: PatternSpan[] = [];
        for (const id of set.match(text)) {
          const entry = compiled[id];
          if (!entry) continue;
          let n = 0;
          for (const m of entry.re.matchAll(text)) {
            if (m[0].length === 0) continue;
            spans.push({ pattern: entry.index, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
            if (++n >= MAX_SPANS_PER_PATTERN) break;
          }
        }
        return spans;
      },
    },
  };
}

/**
 * The longest word-part of each literal ("zk ml" → "zk"): a literal can only
 * appear in the words of a post if that part lies inside one word. Parts with
 * other characters than letters and digits can lie in no word (folding turned
 * them into spaces): their literals are dropped.
 */
function wordParts(literals: readonly string[]): string[] {
  const parts = new Set<string>();
  for (const literal of literals) {
    const pieces = literal.split(' ').filter((p) => p.length > 0);
    if (pieces.length === 0 || pieces.some((p) => !/^[a-z0-9]+$/.test(p))) continue;
    parts.add(pieces.reduce((a, b) => (b.length > a.length ? b : a)));
  }
  return [...parts];
}

/** Literals of which every match of some pattern contains one, or undefined when a pattern has none provable. */
function requiredLiteralsOf(sources: readonly string[]): string[] | undefined {
  if (sources.length === 0) return undefined;
  const literals = new Set<string>();
  for (const source of sources) {
    const required = requiredLiterals(source);
    if (!required) return undefined;
    for (const literal of required) literals.add(literal);
  }
  return [...literals].sort((a, b) => b.length - a.length);
}

/**
 * One search for any of the literals. On folded words they appear as they
 * are; on raw text (`raw`) a space in a literal stands for any run of
 * characters that are not letters or digits, which is what folding turns
 * into one space, and case is ignored unless the text is `lowerCase` already.
 * An alternation of plain literals cannot backtrack badly: its cost is
 * bounded by the text length times the (capped) literals' total length.
 */
function literalFilter(literals: readonly string[], raw: boolean, lowerCase = false): RegExp {
  const tokenized = literals.map((l) => [...l].map((ch) => (raw && ch === ' ' ? '[^a-z0-9]+' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))));
  // Text already in lower case needs no case-insensitive search, which is the slow kind.
  return new RegExp(alternationOf(tokenized), raw && !lowerCase ? 'i' : '');
}

interface LiteralTrie {
  end: boolean;
  next: Map<string, LiteralTrie>;
}

/**
 * The literals (as regexp tokens) as one alternation that shares their
 * prefixes ("zk(?:ml|llm)" rather than "zkml|zkllm"): the engine tries each
 * shared prefix once per position. A literal that extends another is left
 * out: wherever it occurs, the shorter one does too.
 */
function alternationOf(literals: readonly string[][]): string {
  const root: LiteralTrie = { end: false, next: new Map() };
  for (const tokens of literals) {
    let node = root;
    for (const token of tokens) {
      let child = node.next.get(token);
      if (!child) node.next.set(token, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const emit = (node: LiteralTrie): string => {
    if (node.end) return '';
    const branches = [...node.next].map(([token, child]) => token + emit(child));
    return branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
  };
  return emit(root);
}
