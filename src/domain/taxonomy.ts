/** What admins configure: themes and tokens, in the shape the tagger needs. */

export interface ThemeKeyword {
  /** Phrase as people write it; a trailing `*` matches any word ending ("descentraliza*"). */
  term: string;
  /** Language the phrase belongs to ("en", "pt", … or "any"). */
  lang: string;
  weight: number;
}

/** An admin-written regular expression (RE2 syntax) that counts for a theme like a keyword. */
export interface ThemePattern {
  /** Matched case-insensitively against text folded like keywords (lower case, no accents). */
  regex: string;
  /** Language the pattern is written for ("any" by default). */
  lang: string;
  weight: number;
}

export interface ThemeDef {
  id: string;
  name: string;
  keywords: ThemeKeyword[];
  /** Phrases that veto the theme for a post (e.g. "inference" in a statistics lecture). */
  exclude: string[];
  /** Tokens whose price this narrative moves. */
  tokens: string[];
  /** Minimum score for the theme to be tagged. */
  minScore: number;
  /** Admin regular expressions, run on a linear-time engine (see admin-patterns.ts). */
  patterns?: ThemePattern[];
}

export interface TokenDef {
  /** Ticker as traded today, e.g. "RENDER". */
  symbol: string;
  name: string;
  /**
   * Project and product names matched as phrases, ignoring case and accents,
   * except that for an ambiguous token, and in any name of several words,
   * the words written with a capital here must be capitalised in the post
   * ("Render Network", not "a render network").
   */
  names: string[];
  /** Older or alternative tickers matched like the symbol (RNDR for RENDER). */
  tickers: string[];
  /**
   * The ticker is also an ordinary word ("near", "render", "fet", "ai"):
   * a bare ticker then needs market context to count.
   */
  ambiguous: boolean;
}

export interface Taxonomy {
  themes: ThemeDef[];
  tokens: TokenDef[];
}
