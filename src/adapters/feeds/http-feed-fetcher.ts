/**
 * Fetch feeds over HTTP with undici's fetch: conditional GET, manual redirects
 * with loop detection, one timeout for the whole exchange, a byte cap counted
 * after decompression, and errors classified by what the operator should do.
 *
 * undici is the engine of Node's global fetch, imported as a package because
 * discord.js loads that same copy anyway: the global fetch would load Node's
 * own copy as well, a few more megabytes of code in a bot that counts them.
 */
import { fetch } from 'undici';
import { FeedError } from '../../app/ports.ts';
import type { FeedFetcher, FeedRequest, FetchResult } from '../../app/ports.ts';
import { decodeBody } from './decode.ts';
import { findAdvertisedFeeds, looksLikeHtmlPage } from './feed-parser.ts';

export interface HttpFeedFetcherOptions {
  /** Sent as User-Agent; some hosts block generic clients, so name the bot. */
  userAgent?: string;
  /** Redirects followed before giving up. */
  maxRedirects?: number;
  /**
   * Makes the signal that ends a fetch after `timeoutMs` (all hops and the body). Default
   * `AbortSignal.timeout`. Tests pass signals they fire themselves, so a cycle's timeouts are
   * driven by the test rather than by how busy the machine is.
   */
  deadline?: (timeoutMs: number) => AbortSignal;
  /**
   * Asked before each redirect is followed: why `to` is refused, or undefined to follow it. The bot
   * refuses redirects from a public address to a loopback, private or link-local one, so a feed cannot
   * make it request the local network (the URL check at `/feeds add` only sees the first address).
   */
  checkRedirect?: (from: URL, to: URL) => Promise<string | undefined>;
}

const DEFAULTS = {
  userAgent: 'NarrativeRadar/0.1 (+feed reader; conditional GET)',
  maxRedirects: 5,
  deadline: (timeoutMs: number) => AbortSignal.timeout(timeoutMs),
} as const satisfies Required<Omit<HttpFeedFetcherOptions, 'checkRedirect'>>;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/feed+json;q=0.9, ' +
  'application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5';
// fetch decompresses all three but only advertises gzip and deflate by default.
const ACCEPT_ENCODING = 'gzip, deflate, br';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Create a {@link FeedFetcher} backed by undici's fetch. Throws {@link FeedError}. */
export function createHttpFeedFetcher(options: HttpFeedFetcherOptions = {}): FeedFetcher {
  const userAgent = options.userAgent ?? DEFAULTS.userAgent;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const deadline = options.deadline ?? DEFAULTS.deadline;
  const checkRedirect = options.checkRedirect;

  return {
    async fetch(request: FeedRequest): Promise<FetchResult> {
      const headers: Record<string, string> = { 'user-agent': userAgent, accept: ACCEPT, 'accept-encoding': ACCEPT_ENCODING };
      if (request.etag) headers['if-none-match'] = request.etag;
      if (request.lastModified) headers['if-modified-since'] = request.lastModified;
      // One deadline for every redirect hop and the body read: a feed that trickles bytes must still end.
      const signal = deadline(request.timeoutMs);
      let url = toHttpUrl(request.url);
      const visited = new Set<string>([url.href]);

      try {
        for (let hop = 0; ; hop++) {
          const response = await fetch(url, { method: 'GET', headers, redirect: 'manual', signal });
          if (REDIRECT_STATUSES.has(response.status)) {
            await discard(response);
            const next = redirectTarget(response, url, request.url);
            if (visited.has(next.href)) {
              throw new FeedError(
                'http',
                `redirect loop: ${url.href} redirects back to ${next.href} (from ${request.url}). ` +
                  'Some sites loop to set a cookie, which this client does not keep; find a direct feed URL',
                { url: request.url, status: response.status, retryable: false },
              );
            }
            if (hop >= maxRedirects) {
              throw new FeedError('http', `too many redirects (more than ${maxRedirects}) starting at ${request.url}, last to ${next.href} — use the final feed URL`, {
                url: request.url,
                status: response.status,
                retryable: false,
              });
            }
            const refused = await checkRedirect?.(url, next);
            if (refused !== undefined) {
              throw new FeedError('http', `${url.href} redirects to ${next.href}, which is refused: ${refused}`, {
                url: request.url,
                status: response.status,
                retryable: false,
              });
            }
            visited.add(next.href);
            url = next;
            continue;
          }
          if (response.status === 304) {
            await discard(response);
            return { status: 'not-modified', finalUrl: url.href };
          }
          if (!response.ok) {
            await discard(response);
            throw statusError(response, url.href);
          }

          const bytes = await readCapped(response, request.maxBytes, url.href);
          const contentType = response.headers.get('content-type') ?? undefined;
          const body = decodeBody(bytes, contentType);
          if (isHtmlType(contentType) && looksLikeHtmlPage(body)) throw htmlPageError(body, url, contentType);
          return {
            status: 'ok',
            finalUrl: url.href,
            etag: response.headers.get('etag') ?? undefined,
            lastModified: response.headers.get('last-modified') ?? undefined,
            contentType,
            body,
          };
        }
      } catch (error) {
        throw translateError(error, url.href, request.timeoutMs, signal);
      }
    },
  };
}

function toHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new FeedError('http', `invalid feed URL ${JSON.stringify(raw)} — fix it in the feed configuration`, { url: raw, retryable: false, cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedError('http', `unsupported URL scheme "${url.protocol}" in ${raw} — only http and https feeds can be fetched`, { url: raw, retryable: false });
  }
  return url;
}

function redirectTarget(response: Response, from: URL, original: string): URL {
  const location = response.headers.get('location');
  if (!location) {
    throw new FeedError('http', `HTTP ${response.status} redirect without a Location header from ${from.href} — the server is misconfigured`, {
      url: original,
      status: response.status,
      retryable: true,
    });
  }
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (error) {
    throw new FeedError('http', `HTTP ${response.status} from ${from.href} redirects to an invalid URL ${JSON.stringify(location)}`, {
      url: original,
      status: response.status,
      retryable: false,
      cause: error,
    });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FeedError('http', `${from.href} redirects to ${next.href}, which is not http(s) — refusing to follow`, {
      url: original,
      status: response.status,
      retryable: false,
    });
  }
  return next;
}

/** Read the body, failing as soon as more than `maxBytes` (decompressed) arrive. */
async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase() || 'identity';
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // Without compression Content-Length is the decoded size: refuse before downloading.
  if (encoding === 'identity' && declared > maxBytes) {
    await discard(response);
    throw tooLarge(url, maxBytes, `Content-Length is ${declared} bytes`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes, encoding === 'identity' ? 'the body is larger' : `the ${encoding} body expands past that`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(url: string, maxBytes: number, detail: string): FeedError {
  return new FeedError('too-large', `feed at ${url} exceeds the ${maxBytes}-byte limit (${detail}) — raise feeds.defaults.maxBytes in feeds.yaml if the feed is genuine, or find a smaller feed`, {
    url,
    retryable: false,
  });
}

async function discard(response: Response): Promise<void> {
  // Unread bodies pin the connection; cancelling frees it for the next request.
  await response.body?.cancel().catch(() => undefined);
}

function statusError(response: Response, url: string): FeedError {
  const { status } = response;
  const what = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}`;
  const retryAfterMs = retryAfterMsOf(response);
  const asked = retryAfterMs === undefined ? '' : ` (Retry-After: ${response.headers.get('retry-after')})`;
  const details = (retryable: boolean) => {
    const d: { url: string; status: number; retryable: boolean; retryAfterMs?: number } = { url, status, retryable };
    if (retryAfterMs !== undefined) d.retryAfterMs = retryAfterMs;
    return d;
  };
  // A 404 is often temporary (a CMS migration, a CDN purge): back off and disable only if it persists.
  if (status === 404) return new FeedError('http', `${what} — no feed at this URL; check it (retried with backoff, disabled if it persists)`, details(true));
  if (status === 410) return new FeedError('gone', `${what} — the publisher removed this feed; remove it or find its new URL`, details(false));
  if (status === 429) return new FeedError('http', `${what} — rate limited${asked}; poll this feed less often`, details(true));
  if (status >= 500) return new FeedError('http', `${what} — the server failed${asked}; it will be retried`, details(true));
  if (status === 408 || status === 425) return new FeedError('http', `${what} — the server gave up waiting; it will be retried`, details(true));
  if (status === 401 || status === 403) {
    return new FeedError('http', `${what} — access denied: the feed needs credentials or blocks this client`, details(false));
  }
  return new FeedError('http', `${what} — the server refused the request; check the feed URL`, details(false));
}

/** Retry-After as a delay: delta-seconds, or an HTTP date measured against the response's own Date header. */
function retryAfterMsOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const sent = Date.parse(response.headers.get('date') ?? '');
  const delay = at - (Number.isNaN(sent) ? Date.now() : sent);
  return delay > 0 ? delay : undefined;
}

function isHtmlType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

function htmlPageError(body: string, url: URL, contentType: string | undefined): FeedError {
  const advertised = findAdvertisedFeeds(body).flatMap((href) => {
    try {
      return [new URL(href, url).href];
    } catch {
      return [];
    }
  });
  const advice = advertised.length > 0 ? `the page advertises ${advertised.slice(0, 3).join(', ')}; use that URL` : 'find the page\'s RSS or Atom link and use that URL';
  return new FeedError('not-a-feed', `${url.href} returned an HTML page (Content-Type: ${contentType}), not a feed — ${advice}`, {
    url: url.href,
    retryable: false,
  });
}

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function translateError(error: unknown, url: string, timeoutMs: number, signal: AbortSignal): FeedError {
  if (error instanceof FeedError) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError' || (signal.aborted && name === 'AbortError')) {
    return new FeedError('timeout', `timed out after ${timeoutMs} ms fetching ${url} — the server is slow or unreachable; it will be retried`, {
      url,
      retryable: true,
      cause: error,
    });
  }
  const cause = (error as { cause?: unknown } | undefined)?.cause as ErrorWithCode | undefined;
  const code = errorCode(cause) ?? errorCode(error as ErrorWithCode);
  const detail = typeof cause?.message === 'string' && cause.message ? cause.message : error instanceof Error ? error.message : String(error);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new FeedError('timeout', `timed out (${code}) fetching ${url} — the server is slow or unreachable; it will be retried`, {
      url,
      retryable: true,
      cause: error,
    });
  }
  return new FeedError('network', `network error fetching ${url}: ${networkAdvice(code, detail)}`, { url, retryable: true, cause: error });
}

function errorCode(error: ErrorWithCode | undefined): string | undefined {
  if (!error) return undefined;
  if (typeof error.code === 'string') return error.code;
  // Happy-eyeballs failures arrive as an AggregateError of per-address errors.
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors as ErrorWithCode[]) if (typeof inner?.code === 'string') return inner.code;
  }
  return undefined;
}

function networkAdvice(code: string | undefined, detail: string): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup failed (${code}): ${detail} — check the host name, or DNS on this machine`;
    case 'ECONNREFUSED':
      return `connection refused (${code}): ${detail} — the server is down or the port is wrong`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `the connection was dropped (${code}): ${detail} — usually transient`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable (${code}): ${detail} — check this machine's network`;
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'ERR_BROTLI_DECOMPRESSION_FAILED':
      return `the compressed response is corrupt (${code}): ${detail}`;
    default:
      if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) {
        return `TLS certificate problem (${code}): ${detail} — the site's HTTPS setup is broken`;
      }
      return code ? `${detail} (${code})` : detail;
  }
}
