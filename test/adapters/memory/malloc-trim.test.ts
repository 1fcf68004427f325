import { describe, expect, it, vi } from 'vitest';
import { createMemoryTrimmer, loadMallocTrim } from '../../../src/adapters/memory/malloc-trim.ts';

const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;

describe('malloc trim', () => {
  it.runIf(glibc !== undefined)('GIVEN glibc THEN malloc_trim is reached through the FFI and answers as glibc does (1: memory went back, 0: none)', () => {
    const loaded = loadMallocTrim();
    expect(loaded).toHaveProperty('trim');
    if ('trim' in loaded) expect([0, 1]).toContain(loaded.trim(0));
  });

  it('GIVEN no malloc_trim THEN the trimmer does nothing and says why once', () => {
    const info = vi.fn();
    const trim = createMemoryTrimmer({ info }, () => ({ unavailable: 'no glibc on darwin' }));
    expect(trim()).toBe(false);
    expect(trim()).toBe(false);
    expect(info).toHaveBeenCalledTimes(1);
    expect(info.mock.calls[0]![0]).toEqual({ reason: 'no glibc on darwin' });
  });

  it('GIVEN malloc_trim THEN each call trims with no padding and reports whether memory went back', () => {
    const calls: number[] = [];
    const results = [1, 0];
    const trim = createMemoryTrimmer({ info: vi.fn() }, () => ({ trim: (pad: number) => (calls.push(pad), results.shift()!) }));
    expect(trim()).toBe(true);
    expect(trim()).toBe(false);
    expect(calls).toEqual([0, 0]);
  });
});
