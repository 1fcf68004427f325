/**
 * The move cycle: detect token moves (raw, vs BTC through the market model,
 * vs the AI basket without the token, z-score) and sector-wide moves from
 * candles, attribute catalysts from stored posts, apply the alert policy, queue
 * the alerts, store the new points of the sector index, and bring the event
 * studies up to date.
 */
import { decideMove, strongestMove, type Decision, type MovePolicy } from '../domain/alert-policy.ts';
import { betaFromSums, betaSums, type BetaSums } from '../domain/beta.ts';
import type { MoveAlert, SectorAlert } from '../domain/alert.ts';
import { timeframeMs, type Candle } from '../domain/candles.ts';
import { buildMoveChartSpec } from '../domain/charts.ts';
import { findCatalysts, findSectorCatalysts, type AnalyzedPost, type Catalyst, type ThemeLinks } from '../domain/correlation.ts';
import { detectMoves, hasRearmed, type Move, type MoveRules } from '../domain/moves.ts';
import { windowSteps } from '../domain/returns.ts';
import { createSectorFrame, indexAsCandles, resolveBasket, sectorIndexSeries, type BasketMember, type BasketWeight, type SectorFrame, type SectorIndexPoint } from '../domain/sector-index.ts';
import { detectSectorMoves, relativeStrengthCandles, type SectorMove, type SectorRules } from '../domain/sector-moves.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { createEventStudyState, runEventStudies, type EventStudyRunResult, type EventStudyState } from './event-studies.ts';
import { queueAlert, type Runtime } from './runtime.ts';
import type { CoreStore } from './store.ts';

/** Where the cycle reads candles: the store, or a replay's in-memory series (so no step reloads from SQLite). */
export type CandleReader = Pick<CoreStore, 'candles'>;

/**
 * Memory the cycle keeps between runs when given one: the sector index so far
 * (each run adds the candles closed since, instead of rebuilding a month of
 * it) and the event-study bookkeeping. Without it every run starts from the
 * stored candles, which is correct, just slower.
 */
export interface MoveCycleState {
  sectorIndex: SectorIndexPoint[];
  eventStudies: EventStudyState;
  /** Per token, the regression sums behind its β, slid along a candle per run. */
  betaSums: Map<string, BetaSums>;
}

export function createMoveCycleState(): MoveCycleState {
  return { sectorIndex: [], eventStudies: createEventStudyState(), betaSums: new Map() };
}

export interface MoveCycleDeps {
  /** Defaults to the store. */
  candles?: CandleReader;
  state?: MoveCycleState;
}

export interface MoveCycleResult {
  moves: Move[];
  sectorMoves: SectorMove[];
  alertsQueued: number;
  skipped: { symbol: string; reason: string; detail: string }[];
  eventStudies: EventStudyRunResult;
}

/**
 * One alert per symbol, direction, window and start hour: re-detecting the same move is a duplicate.
 * An escalation is a new alert, keyed by the size it reached.
 */
function moveAlertKey(prefix: string, move: Move, escalation: boolean): string {
  const base = `${prefix}:${move.symbol}:${move.direction}:${move.windowMinutes}:${Math.floor(move.startedAt / HOUR_MS)}`;
  return escalation ? `${base}:x${Math.round(Math.abs(move.return) * 100)}` : base;
}

export function themeLinks(rt: Runtime): ThemeLinks {
  return new Map(rt.config.themes.themes.map((t) => [t.id, t.tokens]));
}

/** The AI basket's members and weights from config (alerts.yaml `market.sector.members`, else tokens.yaml `sector: true`). */
export function basketOf(rt: Runtime): BasketWeight[] {
  const known = new Set(rt.config.tokens.tokens.map((t) => t.symbol));
  const configured = rt.config.alerts.market.sector.members.filter((m) => known.has(m.symbol));
  return resolveBasket(rt.config.tokens.tokens, configured);
}

/** The token rules of alerts.yaml as the domain takes them. */
export function moveRulesOf(rt: Runtime): MoveRules {
  const m = rt.config.alerts.market;
  return {
    windows: m.windows,
    abnormalThreshold: m.abnormalThreshold,
    minZ: m.minZ,
    volatilityDays: m.volatilityDays,
    betaDays: m.betaDays,
    sectorAbnormalThreshold: m.sectorAbnormalThreshold,
    zThreshold: m.zThreshold,
    sectorMinMembers: m.sector.minMembers,
  };
}

function sectorRulesOf(rt: Runtime): SectorRules {
  const m = rt.config.alerts.market;
  return { name: m.sector.name, windows: m.sector.windows, minMembers: m.sector.minMembers, volatilityDays: m.volatilityDays, betaDays: m.betaDays };
}

/** Candles the cycle needs for one token: what the volatility, the β and the longest window look back over. */
function historySince(rt: Runtime, now: number, step: number): number {
  const m = rt.config.alerts.market;
  const longest = Math.max(...[...m.windows, ...m.sector.windows].map((w) => windowSteps(w.minutes, step)));
  return now - Math.max(m.volatilityDays, m.betaDays) * DAY_MS - (longest + 1) * step;
}

/** Detect and alert on moves for every tracked (non-benchmark) token and for the sector, as of now. */
export function detectAndAlertMoves(rt: Runtime, deps: MoveCycleDeps = {}): MoveCycleResult {
  const now = rt.clock.now();
  const market = rt.config.alerts.market;
  const step = timeframeMs(market.timeframe);
  const reader = deps.candles ?? rt.store;
  const since = historySince(rt, now, step);
  const series = new Map<string, readonly Candle[]>();
  const candlesOf = (symbol: string): readonly Candle[] => {
    let c = series.get(symbol);
    if (!c) series.set(symbol, (c = reader.candles(symbol, market.timeframe, since)));
    return c;
  };
  const benchmark = candlesOf(market.benchmark);
  const members = basketOf(rt).map((m) => ({ ...m, candles: candlesOf(m.symbol) }));
  // Token moves and the members' own returns need only the longest window of the basket.
  const longest = Math.max(...[...market.windows, ...market.sector.windows].map((w) => windowSteps(w.minutes, step)));
  const recentFrom = (Math.floor(now / step) - longest - 2) * step;
  const frame = createSectorFrame(members, recentFrom, Math.max(0, Math.ceil((now - recentFrom) / step)), step);
  const indexPoints = sectorIndexSince(members, since, now, step, market.sector.minMembers, deps.state);

  const result: MoveCycleResult = { moves: [], sectorMoves: [], alertsQueued: 0, skipped: [], eventStudies: { stored: 0, followUps: 0 } };
  const policy: MovePolicy = { ...rt.config.alerts.moves, mutedTokens: rt.config.alerts.moves.muted };
  const thresholds = new Map(market.windows.map((w) => [w.minutes, w.threshold]));
  const rules = moveRulesOf(rt);
  const corr = rt.config.alerts.correlation;
  const links = themeLinks(rt);
  const longestWindowMs = Math.max(...[...market.windows, ...market.sector.windows].map((w) => w.minutes)) * MINUTE_MS;
  let posts: AnalyzedPost[] | undefined;
  // Catalysts are looked for before the move's start, which is up to a window before now.
  const recentPosts = () => (posts ??= rt.store.analyzedPostsSince(now - corr.lookbackHours * HOUR_MS - longestWindowMs));

  for (const token of rt.config.tokens.tokens) {
    if (token.benchmark) continue;
    const candles = candlesOf(token.symbol);
    const state = deps.state;
    const betaFor = state
      ? (endTime: number, samples: number) => {
          const sums = betaSums(candles, benchmark, endTime, samples, step, state.betaSums.get(token.symbol));
          state.betaSums.set(token.symbol, sums);
          return betaFromSums(sums).beta;
        }
      : undefined;
    const moves = detectMoves({ symbol: token.symbol, candles, benchmark, timeframeMs: step, sector: frame, betaFor }, rules, now);
    const move = strongestMove(moves, thresholds);
    if (!move) continue;
    result.moves.push(move);
    const threshold = thresholds.get(move.windowMinutes) ?? 0;
    const sameWindow = rt.store.lastMoveAlert(move.symbol, move.direction, move.windowMinutes);
    const history = {
      last: rt.store.lastMoveAlert(move.symbol, move.direction),
      sameWindow,
      rearmed: sameWindow ? hasRearmed({ candles, timeframeMs: step }, move.windowMinutes, move.direction, sameWindow.at, policy.rearmFraction * threshold, now) : true,
    };
    const decision = decideMove(move, threshold, history, policy, now);
    if (!decision.send) {
      skip(rt, result, move.symbol, decision);
      continue;
    }
    const catalysts = findCatalysts(move, recentPosts(), links, corr);
    const chart = buildMoveChartSpec({
      move,
      candles,
      timeframeMs: step,
      benchmark,
      benchmarkSymbol: market.benchmark,
      basket: indexPoints.length > 1 ? { label: market.sector.name, candles: indexAsCandles(indexPoints) } : undefined,
      catalysts,
    });
    const alert: MoveAlert = {
      kind: 'move',
      key: moveAlertKey('move', move, decision.escalation),
      createdAt: now,
      severity: decision.severity,
      reason: decision.reason,
      move,
      catalysts,
      ...(chart ? { chart } : {}),
    };
    if (queueAlert(rt, alert)) result.alertsQueued++;
  }

  if (market.sector.alerts && members.length >= market.sector.minMembers) {
    alertSectorMove(rt, { points: indexPoints, frame, benchmark, policy, now, catalystsOf: (move) => findSectorCatalysts(move, recentPosts(), links, corr) }, result);
  }
  saveSectorIndex(rt, indexPoints);
  // Event studies need the same candles, newly closed ones included: bring them up to date in the same cycle.
  result.eventStudies = runEventStudies(rt, deps.state?.eventStudies, reader);
  if (result.alertsQueued > 0) rt.onAlertsQueued?.();
  return result;
}

function skip(rt: Runtime, result: MoveCycleResult, symbol: string, decision: Extract<Decision, { send: false }>): void {
  result.skipped.push({ symbol, reason: decision.reason, detail: decision.detail });
  rt.log.debug({ symbol, decision }, 'move not alerted');
}

/** Sector moves are judged on the basket's return against BTC: that is what the policy sizes and escalates. */
function asJudged(move: SectorMove): Move {
  return { ...move, return: move.abnormalVsBtc ?? move.return };
}

interface SectorInputs {
  points: readonly SectorIndexPoint[];
  frame: SectorFrame;
  benchmark: readonly Candle[];
  policy: MovePolicy;
  now: number;
  catalystsOf: (move: SectorMove) => Catalyst[];
}

function alertSectorMove(rt: Runtime, { points, frame, benchmark, policy, now, catalystsOf }: SectorInputs, result: MoveCycleResult): void {
  const rules = sectorRulesOf(rt);
  const moves = detectSectorMoves(points, frame, benchmark, rules, now);
  const thresholds = new Map(rules.windows.map((w) => [w.minutes, w.threshold]));
  const judged = strongestMove(moves.map(asJudged), thresholds);
  const move = moves.find((m) => m.windowMinutes === judged?.windowMinutes);
  if (!move || !judged) return;
  result.sectorMoves.push(move);
  const threshold = thresholds.get(move.windowMinutes) ?? 0;
  const sameWindow = rt.store.lastSectorAlert(rules.name, move.direction, move.windowMinutes);
  const rearmed = sameWindow
    ? hasRearmed({ candles: relativeStrengthCandles(points, benchmark), timeframeMs: frame.stepMs }, move.windowMinutes, move.direction, sameWindow.at, policy.rearmFraction * threshold, now)
    : true;
  const history = { last: rt.store.lastSectorAlert(rules.name, move.direction), sameWindow, rearmed };
  // Muting tokens does not mute the sector.
  const decision = decideMove(judged, threshold, history, { ...policy, mutedTokens: [] }, now);
  if (!decision.send) {
    skip(rt, result, move.symbol, decision);
    return;
  }
  const alert: SectorAlert = {
    kind: 'sector',
    key: moveAlertKey('sector', judged, decision.escalation),
    createdAt: now,
    severity: decision.severity,
    reason: decision.reason,
    sector: move,
    catalysts: catalystsOf(move),
  };
  if (queueAlert(rt, alert)) result.alertsQueued++;
}

/**
 * The sector index over the closed candles since `since`. With a state, only
 * the candles closed since the last run are added to it (a basket return
 * depends only on the members' two closes, so the series is the same as one
 * rebuilt from scratch, up to the level it is chained from).
 */
function sectorIndexSince(members: readonly BasketMember[], since: number, now: number, step: number, minMembers: number, state?: MoveCycleState): SectorIndexPoint[] {
  const closedCount = (from: number) => Math.max(0, Math.floor((now - from) / step));
  const last = state?.sectorIndex.at(-1);
  if (!state || !last || last.time < since) {
    const from = Math.ceil(since / step) * step;
    const points = sectorIndexSeries(createSectorFrame(members, from, closedCount(from), step), minMembers);
    if (state) state.sectorIndex = points;
    return points;
  }
  const fresh = sectorIndexSeries(createSectorFrame(members, last.time, closedCount(last.time), step), minMembers, last.level);
  const kept = state.sectorIndex.filter((p) => p.time >= since);
  kept.push(...fresh);
  state.sectorIndex = kept;
  return kept;
}

/**
 * Store the closed index points newer than the last stored one, chained on
 * from its level so the stored series stays continuous across cycles (each
 * cycle rebuilds the index from its own window of candles).
 */
function saveSectorIndex(rt: Runtime, points: readonly SectorIndexPoint[]): void {
  if (points.length === 0) return;
  const { name } = rt.config.alerts.market.sector;
  const timeframe = rt.config.alerts.market.timeframe;
  const last = rt.store.lastSectorIndexPoint(name, timeframe);
  if (last && last.time >= points.at(-1)!.time) return;
  let fresh = points;
  let scale = 1;
  if (last) {
    const at = points.findIndex((p) => p.time >= last.time);
    const anchor = points[at];
    fresh = points.filter((p) => p.time > last.time);
    // Continue from the stored level; after an outage longer than the window, treat the gap as flat.
    scale = anchor && anchor.time === last.time ? last.level / anchor.level : last.level / (fresh[0]!.level / (1 + fresh[0]!.return));
  }
  rt.store.saveSectorIndex(name, timeframe, fresh.map((p) => ({ ...p, level: p.level * scale })));
  // The index is kept as long as the candles it is made of.
  rt.store.pruneSectorIndex(name, timeframe, points.at(-1)!.time - rt.config.alerts.market.retentionDays * DAY_MS);
}
