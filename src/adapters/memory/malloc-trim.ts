/**
 * Gives the pages of memory the bot has freed back to the system.
 *
 * glibc's malloc keeps freed chunks for reuse, and only the top of its heap
 * ever goes back by itself. Between feed cycles the bot's malloc heap was ~40%
 * free chunks (24 of 56 MB in the soak: zlib states, feed bodies, SQLite and V8
 * compiler scratch), cut into holes a later burst may never fit into again.
 * malloc_trim(0) releases every whole free page in them (npm run soak: the
 * bot's RSS ~10 MB lower). Reached through koffi's FFI, loaded on first use;
 * where there is no glibc (musl, macOS) trimming is off and the bot says so once.
 */
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';
import type { Logger } from '../../app/ports.ts';

/** Runs malloc_trim(0); returns whether memory was given back (false also when trimming is unavailable). */
export type MemoryTrimmer = () => boolean;

/** glibc's malloc_trim, or why it cannot be called here. */
export function loadMallocTrim(): { trim: (pad: number) => number } | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `no glibc on ${process.platform}` };
  try {
    // koffi is CommonJS with a native part: required, not imported, so nothing loads before the first trim.
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
    return { trim };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

/** A trimmer that logs (at info, once) why it does nothing when malloc_trim cannot be reached. */
export function createMemoryTrimmer(log: Pick<Logger, 'info'>, load = loadMallocTrim): MemoryTrimmer {
  // undefined: not loaded yet; null: unavailable.
  let trim: ((pad: number) => number) | null | undefined;
  return () => {
    if (trim === undefined) {
      const loaded = load();
      if ('trim' in loaded) trim = loaded.trim;
      else {
        trim = null;
        log.info({ reason: loaded.unavailable }, 'freed memory stays with malloc: malloc_trim is not available here (memory use is a little higher; nothing else changes)');
      }
    }
    return trim !== null && trim(0) === 1;
  };
}
