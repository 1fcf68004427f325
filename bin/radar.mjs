#!/usr/bin/env node
// Entry point of the `radar` CLI. Runs the TypeScript sources as one ESM bundle that esbuild (installed
// with tsx) compiles on the first start after a source changed, cached in node_modules/.cache/narrative-radar/.
// Why not tsx alone: on Node 20 its module hooks run on a loader thread of their own, and every module the
// bot imports passes through it; that thread costs a running bot 60–80 MB of resident memory (the soak's
// budget for the whole bot is 200 MB). tsx remains the fallback when the cache cannot be written (a
// read-only install) or esbuild fails; the reason is printed to stderr.
// Stack traces point into the bundle; run with NODE_OPTIONS=--enable-source-maps to see .ts lines.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = path.join(ROOT, 'src');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'narrative-radar');

/** A digest of every source file (and of esbuild's version): the bundle is rebuilt when any of them changes. */
function sourceDigest(esbuildVersion) {
  const hash = createHash('sha256').update(esbuildVersion);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(path.relative(SRC, file)).update('\0').update(readFileSync(file));
    }
  };
  walk(SRC);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundled modules share one file, so each module's `import.meta.url` is replaced by its source file's URL:
 * paths it resolves (config/, data/, workers) stay where they are in the source tree.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** The bundle's entry file, built now if the sources changed since the last build. */
async function compiledEntry() {
  const esbuild = await import('esbuild');
  const dir = path.join(CACHE, sourceDigest(esbuild.version));
  const entry = path.join(dir, 'cli.js');
  if (existsSync(entry)) return entry;
  // Built beside the final directory and renamed into place: a concurrent start never sees half a bundle.
  const staging = `${dir}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  try {
    await esbuild.build({
      entryPoints: { cli: path.join(SRC, 'cli.ts') },
      outdir: staging,
      bundle: true,
      // Dynamic imports stay dynamic (one bundle would hoist discord.js, telegraf and the canvas to the top).
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'error',
      plugins: [keepModuleUrls],
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await esbuild.stop();
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another start renamed its build first: use that one.
    if (!existsSync(entry)) throw error;
  }
  writeFileSync(path.join(CACHE, 'README'), 'Compiled sources of bin/radar.mjs; safe to delete.\n');
  for (const old of readdirSync(CACHE, { withFileTypes: true })) {
    // Builds of earlier sources, and staging left by a start that died mid-build. Not younger ones: a process
    // started from a build imports its chunks lazily (the chart renderer on the first chart).
    const oldPath = path.join(CACHE, old.name);
    if (old.isDirectory() && oldPath !== dir && Date.now() - statSync(oldPath).mtimeMs > 86_400_000) rmSync(oldPath, { recursive: true, force: true });
  }
  return entry;
}

let entry;
try {
  entry = await compiledEntry();
} catch (error) {
  process.stderr.write(`radar: running the sources through tsx (uses more memory): could not compile them into ${CACHE}: ${error instanceof Error ? error.message : String(error)}\n`);
}
if (entry) await import(pathToFileURL(entry).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
