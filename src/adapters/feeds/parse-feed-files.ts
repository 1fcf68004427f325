/**
 * Parse feed files from disk, one result per file: backs `radar parse-feed
 * FILE... --json`, for checking a feed (or a folder of saved feeds) offline.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FeedParser, ParsedFeed } from '../../app/ports.ts';
import { decodeBodyDetailed } from './decode.ts';
import { createFeedParser } from './feed-parser.ts';

export interface ParseFileResult {
  file: string;
  ok: boolean;
  format?: ParsedFeed['format'];
  title?: string;
  /** Number of items parsed (0 when rejected). */
  items: number;
  /** Charset the bytes were decoded with, e.g. "utf-8", "windows-1252". */
  encoding?: string;
  /** Why the file was rejected, for a person to act on. */
  error?: string;
}

/** File extensions picked up when a directory is given. */
export const FEED_FILE_EXTENSIONS: readonly string[] = ['.xml', '.rss', '.atom', '.json', '.rdf'];

/** Files larger than this are rejected unread: a feed is never this big. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Parse each file (directories are expanded recursively to feed files, in
 * name order). Never throws for a bad file: its result says why it failed.
 */
export async function parseFeedFiles(paths: string[], parser: FeedParser = createFeedParser()): Promise<ParseFileResult[]> {
  const results: ParseFileResult[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = (await stat(path)).isDirectory() ? await listFeedFiles(path) : [path];
    } catch (error) {
      results.push({ file: path, ok: false, items: 0, error: `cannot read: ${describeIoError(error)}` });
      continue;
    }
    for (const file of files) results.push(await parseOneFile(file, parser));
  }
  return results;
}

async function parseOneFile(file: string, parser: FeedParser): Promise<ParseFileResult> {
  let bytes: Uint8Array;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_FILE_BYTES) return { file, ok: false, items: 0, error: `too large: ${size} bytes (limit ${MAX_FILE_BYTES})` };
    bytes = await readFile(file);
  } catch (error) {
    return { file, ok: false, items: 0, error: `cannot read: ${describeIoError(error)}` };
  }
  const decoded = decodeBodyDetailed(bytes);
  try {
    const feed = await parser.parse(decoded.text);
    return { file, ok: true, format: feed.format, title: feed.title, items: feed.items.length, encoding: decoded.charset };
  } catch (error) {
    return { file, ok: false, items: 0, encoding: decoded.charset, error: error instanceof Error ? error.message : String(error) };
  }
}

async function listFeedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFeedFiles(path)));
    else if (entry.isFile() && FEED_FILE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
