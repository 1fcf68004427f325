/** Tests move time by hand with the same clock the demo and replays use. */
export { VirtualClock as FixedClock } from '../../src/demo/virtual-clock.ts';
