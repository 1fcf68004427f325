/** Time is an input: domain code never reads the system clock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** "3h", "45m", "2d" — compact durations for alert text. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / MINUTE_MS);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

/** "1h", "4h", "24h", "15m": how people name a return window. */
export function formatWindow(windowMinutes: number): string {
  if (windowMinutes % 60 !== 0) return `${windowMinutes}m`;
  return `${windowMinutes / 60}h`;
}
