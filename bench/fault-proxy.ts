/**
 * A loopback HTTP proxy that forwards to one upstream (a loopback fake) and,
 * when its policy says so, answers in the upstream's place with a fault: an
 * HTTP error with the platform's own body and headers, a dropped connection
 * (before the request reaches the upstream, or after it was processed, so the
 * platform acted but the client never learns), a delay (for client timeouts),
 * or a replacement body (malformed XML from a feed host). The fakes stay
 * untouched; the soak turns faults off for its final drain.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault =
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  /** Close the socket unanswered, without forwarding. */
  | { kind: 'reset' }
  /** Forward, let the upstream act, then close the socket instead of relaying its answer. */
  | { kind: 'drop-response' }
  /** Wait this long, then forward (a client timeout usually ends it first). */
  | { kind: 'delay'; ms: number };

/** Decides per request; undefined forwards it unchanged. */
export type FaultPolicy = (req: http.IncomingMessage) => ProxyFault | undefined;

export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** While false every request is forwarded unchanged. */
  enabled: boolean;
  /** Faults injected so far, by label ("status-429", "reset", …), and requests forwarded. */
  readonly stats: { forwarded: number; injected: Record<string, number> };
  close(): Promise<void>;
}

/** Start a proxy in front of `upstream` (`http://127.0.0.1:PORT`). */
export async function startFaultProxy(upstream: string, policy: FaultPolicy): Promise<FaultProxy> {
  const target = new URL(upstream);
  // Keep-alive towards the fake, as a client library would towards the platform.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { forwarded: 0, injected: {} as Record<string, number> };
  const state = { enabled: true };
  const timers = new Set<NodeJS.Timeout>();
  const count = (label: string) => (stats.injected[label] = (stats.injected[label] ?? 0) + 1);

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, dropResponse: boolean) => {
    stats.forwarded++;
    const upstreamReq = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
      (upstreamRes) => {
        if (dropResponse) {
          // The platform has done the work; the client sees a connection reset.
          upstreamRes.resume();
          upstreamRes.once('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => req.socket.destroy());
    // A client that gives up (timeout) must not leave the upstream request hanging.
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  };

  const server = http.createServer((req, res) => {
    const fault = state.enabled ? policy(req) : undefined;
    if (fault === undefined) return forward(req, res, false);
    switch (fault.kind) {
      case 'status':
        count(`status-${fault.status}`);
        // Drain the body so the keep-alive socket stays usable.
        req.resume();
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers, 'content-length': String(Buffer.byteLength(fault.body)) });
        res.end(fault.body);
        return;
      case 'reset':
        count('reset');
        req.socket.destroy();
        return;
      case 'drop-response':
        count('drop-response');
        forward(req, res, true);
        return;
      case 'delay': {
        count('delay');
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!req.socket.destroyed) forward(req, res, false);
        }, fault.ms);
        timers.add(timer);
        // The client gave up: forget the timer now rather than when it fires.
        req.socket.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    get enabled() {
      return state.enabled;
    },
    set enabled(on: boolean) {
      state.enabled = on;
    },
    stats,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * Discord's 429 for an exhausted route bucket, as Discord sends it: the JSON body
 * with `retry_after` in seconds, `Retry-After` (whole seconds) and the bucket headers.
 */
export function discordRateLimited(retryAfterSeconds: number, nowMs: number): ProxyFault {
  const resetAt = nowMs / 1000 + retryAfterSeconds;
  return {
    kind: 'status',
    status: 429,
    body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false }),
    headers: {
      'retry-after': String(Math.ceil(retryAfterSeconds)),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': resetAt.toFixed(3),
      'x-ratelimit-reset-after': retryAfterSeconds.toFixed(3),
      'x-ratelimit-bucket': 'f4k3ch4nn3lm3ss4g3s',
      'x-ratelimit-scope': 'user',
    },
  };
}

/** Telegram's flood-control answer: 429 with `parameters.retry_after` in whole seconds. */
export function telegramRateLimited(retryAfterSeconds: number): ProxyFault {
  return {
    kind: 'status',
    status: 429,
    body: JSON.stringify({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfterSeconds}`, parameters: { retry_after: retryAfterSeconds } }),
  };
}

/** A 5xx in the platform's words (Discord's `{message, code}`, Telegram's `{ok:false,…}`). */
export function serverError(platform: 'discord' | 'telegram', status: 500 | 502 | 503): ProxyFault {
  const text = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status];
  const body = platform === 'discord' ? { message: `${status}: ${text}`, code: 0 } : { ok: false, error_code: status, description: text };
  return { kind: 'status', status, body: JSON.stringify(body) };
}
