import type { Clock } from '../domain/time.ts';

/** A clock that only moves when told to: replays, the demo and tests run on it. */
export class VirtualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
