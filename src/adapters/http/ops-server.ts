/**
 * The operations endpoint (off unless HTTP_PORT is set): GET /healthz for
 * orchestrators and uptime checks, GET /metrics for Prometheus. Plain
 * node:http: two read-only routes do not need a framework.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthReport, StageName } from '../../app/health.ts';
import type { Logger } from '../../app/ports.ts';
import type { DatabaseCheck } from '../sqlite/database-probe.ts';

export interface OpsServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Default 127.0.0.1: metrics name feeds and destinations, so they are not published unless asked. */
  host?: string;
  health: () => HealthReport;
  database: () => DatabaseCheck;
  registry: Registry;
  log: Logger;
}

export interface OpsServer {
  /** http://HOST:PORT with the bound port. */
  readonly url: string;
  /** Stop accepting, let in-flight requests finish, drop idle keep-alive connections. */
  close(): Promise<void>;
}

export interface HealthBody {
  status: 'ok' | 'unhealthy';
  db: DatabaseCheck;
  stages: Partial<Record<StageName, { lastSuccessAt: string | null; lastFailureAt?: string; lastError?: string; staleAfterSeconds: number; stale: boolean }>>;
  problems: string[];
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The /healthz answer: 503 when the database refuses writes or a stage has gone stale. */
export function healthBody(report: HealthReport, db: DatabaseCheck): { status: number; body: HealthBody } {
  const problems = [...(db.writable ? [] : [`database not writable: ${db.error ?? 'unknown reason'}`]), ...report.problems];
  const stages: HealthBody['stages'] = {};
  for (const [name, s] of Object.entries(report.stages) as [StageName, NonNullable<HealthReport['stages'][StageName]>][]) {
    stages[name] = {
      lastSuccessAt: iso(s.lastSuccessAt) ?? null,
      ...(s.lastFailureAt !== undefined ? { lastFailureAt: iso(s.lastFailureAt), lastError: s.lastError } : {}),
      staleAfterSeconds: Math.round(s.staleAfterMs / 1000),
      stale: s.stale,
    };
  }
  const ok = problems.length === 0;
  return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'unhealthy', db, stages, problems } };
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

async function route(options: OpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ops').pathname;
  const head = req.method === 'HEAD';
  if (path !== '/healthz' && path !== '/metrics') return send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n', head);
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed: use GET\n', false);
  }
  if (path === '/healthz') {
    const { status, body } = healthBody(options.health(), options.database());
    return send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`, head);
  }
  send(res, 200, options.registry.contentType, await options.registry.metrics(), head);
}

/** Listen on host:port. Rejects with an actionable message when the port is taken or the host is wrong. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log.child({ component: 'ops-http' });
  const server = createServer((req, res) => {
    route(options, req, res).catch((err: unknown) => {
      log.error({ err, path: req.url }, 'ops endpoint failed (bug?)');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error: see the bot log\n', false);
      else res.destroy();
    });
  });
  // A scraper that opens a connection and never sends a request must not hold shutdown.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'EADDRINUSE' ? 'another process uses it: pick another HTTP_PORT or stop that process'
        : err.code === 'EACCES' ? 'ports below 1024 need privileges: use e.g. HTTP_PORT=9464'
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? 'HTTP_HOST is not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface'
        : 'check HTTP_HOST and HTTP_PORT';
      reject(new Error(`cannot serve /healthz and /metrics on ${host}:${options.port}: ${err.code ?? err.message}; ${hint}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url }, 'serving /healthz and /metrics');

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      })),
  };
}
