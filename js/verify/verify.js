// The verifier: from an input (text, file bytes or URL) to an ordered list
// of checks and one overall status.
//
// Each check is {id, label, outcome: 'pass'|'fail'|'warn'|'skip', detail};
// a failing check also names what it leads to (`verdict`). The result's
// `verdict` is the strongest by the precedence invalid > unreachable >
// revoked > suspended > expired > not-yet-valid, or "verified" when there is
// none; its `status` (the page's data-verification-status) counts a
// suspension as revoked and a credential not valid yet as expired.
// `preview` is true when a Badgepress preview build's throwaway key signed
// it; `revocation` carries the date and reason the issuer publishes.
//
// A learner record (ClrCredential, CLR 2.0) whose own proof holds gets one
// more check per credential it holds ("embedded-1", ...): each is verified
// as if it came alone, and its status counts for the record's. An
// EndorsementCredential's summary names the endorser and what it endorses.
//
// options (all optional): fetch (a fetch function, for tests), now (Date),
// timeoutMs (canonicalization time limit), DOMParser (for baked SVG).

import { BakedError, extractCredentialText } from './baked.js';
import { VC_V2 } from './contexts.js';
import { formatDay, validityDates } from './dates.js';
import { asArray, sha256 } from './eddsa.js';
import { toHex, utf8 } from './encoding.js';
import { FetchError, MAX_INPUT_BYTES, fetchBytes, httpUrl } from './fetch.js';
import { checkSecured, isPreviewKey, issuerIdOf } from './secured.js';
import { checkStatus } from './status.js';

export const MAX_DEPTH = 64;
export const MAX_EMBEDDED = 200; // credentials verified in one learner record
export const PRECEDENCE = ['invalid', 'unreachable', 'revoked', 'suspended', 'expired', 'not-yet-valid'];
export const STATUSES = ['invalid', 'unreachable', 'revoked', 'expired', 'verified'];
const STATUS_OF = { suspended: 'revoked', 'not-yet-valid': 'expired' };

export const CHECKS = Object.freeze([
  { id: 'credential', label: 'Open Badges 3.0 credential' },
  { id: 'signature', label: 'Signature' },
  { id: 'issuer-key', label: "Issuer's key" },
  { id: 'dates', label: 'Validity dates' },
  { id: 'status', label: 'Revocation status' },
]);

export const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
const VC_VERSIONS = { [VC_V2]: '2.0', [VC_V1]: '1.1' };

const CREDENTIAL_TYPES = ['OpenBadgeCredential', 'AchievementCredential', 'EndorsementCredential', 'ClrCredential'];

export class InputError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InputError';
  }
}

/** Whether JSON `text` nests objects/arrays deeper than `limit` (scanned, not parsed). */
export function nestedDeeperThan(text, limit) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 92) escaped = true; // backslash
      else if (c === 34) inString = false; // quote
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function utf8Length(text) {
  if (text.length > MAX_INPUT_BYTES) return text.length;
  return text.length * 3 <= MAX_INPUT_BYTES ? text.length : utf8(text).length;
}

/** The credential object in JSON `text`; InputError saying why not. */
export function parseCredentialText(text) {
  if (typeof text !== 'string') throw new InputError('no input');
  if (utf8Length(text) > MAX_INPUT_BYTES) throw new InputError(`the input is too large (over ${MAX_INPUT_BYTES / 1048576} MB)`);
  const trimmed = text.trim();
  if (!trimmed) throw new InputError('the input is empty');
  if (/^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(trimmed)) {
    throw new InputError('this is a JWT-secured credential (VC-JWT): verify it as text, not as JSON');
  }
  if (nestedDeeperThan(trimmed, MAX_DEPTH)) throw new InputError(`the JSON is too deeply nested (over ${MAX_DEPTH} levels)`);
  let value;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    throw new InputError(`the input is not valid JSON (${String(err.message).slice(0, 100)})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InputError('the JSON is not a credential object');
  return value;
}

function credentialShape(doc) {
  const contexts = asArray(doc['@context']);
  const version = VC_VERSIONS[contexts[0]];
  if (!version) return { outcome: 'fail', verdict: 'invalid', detail: `the first @context must be ${VC_V2} (or ${VC_V1} for VC 1.1)` };
  const types = asArray(doc.type);
  if (!types.includes('VerifiableCredential')) {
    return { outcome: 'fail', verdict: 'invalid', detail: 'its type does not include VerifiableCredential' };
  }
  const kind = CREDENTIAL_TYPES.find((t) => types.includes(t));
  if (!kind) {
    return { outcome: 'fail', verdict: 'invalid', detail: `its type is not one of ${CREDENTIAL_TYPES.join(', ')}` };
  }
  if (!issuerIdOf(doc)) return { outcome: 'fail', verdict: 'invalid', detail: 'the credential names no issuer id' };
  if (!doc.credentialSubject || typeof doc.credentialSubject !== 'object') {
    return { outcome: 'fail', verdict: 'invalid', detail: 'the credential has no credentialSubject' };
  }
  return { outcome: 'pass', detail: `${kind} (Verifiable Credentials ${version})` };
}

function datesCheck(doc, now) {
  // VC 1.1 names the dates issuanceDate / expirationDate (dates.js)
  const { validFrom, validUntil, names, problem } = validityDates(doc);
  if (problem) return { outcome: 'fail', verdict: 'invalid', detail: problem };
  if (validFrom !== undefined && Date.parse(validFrom) > now.getTime()) {
    return { outcome: 'fail', verdict: 'not-yet-valid', reason: 'not-yet-valid', detail: `not valid yet: valid from ${formatDay(validFrom)}` };
  }
  if (validUntil !== undefined && Date.parse(validUntil) <= now.getTime()) {
    return { outcome: 'fail', verdict: 'expired', reason: 'expired', detail: `expired on ${formatDay(validUntil)}` };
  }
  if (validFrom === undefined) {
    return { outcome: 'warn', detail: validUntil ? `no ${names.from}; valid until ${formatDay(validUntil)}` : `no ${names.from} date` };
  }
  return { outcome: 'pass', detail: `valid from ${formatDay(validFrom)}${validUntil ? ` until ${formatDay(validUntil)}` : ' (no end date)'}` };
}

/** The strongest verdict of a list of checks (PRECEDENCE), or "verified". */
export function overallVerdict(checks) {
  for (const verdict of PRECEDENCE) if (checks.some((c) => c.verdict === verdict)) return verdict;
  return 'verified';
}

/** The overall status of a list of checks, one of STATUSES. */
export function overallStatus(checks) {
  const verdict = overallVerdict(checks);
  return STATUS_OF[verdict] || verdict;
}

function result(checks, extra = {}, more = []) {
  const list = CHECKS.map(({ id, label }) => {
    const c = checks[id] || { outcome: 'skip', detail: 'not checked' };
    const out = { id, label, outcome: c.outcome, detail: c.detail };
    if (c.verdict) out.verdict = c.verdict;
    if (c.reason) out.reason = c.reason;
    return out;
  });
  list.push(...more);
  return { status: overallStatus(list), verdict: overallVerdict(list), checks: list, ...extra };
}

function failedInput(message, extra = {}) {
  return result({ credential: { outcome: 'fail', verdict: 'invalid', detail: message } }, extra);
}

/** Verify a parsed credential object. */
export async function verifyCredential(doc, options = {}) {
  const now = options.now instanceof Date ? options.now : new Date();
  // `secured`: the key and signature checks already made of an enveloping
  // proof (VC-JWT); never passed on to status lists or embedded credentials.
  const { secured, ...rest } = options;
  options = { ...rest, now, controllerCache: options.controllerCache ?? new Map() };
  if (asArray(doc['@context']).includes(OB2_CONTEXT)) {
    const { verifyOb2 } = await import('./ob2.js'); // Open Badges 2.0: its own checks
    return verifyOb2(doc, options);
  }
  const checks = {};
  checks.credential = credentialShape(doc);
  if (checks.credential.outcome === 'fail') return result(checks, { credential: doc });
  const issuerId = issuerIdOf(doc);
  const { key, signature, methods = [] } = secured ?? (await checkSecured(doc, issuerId, options));
  checks.signature = signature;
  checks['issuer-key'] = { outcome: key.outcome, verdict: key.verdict, detail: key.detail };
  checks.dates = datesCheck(doc, now);
  if (signature.outcome !== 'pass' || key.outcome !== 'pass') {
    checks.status = {
      outcome: 'skip',
      detail: signature.outcome === 'skip' ? "not checked: the issuer's key could not be obtained" : 'not checked: the credential is not authentic',
    };
  } else {
    checks.status = await checkStatus(doc, options);
  }
  const extra = { credential: doc };
  const authentic = signature.outcome === 'pass' && key.outcome === 'pass';
  if (authentic && methods.some(isPreviewKey)) extra.preview = true;
  if (checks.status.revocation) extra.revocation = checks.status.revocation;
  const types = asArray(doc.type);
  let more = [];
  if (types.includes('ClrCredential')) {
    extra.kind = 'record';
    if (checks.status.outcome === 'skip' && asArray(doc.credentialStatus).length === 0) {
      checks.status = { outcome: 'skip', detail: 'the record has no status entry; that of each credential in it is checked below' };
    }
    more = authentic
      ? await checkEmbedded(doc, options)
      : [{ id: 'embedded', label: 'Credentials in the record', outcome: 'skip', detail: 'not checked: the record is not authentic' }];
  } else if (types.includes('EndorsementCredential')) {
    extra.kind = 'endorsement';
  }
  // What the credential says is shown only when it is the issuer's word: a
  // signature that holds under a key the issuer does not own says nothing.
  if (authentic) extra.summary = { ...summarize(doc), keys: methods, keyListed: true };
  return result(checks, extra, more);
}

/** One check per credential of a learner record, each verified as if it came alone. */
async function checkEmbedded(doc, options) {
  const subject = asArray(doc.credentialSubject)[0];
  const held = subject && typeof subject === 'object' ? asArray(subject.verifiableCredential) : [];
  const fail = (id, label, detail, verdict = 'invalid') => ({ id, label, outcome: 'fail', verdict, detail });
  if (held.length === 0) return [fail('embedded', 'Credentials in the record', 'the learner record holds no credentials')];
  if (held.length > MAX_EMBEDDED) {
    return [fail('embedded', 'Credentials in the record', `the learner record holds over ${MAX_EMBEDDED} credentials`)];
  }
  const checks = [];
  for (const [i, item] of held.entries()) {
    const id = `embedded-${i + 1}`;
    const name = text(item?.name) ? clip(item.name, 80) : null;
    const label = `Credential ${i + 1} of ${held.length}${name ? `: ${name}` : ''}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      checks.push(fail(id, label, 'not a credential object'));
      continue;
    }
    if (asArray(item.type).includes('ClrCredential')) {
      checks.push(fail(id, label, 'a learner record inside a learner record is not verified'));
      continue;
    }
    const inner = await verifyCredential(item, options);
    if (inner.verdict === 'verified') {
      const by = inner.summary?.issuerName || inner.summary?.issuerId;
      checks.push({ id, label, outcome: 'pass', detail: `verified${by ? `, issued by ${clip(by, 80)}` : ''}` });
    } else {
      const failed = inner.checks.find((c) => c.outcome === 'fail');
      checks.push(fail(id, label, `${inner.verdict}${failed ? `: ${failed.detail}` : ''}`, inner.verdict));
    }
  }
  return checks;
}

function clip(value, n) {
  const s = String(value);
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Verify JSON text (pasted, or extracted from a file). */
export async function verifyText(text, options = {}) {
  if (typeof text === 'string' && JWS.test(text.trim()) && utf8Length(text) <= MAX_INPUT_BYTES) return verifyJwtText(text, options);
  let doc;
  try {
    doc = parseCredentialText(text);
  } catch (err) {
    return failedInput(err.message);
  }
  return verifyCredential(doc, options);
}

const JWS = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/** A VC-JWT: its suite (loaded on demand) checks the envelope, the rest as for any credential. */
async function verifyJwtText(text, options) {
  const { JwtError, verifyJwt } = await import('./suites/vc-jwt.js');
  let envelope;
  try {
    envelope = await verifyJwt(text, options);
  } catch (err) {
    if (err instanceof JwtError) return failedInput(err.message);
    throw err;
  }
  const { credential, key, signature } = envelope;
  return { ...(await verifyCredential(credential, { ...options, secured: { key, signature } })), format: 'vc-jwt' };
}

/** The result for a file over the size limit (refused before it is read). */
export function tooLarge() {
  return failedInput(`the file is too large (over ${MAX_INPUT_BYTES / 1048576} MB)`);
}

/** Verify the bytes of a file: JSON, a baked PNG or a baked SVG. */
export async function verifyBytes(bytes, options = {}) {
  if (bytes.length > MAX_INPUT_BYTES) return tooLarge();
  let extracted;
  try {
    extracted = await extractCredentialText(bytes, options);
  } catch (err) {
    if (err instanceof BakedError) return failedInput(err.message);
    throw err;
  }
  // an Open Badges 2.0 bake may hold only its hosted assertion's URL
  const url = extracted.source !== 'json' && httpUrl(extracted.text.trim());
  const out = url ? await verifyUrl(url.href, options) : await verifyText(extracted.text, options);
  return { ...out, text: extracted.text, source: extracted.source };
}

/** Fetch `url` (JSON or a baked image) and verify it. */
export async function verifyUrl(url, options = {}) {
  let fetched;
  try {
    fetched = await fetchBytes(url, options);
  } catch (err) {
    if (err instanceof FetchError) {
      return result({ credential: { outcome: 'fail', verdict: 'unreachable', detail: err.message } });
    }
    throw err;
  }
  return verifyBytes(fetched.bytes, options);
}

// ---------------------------------------------------------------------------
// What the credential says (shown only when the issuer's signature holds).

const IMAGE_DATA_URL = /^data:image\/(png|svg\+xml)[;,]/i;

/** An image URL safe to put in <img src>, or null. */
export function safeImageUrl(url) {
  if (typeof url !== 'string' || url.length > MAX_INPUT_BYTES) return null;
  if (IMAGE_DATA_URL.test(url)) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

const text = (v) => (typeof v === 'string' ? v : null);

function imageOf(obj, fallbackAlt) {
  const img = obj?.image;
  const id = typeof img === 'string' ? img : img && typeof img === 'object' ? img.id : null;
  const src = safeImageUrl(id);
  if (!src) return null;
  return { src, alt: text(img?.caption) || fallbackAlt || 'badge image' };
}

/** The recipient's name, when the credential gives one (credentialSubject.name, or a plain "name" identifier). */
export function recipientName(doc) {
  for (const subject of asArray(doc.credentialSubject)) {
    if (!subject || typeof subject !== 'object') continue;
    if (text(subject.name)?.trim()) return subject.name.trim();
    for (const ident of asArray(subject.identifier)) {
      if (ident && typeof ident === 'object' && ident.hashed === false && ident.identityType === 'name' && text(ident.identityHash)?.trim()) {
        return ident.identityHash.trim();
      }
    }
  }
  return null;
}

/** Recipient identifiers: [{kind: 'id'|'hashed'|'plain', value, identityType?, salt?}]. */
export function recipientIdentifiers(doc) {
  const out = [];
  for (const subject of asArray(doc.credentialSubject)) {
    if (!subject || typeof subject !== 'object') continue;
    if (typeof subject.id === 'string') out.push({ kind: 'id', value: subject.id });
    for (const ident of asArray(subject.identifier)) {
      if (!ident || typeof ident !== 'object' || typeof ident.identityHash !== 'string') continue;
      out.push({
        kind: ident.hashed === false ? 'plain' : 'hashed',
        value: ident.identityHash,
        identityType: text(ident.identityType) || 'identifier',
        salt: typeof ident.salt === 'string' ? ident.salt : '',
      });
    }
  }
  return out;
}

export function summarize(doc) {
  const subject = asArray(doc.credentialSubject)[0] || {};
  const types = asArray(doc.type);
  const record = types.includes('ClrCredential');
  const endorsement = !record && types.includes('EndorsementCredential');
  const single = subject.achievement && typeof subject.achievement === 'object' && !Array.isArray(subject.achievement);
  const achievement = single && !record ? subject.achievement : null;
  const name = text(achievement?.name) || text(doc.name);
  const issuer = doc.issuer && typeof doc.issuer === 'object' ? doc.issuer : {};
  const summary = {
    kind: record ? 'record' : endorsement ? 'endorsement' : 'credential',
    achievementName: name,
    achievementDescription: text(achievement?.description) || text(doc.description),
    image: imageOf(achievement, name) || imageOf(doc, name),
    issuerName: text(issuer.name),
    issuerId: issuerIdOf(doc),
    // an endorsement's subject is what it endorses, not a person
    recipients: endorsement ? [] : recipientIdentifiers(doc),
    recipientName: endorsement ? null : recipientName(doc),
    validFrom: text(doc.validFrom),
    validUntil: text(doc.validUntil),
    credentialId: text(doc.id),
  };
  if (endorsement) {
    summary.endorsed = text(subject.id);
    summary.comment = text(subject.endorsementComment);
  }
  if (record) {
    summary.achievements = asArray(subject.achievement)
      .map((a) => (a && typeof a === 'object' ? text(a.name) : null))
      .filter(Boolean);
    summary.credentialCount = asArray(subject.verifiableCredential).length;
  }
  return summary;
}

/**
 * Whether `email` is the credential's recipient: for every hashed identifier,
 * 'sha256$' + hex(SHA-256(identity + salt)), with the email as typed and
 * lower-cased and trimmed. Returns {checked: n, match: boolean}.
 */
export async function matchRecipient(doc, email) {
  const ids = recipientIdentifiers(doc).filter((r) => r.kind !== 'id');
  const variants = [...new Set([email, String(email).trim().toLowerCase()])].filter(Boolean);
  let checked = 0;
  for (const id of ids) {
    if (id.kind === 'plain') {
      checked++;
      if (variants.some((v) => v.toLowerCase() === id.value.trim().toLowerCase())) return { checked, match: true };
      continue;
    }
    const [alg, hex] = id.value.split('$');
    if (alg.toLowerCase() !== 'sha256' || !hex) continue;
    checked++;
    for (const v of variants) {
      if (`${toHex(await sha256(utf8(v + id.salt)))}` === hex.toLowerCase()) return { checked, match: true };
    }
  }
  return { checked, match: false };
}
