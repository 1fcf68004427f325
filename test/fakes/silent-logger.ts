import type { Logger } from '../../src/app/ports.ts';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg?: string;
  obj: object;
}

/** A logger that keeps records in memory for assertions. */
export function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const make = (bindings: object): Logger & { records: LogRecord[] } => ({
    records,
    debug: (obj, msg) => void records.push({ level: 'debug', msg, obj: { ...bindings, ...obj } }),
    info: (obj, msg) => void records.push({ level: 'info', msg, obj: { ...bindings, ...obj } }),
    warn: (obj, msg) => void records.push({ level: 'warn', msg, obj: { ...bindings, ...obj } }),
    error: (obj, msg) => void records.push({ level: 'error', msg, obj: { ...bindings, ...obj } }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}
