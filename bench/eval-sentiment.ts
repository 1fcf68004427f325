/**
 * `npm run eval:sentiment`: accuracy and macro-F1 of the market-tone scorer
 * next to VADER and AFINN baselines, on the hand-labelled crypto headlines
 * (test/fixtures/sentiment/) and, when ../shared is present, the Twitter
 * financial news set. One JSON object per dataset × method on stdout, then a
 * table on stderr (so `> results.jsonl` keeps only the records).
 *
 *   npm run eval:sentiment                          all sets, all methods
 *   npm run eval:sentiment -- --errors crypto-dev   also list what our scorer got wrong there
 */
import { loadCrypto, loadTweets, TWEETS_FILE, type Dataset } from './eval/datasets.ts';
import { METHODS } from './eval/methods.ts';
import { scorePredictions, type Scores } from './eval/metrics.ts';
import { scoreSentiment } from '../src/domain/sentiment.ts';

function main(): number {
  const args = process.argv.slice(2);
  const errorsIndex = args.indexOf('--errors');
  const showErrorsFor = errorsIndex >= 0 ? args[errorsIndex + 1] : undefined;

  const datasets: Dataset[] = [...loadCrypto()];
  const tweets = loadTweets();
  if (tweets) datasets.push(...tweets);
  else process.stderr.write(`note: ${TWEETS_FILE} not found; the Twitter financial news set is skipped\n`);

  const results: { dataset: string; method: string; scores: Scores }[] = [];
  for (const dataset of datasets) {
    for (const method of METHODS) {
      const scores = scorePredictions(dataset.examples.map((e) => ({ gold: e.gold, predicted: method.predict(e) })));
      results.push({ dataset: dataset.name, method: method.name, scores });
      process.stdout.write(
        `${JSON.stringify({ eval: 'sentiment', dataset: dataset.name, method: method.name, n: scores.n, accuracy: scores.accuracy, macroF1: scores.macroF1, f1: scores.f1, confusion: scores.confusion })}\n`,
      );
    }
  }

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const lines = [
    '',
    `${pad('dataset', 24)}${pad('n', 6)}${METHODS.map((m) => pad(m.name, 24)).join('')}`,
    `${pad('', 30)}${METHODS.map(() => pad('acc    macro-F1', 24)).join('')}`,
  ];
  for (const dataset of datasets) {
    const row = METHODS.map((m) => {
      const s = results.find((r) => r.dataset === dataset.name && r.method === m.name)!.scores;
      return pad(`${s.accuracy.toFixed(3)}  ${s.macroF1.toFixed(3)}`, 24);
    });
    lines.push(`${pad(dataset.name, 24)}${pad(dataset.examples.length, 6)}${row.join('')}`);
  }
  lines.push('', ...datasets.map((d) => `${d.name}: ${d.note}`), ...METHODS.map((m) => `${m.name}: ${m.note}`), '');
  process.stderr.write(`${lines.join('\n')}\n`);

  if (showErrorsFor) {
    const dataset = datasets.find((d) => d.name === showErrorsFor);
    if (!dataset) {
      process.stderr.write(`unknown dataset "${showErrorsFor}"; available: ${datasets.map((d) => d.name).join(', ')}\n`);
      return 2;
    }
    for (const e of dataset.examples) {
      const s = scoreSentiment({ title: e.title, text: e.text, lang: e.lang });
      const predicted = s.label === 'positive' ? 'bullish' : s.label === 'negative' ? 'bearish' : 'neutral';
      if (predicted !== e.gold) process.stderr.write(`${e.gold} → ${predicted} (${s.score}) [${e.lang ?? '?'}] ${e.title}  cues: ${s.cues.join(', ')}\n`);
    }
  }
  return 0;
}

process.exitCode = main();
