/**
 * Literals a regular expression cannot match without: `\bsubnet\s*\d+` needs
 * "subnet", `erc ?8004` needs "erc8004" or "erc 8004", `zk ?(?:ml|llm)` needs
 * one of "zkml", "zk ml", "zkllm", "zk llm". A text containing none of them
 * cannot match, so the regex engine need not read it: most posts contain
 * none, and `String.prototype.includes` is far cheaper than a regex pass.
 *
 * The analysis is deliberately small and conservative (the idea of RE2's
 * prefilter): it understands literals, escapes, classes, groups, alternation
 * and quantifiers; anything else (flags, Unicode classes, non-ASCII letters)
 * yields `undefined`, meaning "always run the pattern". It must never
 * claim a literal that a match could lack: tests check it against RE2.
 */

/** What a sub-pattern can match: all of a small finite set of strings, or strings containing one of a set, or anything. */
type Info = { exact: Set<string> } | { contains: Set<string> } | { anything: true };

const MAX_EXACT = 16;
const MAX_LITERAL = 24;
const ANYTHING: Info = { anything: true };
const EMPTY: Info = { exact: new Set(['']) };

class Unsupported extends Error {}

/**
 * Lower-case literals one of which every match of `source` contains, or
 * undefined when no such set can be proved (the pattern must always run).
 * For patterns matched case-insensitively against lower-case text.
 */
export function requiredLiterals(source: string): string[] | undefined {
  try {
    const parser = new Parser(source);
    const info = parser.alternation();
    if (parser.pos !== source.length) return undefined;
    const set = containsSet(info);
    if (!set || set.size === 0 || [...set].some((s) => s.length === 0)) return undefined;
    return [...set];
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** The "must contain one of" form of an info, or undefined for no constraint. */
function containsSet(info: Info): Set<string> | undefined {
  if ('anything' in info) return undefined;
  const set = 'exact' in info ? info.exact : info.contains;
  if ([...set].some((s) => s.length === 0)) return undefined;
  return set;
}

/** Of two constraints that both hold, keep the more selective (whose shortest literal is longest). */
function stronger(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a) return b;
  if (!b) return a;
  const shortest = (s: Set<string>) => Math.min(...[...s].map((x) => x.length));
  return shortest(b) > shortest(a) ? b : a;
}

function concat(a: Info, b: Info): Info {
  if ('exact' in a && 'exact' in b && a.exact.size * b.exact.size <= MAX_EXACT) {
    const out = new Set<string>();
    for (const x of a.exact) for (const y of b.exact) out.add(x + y);
    if ([...out].every((s) => s.length <= MAX_LITERAL)) return { exact: out };
  }
  const best = stronger(containsSet(a), containsSet(b));
  return best ? { contains: best } : ANYTHING;
}

function alternate(branches: Info[]): Info {
  if (branches.every((b) => 'exact' in b)) {
    const out = new Set<string>();
    for (const b of branches) for (const s of (b as { exact: Set<string> }).exact) out.add(s);
    if (out.size <= MAX_EXACT) return { exact: out };
  }
  const out = new Set<string>();
  for (const b of branches) {
    const set = containsSet(b);
    if (!set) return ANYTHING;
    for (const s of set) out.add(s);
  }
  return { contains: out };
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  alternation(): Info {
    const branches = [this.concatenation()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.concatenation());
    }
    return branches.length === 1 ? branches[0]! : alternate(branches);
  }

  /**
   * A sequence: runs of exact parts multiply out ("erc" + " ?" + "8004"); a
   * part that is not exact ("\s*", "[xy]") ends the run, and the sequence
   * then requires the most selective of its runs and parts.
   */
  private concatenation(): Info {
    let run: Info = EMPTY;
    let best: Set<string> | undefined;
    let exact = true;
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const part = this.quantified();
      if ('exact' in part) {
        const joined = concat(run, part);
        if ('exact' in joined) {
          run = joined;
          continue;
        }
        best = stronger(best, containsSet(run));
        run = part;
      } else {
        best = stronger(stronger(best, containsSet(run)), containsSet(part));
        run = EMPTY;
      }
      exact = false;
    }
    if (exact) return run;
    best = stronger(best, containsSet(run));
    return best ? { contains: best } : ANYTHING;
  }

  private quantified(): Info {
    const atom = this.atom();
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.pos))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos))!;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same language
    if (this.peek() === '*' || this.peek() === '+' || this.peek() === '?') throw new Unsupported();
    if (min === 0) return max === 1 && 'exact' in atom ? alternate([EMPTY, atom]) : ANYTHING;
    // One or more: every match contains at least one copy of the atom.
    const set = containsSet(atom);
    return set ? { contains: set } : ANYTHING;
  }

  private atom(): Info {
    const c = this.src[this.pos++];
    switch (c) {
      case undefined:
        throw new Unsupported();
      case '(': {
        if (this.src.startsWith('?:', this.pos)) this.pos += 2;
        else if (this.src.startsWith('?<=', this.pos) || this.src.startsWith('?<!', this.pos)) throw new Unsupported();
        else if (this.src.startsWith('?P<', this.pos) || this.src.startsWith('?<', this.pos)) {
          const close = this.src.indexOf('>', this.pos);
          if (close < 0) throw new Unsupported();
          this.pos = close + 1;
        } else if (this.peek() === '?') throw new Unsupported(); // flags such as (?i) change what literals mean
        const inner = this.alternation();
        if (this.src[this.pos++] !== ')') throw new Unsupported();
        return inner;
      }
      case '[':
        this.skipClass();
        return ANYTHING;
      case '.':
        return ANYTHING;
      case '^':
      case '$':
        return EMPTY;
      case '\\':
        return this.escape();
      case ')':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case '|':
        throw new Unsupported();
      default:
        return literal(c);
    }
  }

  private escape(): Info {
    const c = this.src[this.pos++];
    if (c === undefined) throw new Unsupported();
    if (c === 'b' || c === 'B' || c === 'A' || c === 'z') return EMPTY;
    if ('dDsSwW'.includes(c)) return ANYTHING;
    if (c === 'p' || c === 'P') {
      if (this.peek() === '{') {
        const close = this.src.indexOf('}', this.pos);
        if (close < 0) throw new Unsupported();
        this.pos = close + 1;
      } else this.pos++;
      return ANYTHING;
    }
    // An escaped punctuation character is itself; letters and digits after "\" mean something else.
    if (/[\p{L}\p{N}]/u.test(c)) throw new Unsupported();
    return literal(c);
  }

  private skipClass(): void {
    if (this.peek() === '^') this.pos++;
    if (this.peek() === ']') this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c === '\\') this.pos++;
      else if (c === '[' && this.peek() === ':') {
        const close = this.src.indexOf(':]', this.pos);
        if (close < 0) throw new Unsupported();
        this.pos = close + 2;
      } else if (c === ']') return;
    }
    throw new Unsupported();
  }
}

function literal(c: string): Info {
  // Case folding beyond ASCII (Kelvin sign, long s…) is not modelled: give up rather than guess.
  if (c.charCodeAt(0) >= 0x80) throw new Unsupported();
  return { exact: new Set([c.toLowerCase()]) };
}
