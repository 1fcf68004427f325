import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

const TOKEN = '123456789:AAH-secret-telegram-token_xyz';

describe('createLogger', () => {
  it('GIVEN a secret anywhere in a record, message or error THEN it never reaches the output', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'debug', secrets: [TOKEN], destination: stream });
    const err = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`);
    log.error({ err, url: `https://api.telegram.org/bot${TOKEN}/getMe`, nested: { deeper: [TOKEN] } }, `sending with ${TOKEN}`);
    log.child({ token: 'plain-token-field' }).warn({ headers: { authorization: 'Bot abc.def' } }, 'child');
    const out = lines.join('');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('plain-token-field');
    expect(out).not.toContain('Bot abc.def');
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: 'sending with [redacted]', url: 'https://api.telegram.org/bot[redacted]/getMe' });
  });
});
