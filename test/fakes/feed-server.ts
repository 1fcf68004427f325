/**
 * A loopback HTTP server that imitates feed hosts: per-path routes with a
 * status, headers, a (compressed) body, redirects, slow or stalled responses,
 * and validator handling (ETag / Last-Modified → 304) like a real CDN.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

export interface FeedRoute {
  /** Default 200 (or 301 with `redirectTo`). */
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Compress the body and set Content-Encoding. */
  encoding?: 'gzip' | 'br' | 'deflate';
  /** Send a Location header (resolved by the client against the request URL). */
  redirectTo?: string;
  /** Served as ETag; a request whose If-None-Match matches gets 304. */
  etag?: string;
  /** Served as Last-Modified; a request whose If-Modified-Since equals it gets 304. */
  lastModified?: string;
  /** Send the headers, then this many bytes of body, then stall until the client gives up. */
  stallAfterBytes?: number;
  /** Never send a response at all. */
  hang?: boolean;
  /** Omit Content-Length so the body is sent chunked. */
  chunked?: boolean;
  /** Full control, for anything the options above cannot express. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FeedServer {
  /** Origin, e.g. "http://127.0.0.1:41234". */
  readonly origin: string;
  url(path: string): string;
  route(path: string, route: FeedRoute): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Start a feed server on 127.0.0.1 with an ephemeral port. Unknown paths get 404. */
export async function startFeedServer(routes: Record<string, FeedRoute> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
      return;
    }
    serve(route, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, route) => void table.set(path, route),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled and hanging responses keep sockets open; close() alone would wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serve(route: FeedRoute, req: IncomingMessage, res: ServerResponse): void {
  if (route.handler) return route.handler(req, res);
  if (route.hang) return;

  const headers: Record<string, string> = { ...route.headers };
  if (route.etag) headers.etag = route.etag;
  if (route.lastModified) headers['last-modified'] = route.lastModified;
  if (route.redirectTo !== undefined) headers.location = route.redirectTo;

  const etagMatches = route.etag !== undefined && req.headers['if-none-match'] === route.etag;
  const dateMatches = route.lastModified !== undefined && req.headers['if-modified-since'] === route.lastModified;
  if (etagMatches || dateMatches) {
    res.writeHead(304, headers).end();
    return;
  }

  let body = typeof route.body === 'string' ? Buffer.from(route.body, 'utf8') : Buffer.from(route.body ?? new Uint8Array(0));
  if (route.encoding) {
    body = route.encoding === 'gzip' ? gzipSync(body) : route.encoding === 'br' ? brotliCompressSync(body) : deflateSync(body);
    headers['content-encoding'] = route.encoding;
  }
  const status = route.status ?? (route.redirectTo !== undefined ? 301 : 200);

  if (route.stallAfterBytes !== undefined) {
    res.writeHead(status, headers);
    res.write(body.subarray(0, route.stallAfterBytes));
    return; // never ends
  }
  if (!route.chunked) headers['content-length'] = String(body.byteLength);
  res.writeHead(status, headers);
  if (route.chunked) {
    // Several writes so the client sees a stream, not one buffer.
    const size = Math.max(1, Math.ceil(body.byteLength / 8));
    for (let i = 0; i < body.byteLength; i += size) res.write(body.subarray(i, i + size));
    res.end();
  } else {
    res.end(body);
  }
}
