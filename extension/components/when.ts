// Times on screen in the account's time zone (the browser's own when the account has none).

function format(iso: string, timeZone: string | null, opts: Intl.DateTimeFormatOptions): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return new Intl.DateTimeFormat(undefined, { ...opts, ...(timeZone ? { timeZone } : {}) }).format(d);
  } catch {
    // A zone this browser does not know: its own zone rather than nothing.
    return new Intl.DateTimeFormat(undefined, opts).format(d);
  }
}

export const formatDay = (iso: string, timeZone: string | null) => format(iso, timeZone, { year: 'numeric', month: 'short', day: 'numeric' });
export const formatClock = (iso: string, timeZone: string | null) =>
  format(iso, timeZone, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
