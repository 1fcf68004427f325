/**
 * A loopback HTTP server that imitates feed hosts: per-path routes with a
 * status, headers, a (compressed) body, redirects, slow or stalled responses,
 * and validator handling (ETag / Last-Modified → 304) like a real CDN.
 * Hostile hosts too: a body dripped forever, an endless body, a gzip bomb
 * generated as it is read, and connections reset mid-headers or mid-body.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { brotliCompressSync, constants as zlibConstants, createGzip, deflateSync, gzipSync } from 'node:zlib';

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
  /** Send the headers, then `bytes` of the body (cycling through it) every `everyMs`, forever. */
  drip?: { bytes: number; everyMs: number };
  /** Send the headers, then the body repeated forever, as fast as the client reads. */
  endless?: boolean;
  /**
   * A gzip body that inflates to `expandsToBytes` (an RSS opening, then spaces). It is compressed
   * as the client reads, so the server never holds it: only the client's byte cap stops it.
   */
  gzipBomb?: { expandsToBytes: number };
  /** Write part of the status line and headers, then drop the connection. */
  resetMidHeaders?: boolean;
  /** Send the headers (with the full Content-Length) and this many body bytes, then drop the connection. */
  resetAfterBytes?: number;
  /** Full control, for anything the options above cannot express. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** What a streamed route (drip, endless, gzip bomb) produced before the client stopped reading. */
export interface StreamedBytes {
  /** Body bytes generated, before compression. */
  plain: number;
  /** Bytes written to the socket (compressed, for the bomb). */
  wire: number;
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
  /** Per path, totals over every request to a streamed route. */
  readonly streamed: Map<string, StreamedBytes>;
  close(): Promise<void>;
}

/** Start a feed server on 127.0.0.1 with an ephemeral port. Unknown paths get 404. */
export async function startFeedServer(routes: Record<string, FeedRoute> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const streamed = new Map<string, StreamedBytes>();
  const counterFor = (path: string): StreamedBytes => {
    let counter = streamed.get(path);
    if (!counter) streamed.set(path, (counter = { plain: 0, wire: 0 }));
    return counter;
  };
  // Drip timers outlive their responses when a test forgets a route: close() clears them.
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
      return;
    }
    serve(route, req, res, { counter: () => counterFor(path), timers });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, route) => void table.set(path, route),
    requests,
    streamed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        timers.clear();
        // Stalled and hanging responses keep sockets open; close() alone would wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface StreamContext {
  counter: () => StreamedBytes;
  timers: Set<NodeJS.Timeout>;
}

function serve(route: FeedRoute, req: IncomingMessage, res: ServerResponse, ctx: StreamContext): void {
  if (route.handler) return route.handler(req, res);
  if (route.hang) return;
  if (route.resetMidHeaders) {
    // Raw bytes on the socket: the client sees a response that stops inside its headers.
    res.socket?.end('HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Le', () => res.socket?.destroy());
    return;
  }

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

  if (route.gzipBomb) return serveGzipBomb(route.gzipBomb.expandsToBytes, status, headers, res, ctx.counter());
  if (route.endless) return serveEndless(body, status, headers, res, ctx.counter());
  if (route.drip) return serveDrip(body, route.drip, status, headers, res, ctx);
  if (route.resetAfterBytes !== undefined) {
    res.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
    res.write(body.subarray(0, route.resetAfterBytes), () => res.socket?.destroy());
    return;
  }
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

function serveDrip(body: Buffer, drip: { bytes: number; everyMs: number }, status: number, headers: Record<string, string>, res: ServerResponse, ctx: StreamContext): void {
  const source = body.byteLength > 0 ? body : Buffer.from(' ');
  const counter = ctx.counter();
  res.writeHead(status, headers);
  let offset = 0;
  const timer = setInterval(() => {
    const slice = Buffer.alloc(drip.bytes);
    for (let i = 0; i < drip.bytes; i++) slice[i] = source[(offset + i) % source.byteLength]!;
    offset += drip.bytes;
    counter.plain += slice.byteLength;
    counter.wire += slice.byteLength;
    res.write(slice);
  }, drip.everyMs);
  ctx.timers.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    ctx.timers.delete(timer);
  });
}

function serveEndless(body: Buffer, status: number, headers: Record<string, string>, res: ServerResponse, counter: StreamedBytes): void {
  const chunk = Buffer.concat(Array.from({ length: Math.max(1, Math.ceil(65_536 / Math.max(1, body.byteLength))) }, () => body.byteLength > 0 ? body : Buffer.from(' ')));
  res.writeHead(status, headers);
  let closed = false;
  res.on('close', () => (closed = true));
  const pump = (): void => {
    // Write until the socket pushes back, then wait for it to drain: the client's pace sets ours.
    while (!closed) {
      counter.plain += chunk.byteLength;
      counter.wire += chunk.byteLength;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function serveGzipBomb(expandsToBytes: number, status: number, headers: Record<string, string>, res: ServerResponse, counter: StreamedBytes): void {
  const opening = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>');
  const filler = Buffer.alloc(1 << 20, 0x20);
  let remaining = expandsToBytes;
  const plain = new Readable({
    // Generated on demand: nothing is produced faster than gzip and the socket consume it.
    read() {
      if (remaining <= 0) return void this.push(null);
      const next = remaining === expandsToBytes ? opening : filler.subarray(0, Math.min(filler.byteLength, remaining));
      remaining -= next.byteLength;
      counter.plain += next.byteLength;
      this.push(next);
    },
  });
  const gzip = createGzip({ level: zlibConstants.Z_BEST_COMPRESSION });
  gzip.on('data', (compressed: Buffer) => (counter.wire += compressed.byteLength));
  res.writeHead(status, { ...headers, 'content-encoding': 'gzip' });
  plain.pipe(gzip).pipe(res);
  res.on('close', () => {
    plain.destroy();
    gzip.destroy();
  });
}
