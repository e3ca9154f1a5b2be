// Open Badges 2.0 assertions (still most badges in circulation): what a
// static page can confirm of a hosted assertion. Loaded only for one.
//
// A hosted assertion is the issuer's word when the copy at its id URL says
// the same, that URL lies within the issuer's verification policy (by
// default: on the host of the issuer's id, as the 1EdTech validator reads
// it), and the chain assertion -> BadgeClass -> Issuer resolves. Revocation
// is the hosted copy's `revoked`, or the issuer's revocationList. A signed
// (JWS) 2.0 assertion is not verified here, and it says so. When the issuer's
// site refuses cross-origin requests the page cannot confirm anything, and
// says that too: the result is "unreachable", never "verified".

import { asArray, isDateTime } from './eddsa.js';
import { FetchError, fetchJson, httpUrl } from './fetch.js';
import { safeImageUrl } from './verify.js';

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';

export const CHECKS = Object.freeze([
  { id: 'credential', label: 'Open Badges 2.0 assertion' },
  { id: 'hosted', label: 'Hosted by the issuer' },
  { id: 'issuer', label: 'Badge and issuer' },
  { id: 'dates', label: 'Validity dates' },
  { id: 'status', label: 'Revocation status' },
]);

/** Whether `doc` is an Open Badges 2.0 assertion. */
export function isOb2Assertion(doc) {
  return asArray(doc?.['@context']).includes(OB2_CONTEXT) && asArray(doc?.type).includes('Assertion');
}

const CORS_NOTE =
  "the issuer's site did not answer this page (it may not allow cross-origin requests, or be offline), so the hosted assertion cannot be confirmed here; `badgepress verify` can check it from a command line";

class Stop extends Error {
  constructor(check) {
    super(check.detail);
    this.check = check;
  }
}

const fail = (detail, verdict = 'invalid', reason) => ({ outcome: 'fail', verdict, detail, ...(reason ? { reason } : {}) });
const idOf = (v) => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof v.id === 'string' ? v.id : null);

async function fetchNode(value, what, options) {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value; // embedded
  if (!httpUrl(value)) throw new Stop(fail(`the ${what} is not an http(s) URL`));
  try {
    const node = await fetchJson(value, options);
    if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Stop(fail(`the ${what} is not a JSON object`));
    return node;
  } catch (err) {
    if (err instanceof FetchError) throw new Stop(fail(`could not fetch the ${what}: ${err.message}; ${CORS_NOTE}`, 'unreachable'));
    throw err;
  }
}

function inPolicy(assertionId, issuer) {
  const policy = issuer.verification && typeof issuer.verification === 'object' ? issuer.verification : {};
  const starts = asArray(policy.startsWith).filter((s) => typeof s === 'string');
  if (starts.length && !starts.some((s) => assertionId.startsWith(s))) {
    return 'the assertion URL does not start with a prefix of the issuer\'s verification policy';
  }
  const issuerUrl = httpUrl(idOf(issuer));
  if (!issuerUrl) return "the issuer's id is not an http(s) URL, so no hosting policy can be checked";
  const origins = asArray(policy.allowedOrigins ?? issuerUrl.host).filter((s) => typeof s === 'string');
  return origins.includes(httpUrl(assertionId).host) ? null : `the assertion is not hosted on the issuer's domain (${origins.join(', ')})`;
}

/** Verify an Open Badges 2.0 assertion; a result shaped as verify.js's. */
export async function verifyOb2(doc, options = {}) {
  const now = options.now instanceof Date ? options.now : new Date();
  const checks = {};
  let hosted = doc;
  let badge = null;
  let issuer = null;
  try {
    const type = doc.verification?.type;
    if (type === 'signed' || type === 'SignedBadge') {
      throw new Stop(fail('a signed (JWS) Open Badges 2.0 assertion: its signature is not checked here, so it cannot be confirmed', 'unreachable'));
    }
    if (!httpUrl(doc.id)) throw new Stop(fail('a hosted assertion must have an http(s) id, the URL where its issuer hosts it'));
    checks.credential = { outcome: 'pass', detail: 'Open Badges 2.0 assertion, hosted verification' };
    hosted = await fetchNode(doc.id, 'hosted assertion', options);
    if (hosted.id !== doc.id) throw new Stop({ ...fail('the document at the assertion URL has another id'), at: 'hosted' });
    for (const field of ['recipient', 'badge', 'issuedOn', 'expires']) {
      if (JSON.stringify(hosted[field]) !== JSON.stringify(doc[field]) && hosted.revoked !== true) {
        throw new Stop({ ...fail(`the copy given differs from the one the issuer hosts (${field})`), at: 'hosted' });
      }
    }
    checks.hosted = { outcome: 'pass', detail: `the issuer hosts it at ${doc.id.slice(0, 160)} (fetched just now)` };
    if (hosted.revoked === true) {
      checks.status = fail(`revoked by the issuer${typeof hosted.revocationReason === 'string' ? `: ${hosted.revocationReason.slice(0, 200)}` : ''}`, 'revoked', 'revoked');
    }
    badge = await fetchNode(hosted.badge ?? doc.badge, 'BadgeClass', options);
    issuer = await fetchNode(badge.issuer, 'issuer profile', options);
    const outside = inPolicy(doc.id, issuer);
    if (outside) throw new Stop({ ...fail(outside), at: 'issuer' });
    checks.issuer = { outcome: 'pass', detail: `${String(badge.name ?? 'the badge').slice(0, 80)}, by ${String(issuer.name ?? idOf(issuer)).slice(0, 80)}; hosted on the issuer's domain` };
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const at = err.check.at ?? (!checks.credential ? 'credential' : !checks.hosted ? 'hosted' : 'issuer');
    const { at: _, ...check } = err.check;
    checks[at] = check;
    return finish(checks, doc, null);
  }
  checks.dates = datesOf(hosted, now);
  if (!checks.status) checks.status = await revocationOf(doc.id, issuer, options);
  return finish(checks, hosted, { badge, issuer });
}

function datesOf(assertion, now) {
  const { issuedOn, expires } = assertion;
  for (const [name, value] of [['issuedOn', issuedOn], ['expires', expires]]) {
    if (value !== undefined && !(isDateTime(value) || /^\d{4}-\d{2}-\d{2}$/.test(value))) return fail(`${name} is not a date`);
  }
  if (issuedOn !== undefined && Date.parse(issuedOn) > now.getTime()) return fail(`not valid yet: issued on ${issuedOn}`, 'expired', 'not-yet-valid');
  if (expires !== undefined && Date.parse(expires) <= now.getTime()) return fail(`expired on ${expires}`, 'expired', 'expired');
  return { outcome: 'pass', detail: `issued on ${issuedOn ?? '(no date)'}${expires ? `, expires ${expires}` : ' (no end date)'}` };
}

async function revocationOf(assertionId, issuer, options) {
  if (!issuer.revocationList) return { outcome: 'pass', detail: 'not revoked: the hosted assertion is not marked revoked (the issuer has no revocation list)' };
  let list;
  try {
    list = await fetchNode(issuer.revocationList, 'revocation list', options);
  } catch (err) {
    if (err instanceof Stop) return err.check;
    throw err;
  }
  const hit = asArray(list.revokedAssertions).find((a) => idOf(a) === assertionId);
  if (hit) {
    const why = typeof hit === 'object' && typeof hit.revocationReason === 'string' ? `: ${hit.revocationReason.slice(0, 200)}` : '';
    return fail(`revoked by the issuer (revocation list)${why}`, 'revoked', 'revoked');
  }
  return { outcome: 'pass', detail: "not revoked (the hosted assertion and the issuer's revocation list, checked just now)" };
}

const PRECEDENCE = ['invalid', 'unreachable', 'revoked', 'expired'];

function finish(checks, assertion, chain) {
  const list = CHECKS.map(({ id, label }) => {
    const c = checks[id] || { outcome: 'skip', detail: 'not checked' };
    return { id, label, ...c };
  });
  const status = PRECEDENCE.find((s) => list.some((c) => c.verdict === s)) ?? 'verified';
  const out = { status, checks: list, credential: assertion, format: 'ob2' };
  if (chain) {
    const { badge, issuer } = chain;
    const recipient = assertion.recipient && typeof assertion.recipient === 'object' ? assertion.recipient : {};
    const image = safeImageUrl(typeof badge.image === 'string' ? badge.image : idOf(badge.image));
    out.summary = {
      kind: 'credential',
      achievementName: typeof badge.name === 'string' ? badge.name : null,
      achievementDescription: typeof badge.description === 'string' ? badge.description : null,
      image: image ? { src: image, alt: String(badge.name ?? 'badge image') } : null,
      issuerName: typeof issuer.name === 'string' ? issuer.name : null,
      issuerId: idOf(issuer),
      recipients:
        typeof recipient.identity === 'string'
          ? [{ kind: recipient.hashed === false ? 'plain' : 'hashed', value: recipient.identity, identityType: String(recipient.type ?? 'identifier'), salt: typeof recipient.salt === 'string' ? recipient.salt : '' }]
          : [],
      validFrom: typeof assertion.issuedOn === 'string' ? assertion.issuedOn : null,
      validUntil: typeof assertion.expires === 'string' ? assertion.expires : null,
      credentialId: assertion.id,
    };
  }
  return out;
}
