/** RSS 2.0 rendering for the benchmark feed hosts, shaped like a typical news site's feed. */

export interface RssItem {
  title: string;
  link: string;
  guid: string;
  published: Date;
  /** Shown as the item's description (HTML, escaped into the XML). */
  html: string;
  author?: string;
  categories?: string[];
}

export interface RssChannel {
  title: string;
  link: string;
  language: string;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderRss(channel: RssChannel, items: readonly RssItem[]): string {
  const body = items
    .map(
      (item) =>
        `<item><title>${xml(item.title)}</title><link>${xml(item.link)}</link>` +
        `<guid isPermaLink="false">${xml(item.guid)}</guid><pubDate>${item.published.toUTCString()}</pubDate>` +
        (item.author ? `<dc:creator>${xml(item.author)}</dc:creator>` : '') +
        (item.categories ?? []).map((c) => `<category>${xml(c)}</category>`).join('') +
        `<description>${xml(item.html)}</description></item>`,
    )
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n` +
    `<channel><title>${xml(channel.title)}</title><link>${xml(channel.link)}</link>` +
    `<description>${xml(channel.title)} — latest news</description><language>${channel.language}</language>\n${body}\n</channel></rss>\n`
  );
}

/** Paragraphs → the HTML a CMS puts in <description>. */
export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => `<p>${xml(p)}</p>`).join('');
}
