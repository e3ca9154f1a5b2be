// Validity dates of a credential: validFrom / validUntil (VC 2.0) or
// issuanceDate / expirationDate (VC 1.1, where issuanceDate is required).

import { isDateTime } from './eddsa.js';
import { VC_V2 } from './contexts.js';

/** {validFrom, validUntil, names: {from, until}, problem?} of `doc`, whichever VC version it is. */
export function validityDates(doc) {
  const v2 = [].concat(doc['@context'])[0] === VC_V2;
  const names = v2 ? { from: 'validFrom', until: 'validUntil' } : { from: 'issuanceDate', until: 'expirationDate' };
  const validFrom = doc[names.from];
  const validUntil = doc[names.until];
  let problem;
  if (!v2 && validFrom === undefined) problem = 'a VC 1.1 credential must have an issuanceDate';
  else if (validFrom !== undefined && !isDateTime(validFrom)) problem = `${names.from} is not a date-time with a time zone`;
  else if (validUntil !== undefined && !isDateTime(validUntil)) problem = `${names.until} is not a date-time with a time zone`;
  return { validFrom, validUntil, names, problem };
}

// As people read them on the site's pages: "12 September 2026", in UTC (the site writes
// every date in UTC; the visitor's time zone plays no part).
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "12 September 2026" for an ISO date-time (or a Date), in UTC; null when it is not a date. */
export function formatDay(value) {
  const t = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
