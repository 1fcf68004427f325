/**
 * Wall-clock time at a destination, for quiet hours and digest times. Pure:
 * `now` is an input and Intl does the time-zone arithmetic (DST included).
 */

export interface LocalTime {
  /** Local calendar date, "YYYY-MM-DD". */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // en-CA gives ISO-ordered dates; h23 avoids the "24:00" some engines print for midnight.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of day at `now` in `timeZone`. Throws RangeError for an unknown zone. */
export function localTime(now: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatFor(timeZone).formatToParts(now).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** "22:00" → 1320. The caller validated the format. */
export function minutesOfDay(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether `minutes` falls in [from, to), wrapping past midnight when `from` is later than `to` ("22:00–07:00"). */
export function inDailyRange(minutes: number, from: string, to: string): boolean {
  const start = minutesOfDay(from);
  const end = minutesOfDay(to);
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}
