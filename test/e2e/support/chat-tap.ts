/**
 * A recording proxy on 127.0.0.1 between the bot process and a loopback chat
 * fake. It lets everything through unchanged, but stops each *send* request at
 * three points so a test can kill the bot exactly there:
 *
 * - `received`: the request reached the machine of the platform but not the
 *   platform itself; answering `'drop'` discards it (the message is not posted);
 * - `accepted`: the platform processed it (the message is posted) and the
 *   answer is on its way; `'drop'` loses the answer (the bot never learns);
 * - `answered`: the answer has been handed to the bot's socket.
 *
 * Each send is recorded with the bot generation that made it and how far it got.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type SendPhase = 'received' | 'accepted' | 'answered';

export interface TappedSend {
  /** Order of arrival over the whole test. */
  seq: number;
  /** The bot process that sent it (the test's restart counter). */
  generation: number;
  method: string;
  path: string;
  /** JSON bodies parsed; other bodies as text. */
  body: unknown;
  /** Whether the platform got it. */
  forwarded: boolean;
  /** The platform's status, once it answered. */
  status?: number;
  /** True once the answer was handed to the bot's socket; false when it was dropped. */
  answered?: boolean;
}

export interface ChatTapOptions {
  /** The fake's origin, e.g. http://127.0.0.1:PORT. */
  upstream: string;
  /** Which requests are sends (the rest pass through unrecorded). */
  isSend(method: string, path: string): boolean;
  /** The generation to record on a send as it arrives. */
  generation(): number;
}

export interface ChatTap {
  readonly origin: string;
  readonly sends: readonly TappedSend[];
  /** Called at each point of each send; may kill the bot, then return 'drop' to cut the request or answer there. */
  onSend?: (send: TappedSend, phase: SendPhase) => Promise<'drop' | void> | 'drop' | void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(upstream: URL, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    delete headers.connection;
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (res) => {
      readAll(res).then((data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

function parseBody(body: Buffer, type: string | undefined): unknown {
  const text = body.toString('utf8');
  if (type?.startsWith('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function startChatTap(options: ChatTapOptions): Promise<ChatTap> {
  const upstream = new URL(options.upstream);
  const sends: TappedSend[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const path = new URL(req.url ?? '/', 'http://tap').pathname;
      const method = req.method ?? 'GET';
      if (!options.isSend(method, path)) {
        const answer = await forward(upstream, req, body);
        if (!res.destroyed) res.writeHead(answer.status, stripHopHeaders(answer.headers)).end(answer.body);
        return;
      }
      const send: TappedSend = { seq: seq++, generation: options.generation(), method, path, body: parseBody(body, req.headers['content-type']), forwarded: false };
      sends.push(send);
      if ((await tap.onSend?.(send, 'received')) === 'drop') return void req.socket.destroy();
      send.forwarded = true;
      const answer = await forward(upstream, req, body);
      send.status = answer.status;
      if ((await tap.onSend?.(send, 'accepted')) === 'drop' || res.destroyed) {
        send.answered = false;
        return void req.socket.destroy();
      }
      res.writeHead(answer.status, stripHopHeaders(answer.headers)).end(answer.body, () => {
        send.answered = true;
        void tap.onSend?.(send, 'answered');
      });
    })().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502, { 'content-type': 'text/plain' }).end(`chat tap: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tap: ChatTap = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sends,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return tap;
}

function stripHopHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  delete out.connection;
  delete out['keep-alive'];
  delete out['transfer-encoding'];
  return out;
}
