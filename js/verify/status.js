// Revocation status: W3C Bitstring Status List v1.0 (BitstringStatusListEntry),
// and the older StatusList2021Entry that has the same bitstring.
//
// The status list credential is fetched, its own proof is verified like the
// credential's, its issuer must be the credential's issuer and it must be
// within its validity dates. encodedList is multibase base64url ("u", no
// padding) of the GZIP-compressed bitstring; bit 0 is the most significant
// bit of the first byte.
//
// A revoked credential's date and reason are not in the status list: a
// Badgepress issuer publishes them in a notice beside the credential
// (<id without .json>/revocation.json), read when there is one.

import { formatDay } from './dates.js';
import { asArray, isDateTime } from './eddsa.js';
import { base64urlDecode, decompress } from './encoding.js';
import { FetchError, fetchJson, httpUrl } from './fetch.js';
import { checkSecured, issuerIdOf } from './secured.js';

export const REVOCATION_LIST = '1EdTechRevocationList';
export const MAX_BITSTRING_BYTES = 16 * 1024 * 1024;

const ENTRY_TYPES = {
  BitstringStatusListEntry: { list: 'BitstringStatusListCredential', subject: 'BitstringStatusList', multibase: true },
  StatusList2021Entry: { list: 'StatusList2021Credential', subject: 'StatusList2021', multibase: false },
};

export class StatusError extends Error {
  constructor(message, verdict = 'invalid') {
    super(message);
    this.name = 'StatusError';
    this.verdict = verdict;
  }
}

/** The uncompressed bitstring of an encodedList. */
export async function decodeEncodedList(encodedList, { multibase = true } = {}) {
  if (typeof encodedList !== 'string' || !encodedList) throw new StatusError('the status list has no encodedList');
  let text = encodedList;
  if (text.startsWith('u')) text = text.slice(1);
  else if (multibase && !text.startsWith('H4sI')) {
    throw new StatusError("the encodedList is not multibase base64url (it must start with 'u')");
  }
  let gz;
  try {
    gz = base64urlDecode(text);
  } catch {
    throw new StatusError('the encodedList is not valid base64url');
  }
  try {
    return await decompress(gz, 'gzip', MAX_BITSTRING_BYTES);
  } catch (err) {
    throw new StatusError(`the encodedList cannot be decompressed: ${err.message}`);
  }
}

/** The bit at `index` (0 = most significant bit of byte 0). */
export function bitAt(bitstring, index) {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bitstring.length * 8) {
    throw new StatusError(`the status index ${index} is outside the status list (${bitstring.length * 8} entries)`);
  }
  return (bitstring[index >> 3] >> (7 - (index & 7))) & 1;
}

function parseIndex(value) {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^(0|[1-9]\d{0,14})$/.test(text)) return null;
  return Number(text);
}

/**
 * The "Revocation status" check of `credential`: {outcome, verdict?, detail}.
 * options: {fetch, now (Date), ...canonize options}
 */
export async function checkStatus(credential, options = {}) {
  const entries = asArray(credential.credentialStatus);
  if (entries.length === 0) return { outcome: 'skip', detail: 'the credential has no status entry (it cannot be revoked)' };
  const issuerId = issuerIdOf(credential);
  const lists = new Map(); // URL -> Promise of bitstring
  const results = [];
  for (const entry of entries) {
    results.push(await checkEntry(entry, credential, issuerId, lists, options).catch((err) => errorResult(err)));
  }
  // Worst first: invalid > unreachable > revoked > suspended; then warnings; then passes.
  const rank = (r) => ({ invalid: 0, unreachable: 1, revoked: 2, suspended: 3 })[r.verdict] ?? (r.outcome === 'warn' ? 4 : 5);
  results.sort((a, b) => rank(a) - rank(b));
  let worst = results[0];
  if (worst.verdict === 'revoked') {
    const notice = await revocationNotice(credential, options);
    if (notice) {
      const revoked = results.find((r) => r.verdict === 'revoked');
      revoked.detail += `${notice.day ? ` on ${notice.day}` : ''}${notice.reason ? `: ${notice.reason}` : ''}`;
      worst = { ...worst, revocation: notice };
    }
  }
  if (results.length === 1) return worst;
  return { ...worst, detail: results.map((r) => r.detail).join('; ') };
}

/** Where a Badgepress issuer publishes a revoked credential's notice, or null. */
export function revocationNoticeUrl(credentialId) {
  const url = httpUrl(credentialId);
  if (!url || url.search || url.hash || !url.pathname.endsWith('.json')) return null;
  return `${url.origin}${url.pathname.slice(0, -'.json'.length)}/revocation.json`;
}

/** {date, day, reason} of the issuer's notice of the credential's revocation, or null. */
async function revocationNotice(credential, options) {
  const url = revocationNoticeUrl(credential.id);
  if (!url) return null;
  let notice;
  try {
    notice = await fetchJson(url, options);
  } catch {
    return null; // no notice: the status list alone says it is revoked
  }
  if (!notice || typeof notice !== 'object' || notice.credential !== credential.id) return null;
  const date = isDateTime(notice.revoked) ? notice.revoked : null;
  const reason = typeof notice.reason === 'string' && notice.reason.trim() ? notice.reason.trim().slice(0, 500) : null;
  return { date, day: date ? formatDay(date) : null, reason };
}

function errorResult(err) {
  if (err instanceof FetchError) return { outcome: 'fail', verdict: 'unreachable', detail: err.message };
  if (err instanceof StatusError) return { outcome: 'fail', verdict: err.verdict, detail: err.message };
  return { outcome: 'fail', verdict: 'invalid', detail: String(err?.message || err) };
}

async function checkEntry(entry, credential, issuerId, lists, options) {
  if (!entry || typeof entry !== 'object') throw new StatusError('the credentialStatus entry is not an object');
  const types = asArray(entry.type);
  if (types.includes(REVOCATION_LIST)) return checkRevocationList(entry, credential, options);
  const kind = Object.keys(ENTRY_TYPES).find((t) => types.includes(t));
  if (!kind) {
    return { outcome: 'warn', detail: `status of type ${String(types.join(', ')).slice(0, 80)} not checked (unsupported)` };
  }
  const spec = ENTRY_TYPES[kind];
  const purpose = entry.statusPurpose;
  if (typeof purpose !== 'string') throw new StatusError('the status entry has no statusPurpose');
  const index = parseIndex(entry.statusListIndex);
  if (index === null) throw new StatusError('the status entry has a malformed statusListIndex');
  const listUrl = entry.statusListCredential;
  if (!httpUrl(listUrl)) throw new StatusError('the status entry has no http(s) statusListCredential');
  if (purpose !== 'revocation' && purpose !== 'suspension') {
    return { outcome: 'warn', detail: `status purpose "${purpose.slice(0, 40)}" not checked` };
  }
  if (!lists.has(listUrl)) lists.set(listUrl, loadList(listUrl, issuerId, spec, options));
  const list = await lists.get(listUrl);
  if (list.purposes.length && !list.purposes.includes(purpose)) {
    throw new StatusError(`the status list is for ${list.purposes.join(', ')}, not ${purpose}`);
  }
  if (list.statusSize !== 1) {
    return { outcome: 'warn', detail: `status lists with statusSize ${list.statusSize} are not supported` };
  }
  const bit = bitAt(list.bitstring, index);
  if (bit === 1) {
    return purpose === 'suspension'
      ? { outcome: 'fail', verdict: 'suspended', reason: 'suspended', detail: 'suspended by the issuer' }
      : { outcome: 'fail', verdict: 'revoked', reason: 'revoked', detail: 'revoked by the issuer' };
  }
  return { outcome: 'pass', detail: `not ${purpose === 'suspension' ? 'suspended' : 'revoked'} (checked just now)` };
}

async function loadList(url, issuerId, spec, options) {
  const list = await fetchJson(url, options);
  if (!list || typeof list !== 'object' || Array.isArray(list)) throw new StatusError('the status list is not a JSON object');
  if (!asArray(list.type).includes(spec.list)) throw new StatusError(`the status list is not a ${spec.list}`);
  const listIssuer = issuerIdOf(list);
  if (listIssuer !== issuerId) {
    throw new StatusError(`the status list is issued by ${String(listIssuer).slice(0, 120)}, not by the credential's issuer`);
  }
  const { key, signature } = await checkSecured(list, issuerId, options);
  if (signature.outcome === 'fail') throw new StatusError(`the status list's signature fails: ${signature.detail}`);
  if (key.outcome === 'fail') {
    throw new StatusError(`the status list's key: ${key.detail}`, key.verdict === 'unreachable' ? 'unreachable' : 'invalid');
  }
  if (signature.outcome !== 'pass') throw new StatusError("the status list's signature could not be checked", 'unreachable');
  const now = options.now instanceof Date ? options.now : new Date();
  const from = list.validFrom ?? list.issuanceDate;
  if (from !== undefined && (!isDateTime(from) || Date.parse(from) > now.getTime())) {
    throw new StatusError('the status list is not valid yet (or its validFrom is malformed)');
  }
  const until = list.validUntil ?? list.expirationDate;
  if (until !== undefined && (!isDateTime(until) || Date.parse(until) <= now.getTime())) {
    throw new StatusError('the status list has expired, so the current status is unknown', 'unreachable');
  }
  const subject = list.credentialSubject;
  if (!subject || typeof subject !== 'object' || !asArray(subject.type).includes(spec.subject)) {
    throw new StatusError(`the status list's subject is not a ${spec.subject}`);
  }
  const statusSize = subject.statusSize === undefined ? 1 : Number(subject.statusSize);
  const bitstring = await decodeEncodedList(subject.encodedList, { multibase: spec.multibase });
  return { bitstring, purposes: asArray(subject.statusPurpose).filter((p) => typeof p === 'string'), statusSize };
}

/**
 * 1EdTech Revocation List (Open Badges 3.0 / CLR 2.0 status method): the
 * entry's id is the URL of a JSON list {id, issuer, revokedCredentials}
 * whose revokedCredentials holds {id, revoked?, revocationReason?} objects. The list carries no proof: it is trusted as the
 * issuer's because it is served from the URL the signed credential names.
 */
async function checkRevocationList(entry, credential, options) {
  const url = entry.id;
  if (!httpUrl(url)) throw new StatusError('the 1EdTechRevocationList entry has no http(s) id');
  const list = await fetchJson(url, options);
  if (!list || typeof list !== 'object' || !Array.isArray(list.revokedCredentials)) {
    throw new StatusError('the revocation list has no revokedCredentials array');
  }
  const issuerId = issuerIdOf(credential);
  const listIssuer = typeof list.issuer === 'string' ? list.issuer : list.issuer?.id;
  if (listIssuer !== undefined && listIssuer !== issuerId) {
    throw new StatusError(`the revocation list is issued by ${String(listIssuer).slice(0, 120)}, not by the credential's issuer`);
  }
  if (typeof credential.id !== 'string') throw new StatusError('the credential has no id to look up in the revocation list');
  // an entry revokes when its `revoked` is true or absent (1EdTech vcrl 1.0; as the 1EdTech validator reads it)
  const hit = list.revokedCredentials.find((r) =>
    typeof r === 'string' ? r === credential.id : r?.id === credential.id && (r.revoked === undefined || r.revoked === true),
  );
  if (hit) {
    const why = typeof hit === 'object' && typeof hit.revocationReason === 'string' ? `: ${hit.revocationReason.slice(0, 200)}` : '';
    return { outcome: 'fail', verdict: 'revoked', reason: 'revoked', detail: `revoked by the issuer (1EdTech revocation list)${why}` };
  }
  return { outcome: 'pass', detail: 'not revoked (1EdTech revocation list, unsigned, checked just now)' };
}
