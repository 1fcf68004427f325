/** A feed item after normalization: the unit every later stage works on. */
export interface Post {
  /** Stable across polls and restarts: derived from the feed and the item's identity. */
  id: string;
  feedId: string;
  /** Display name of the source feed. */
  source: string;
  /** Canonical URL (tracking parameters removed). */
  url: string;
  title: string;
  /** Plain text of the item body, HTML removed. */
  text: string;
  /** Epoch ms; the fetch time when the feed gave no usable date. */
  publishedAt: number;
  fetchedAt: number;
  author?: string;
  categories: string[];
  /** Language hint from the item or the feed's configuration (BCP 47 primary subtag). */
  lang?: string;
  /** Weight of the source in catalyst ranking (1 = ordinary). */
  sourceWeight: number;
  /** Identity keys used to recognise the same item again. */
  guid?: string;
  titleHash: string;
}
