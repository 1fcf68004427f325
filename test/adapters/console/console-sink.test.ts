import { describe, expect, it } from 'vitest';
import { createConsoleSink } from '../../../src/adapters/console/console-sink.ts';
import { DeliveryError, RESENT_NOTE } from '../../../src/app/ports.ts';
import { sampleMoveAlert, sampleNoticeAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const ESC = '\u001B';
const SEPARATOR = '─'.repeat(72);

function recorder(): { write: (text: string) => void; chunks: string[] } {
  const chunks: string[] = [];
  return { write: (text) => void chunks.push(text), chunks };
}

describe('createConsoleSink', () => {
  it('GIVEN a notice THEN one plain block and a separator in a single write', async () => {
    const out = recorder();
    await createConsoleSink({ write: out.write }).send(sampleNoticeAlert(), 'd1');
    expect(out.chunks).toEqual([
      [
        '[LOW] Feed "Decrypt" failing',
        'The feed returned HTTP 503 for 3 hours; it is retried every 15 minutes.',
        '  — Admin notice · feed health',
        SEPARATOR,
        '',
      ].join('\n'),
    ]);
  });

  it('GIVEN a re-sent notice THEN the note is the first line of the block; not otherwise', async () => {
    const out = recorder();
    const sink = createConsoleSink({ write: out.write });
    await sink.send(sampleNoticeAlert(), 'd1', { resent: true });
    await sink.send(sampleNoticeAlert(), 'd1', { resent: false });
    expect(out.chunks.map((c) => c.split('\n')[0])).toEqual([RESENT_NOTE, '[LOW] Feed "Decrypt" failing']);
  });

  it('GIVEN a move alert THEN the block carries the url, fields and footer', async () => {
    const out = recorder();
    await createConsoleSink({ write: out.write }).send(sampleMoveAlert(), 'd1');
    const lines = out.chunks[0]!.split('\n');
    expect(lines.slice(0, 2)).toEqual(['[HIGH] TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)', 'https://decrypt.co/2025/03/14/bittensor-subnet-launch']);
    expect(lines).toContain('  Price: 400 → 500');
    expect(lines).toContain('    https://www.coindesk.com/markets/2025/03/14/ai-tokens-rally');
    expect(lines.at(-3)).toBe('  — Move alert · abnormal move with a catalyst');
  });

  it.each([
    { name: 'a custom writer without colour option', options: {}, coloured: false },
    { name: 'color: false', options: { color: false }, coloured: false },
    { name: 'color: true', options: { color: true }, coloured: true },
  ])('GIVEN $name THEN colour is $coloured', async ({ options, coloured }) => {
    const out = recorder();
    await createConsoleSink({ ...options, write: out.write }).send(sampleStoryAlert(), 'd1');
    expect(out.chunks[0]!.includes(ESC)).toBe(coloured);
  });

  it('GIVEN colour THEN the headline is bold in the severity colour and the footer dim', async () => {
    const out = recorder();
    await createConsoleSink({ write: out.write, color: true }).send(sampleMoveAlert(), 'd1');
    const lines = out.chunks[0]!.split('\n');
    expect(lines[0]).toBe(`${ESC}[1m${ESC}[31m[HIGH] TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)${ESC}[0m`);
    expect(lines[1]).toBe(`${ESC}[4mhttps://decrypt.co/2025/03/14/bittensor-subnet-launch${ESC}[0m`);
    expect(lines.at(-3)).toBe(`${ESC}[2m  — Move alert · abnormal move with a catalyst${ESC}[0m`);
  });

  it('GIVEN feed text with terminal escapes and newlines THEN none reach the terminal and the headline stays one line', async () => {
    const out = recorder();
    const alert = sampleNoticeAlert({ title: `Evil${ESC}[2J${ESC}]0;pwned\u0007\ntitle`, text: `clear${ESC}[H\u202Eabc` });
    await createConsoleSink({ write: out.write }).send(alert, 'd1');
    const block = out.chunks[0]!;
    expect(block).not.toContain(ESC);
    expect(block).not.toContain('\u0007');
    expect(block).not.toContain('\u202E');
    expect(block.split('\n')[0]).toBe('[LOW] Evil[2J]0;pwned title');
  });

  it('GIVEN a writer that throws THEN retry', async () => {
    const sink = createConsoleSink({
      id: 'stdout',
      write: () => {
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
    });
    const error = await sink.send(sampleNoticeAlert(), 'd1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ action: 'retry', details: { destination: 'stdout' } });
  });

  it.each([
    { options: {}, id: 'console' },
    { options: { id: 'dry-run' }, id: 'dry-run' },
  ])('GIVEN $options THEN id is $id', ({ options, id }) => {
    expect(createConsoleSink(options).id).toBe(id);
  });
});
