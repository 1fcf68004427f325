// Worker thread behind parseFeedFiles (parse-feed-files.ts): parses one file per message so the
// caller can terminate it when a file overruns its time budget or heap cap. Plain JavaScript
// because a fresh worker has no TypeScript loader: it registers tsx, then loads the parser.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { parseFeedFile } = await import('./parse-feed-files.ts');
const { createFeedParser } = await import('./feed-parser.ts');
const parser = createFeedParser();

parentPort.on('message', async ({ file }) => {
  parentPort.postMessage({ result: await parseFeedFile(file, parser, workerData?.maxFileBytes) });
});
parentPort.postMessage({ ready: true });
