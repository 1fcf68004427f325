/**
 * A loopback HTTP forwarder that stamps when each request has fully arrived
 * (`performance.now()` at the end of its body), then relays it unchanged to
 * the chat API imitation behind it and relays the answer back. The sinks talk
 * to the forwarder as if it were the API, so the stamp is the moment "the chat
 * API received the message", to the microsecond and without polling.
 *
 * The imitations in src/loopback record requests but not when they arrived;
 * see the report for the small hook that would make this forwarder unnecessary.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  method: string;
  path: string;
  /** performance.now() when the last byte of the request body arrived. */
  at: number;
  /** The upstream's status, once it answered. */
  status?: number;
}

export interface ArrivalForwarder {
  /** `http://127.0.0.1:PORT`: use it where the API origin goes. */
  readonly origin: string;
  readonly arrivals: Arrival[];
  close(): Promise<void>;
}

export async function startArrivalForwarder(upstreamOrigin: string): Promise<ArrivalForwarder> {
  const upstream = new URL(upstreamOrigin);
  const arrivals: Arrival[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrival: Arrival = { method: req.method ?? 'GET', path: req.url ?? '/', at: performance.now() };
      arrivals.push(arrival);
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.byteLength) };
      delete headers['transfer-encoding'];
      const relay = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          arrival.status = answer.statusCode;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      relay.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`forwarder: ${error.message}`);
      });
      relay.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
