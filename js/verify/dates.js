// Dates as people read them on the site's pages: "12 September 2026", in UTC
// (the site writes every date in UTC; the visitor's time zone plays no part).

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "12 September 2026" for an ISO date-time (or a Date), in UTC; null when it is not a date. */
export function formatDay(value) {
  const t = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
