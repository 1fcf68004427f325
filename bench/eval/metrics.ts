/** Accuracy and macro-F1 over the three market-tone classes. */

export const CLASSES = ['bullish', 'bearish', 'neutral'] as const;
export type Tone = (typeof CLASSES)[number];

export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  f1: Record<Tone, number>;
  /** confusion[gold][predicted] */
  confusion: Record<Tone, Record<Tone, number>>;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Score predictions against gold labels; a class absent from both counts as F1 0 only if it was expected. */
export function scorePredictions(pairs: readonly { gold: Tone; predicted: Tone }[]): Scores {
  const confusion = Object.fromEntries(CLASSES.map((g) => [g, Object.fromEntries(CLASSES.map((p) => [p, 0]))])) as Scores['confusion'];
  for (const { gold, predicted } of pairs) confusion[gold][predicted]++;
  const f1 = {} as Record<Tone, number>;
  for (const c of CLASSES) {
    const tp = confusion[c][c];
    const predicted = CLASSES.reduce((s, g) => s + confusion[g][c], 0);
    const actual = CLASSES.reduce((s, p) => s + confusion[c][p], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = actual === 0 ? 0 : tp / actual;
    f1[c] = round(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall));
  }
  const present = CLASSES.filter((c) => CLASSES.some((p) => confusion[c][p] > 0));
  const correct = CLASSES.reduce((s, c) => s + confusion[c][c], 0);
  return {
    n: pairs.length,
    accuracy: round(pairs.length === 0 ? 0 : correct / pairs.length),
    macroF1: round(present.length === 0 ? 0 : present.reduce((s, c) => s + f1[c], 0) / present.length),
    f1,
    confusion,
  };
}
