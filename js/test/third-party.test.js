// Credentials signed by other implementations (tests/data/third-party/):
// the page's verifier gives each the outcome manifest.json expects, offline.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, clone, readJson, stubFetch } from '../testing/helpers.js';
import { verifyBytes, verifyCredential, verifyText } from '../verify/verify.js';

const DIR = 'tests/data/third-party';
const manifest = readJson(`${DIR}/manifest.json`);
const routes = Object.fromEntries(Object.entries(manifest.routes).map(([url, file]) => [url, readJson(`${DIR}/${file}`)]));
const now = new Date(manifest.clock);

const text = (file) => readFileSync(join(ROOT, DIR, file), 'utf8');

/** The credential (JSON) or the VC-JWT (text) with one character of its name (2.0: recipient) changed. */
export function tampered(file) {
  if (!file.endsWith('.jwt')) {
    const doc = clone(readJson(`${DIR}/${file}`));
    if (doc.recipient) doc.recipient.identity = doc.recipient.identity.replace(/.$/, '0'); // Open Badges 2.0
    else doc.name = `${doc.name ?? ''}!`;
    return JSON.stringify(doc);
  }
  const [h, p, s] = text(file).trim().split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const credential = payload.vc ?? payload;
  credential.name = `${credential.name}!`;
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

// the distinct reason a failing check gives (not yet valid, suspended...)
const reasonOf = (r) => r.checks.find((c) => c.reason)?.reason;

for (const entry of manifest.credentials) {
  test(`${entry.file}: ${entry.expect}`, async () => {
    const r = await verifyText(text(entry.file), { fetch: stubFetch(routes), now });
    assert.equal(r.status, entry.expect, JSON.stringify(r.checks, null, 1));
    if (entry.reason) assert.equal(reasonOf(r), entry.reason);
  });
  if (entry.expect !== 'verified') continue;
  test(`${entry.file}, tampered: invalid`, async () => {
    const r = await verifyText(tampered(entry.file), { fetch: stubFetch(routes), now });
    assert.equal(r.status, 'invalid');
    assert.match(r.checks.find((c) => c.outcome === 'fail').detail, /does not match|differs from the one the issuer hosts/);
  });
}

test('a proof set: every proof must hold, in a suite this page supports (VC Data Integrity)', async () => {
  const doc = clone(readJson(`${DIR}/dcc-verifier-core/v2DoubleSigWithValidStatus.json`));
  const r = await verifyCredential(doc, { fetch: stubFetch(routes), now });
  assert.match(r.checks.find((c) => c.id === 'signature').detail, /eddsa-rdfc-2022: unchanged.*Ed25519Signature2020: unchanged/);
  const broken = clone(doc);
  broken.proof[1].proofValue = broken.proof[0].proofValue; // a valid signature, for the other proof
  const b = await verifyCredential(broken, { fetch: stubFetch(routes), now });
  assert.equal(b.status, 'invalid');
  assert.match(b.checks.find((c) => c.id === 'signature').detail, /proof 2 of 2 \(Ed25519Signature2020\): the signature does not match/);
  const extra = clone(doc);
  extra.proof.push({ type: 'BbsBlsSignature2020', proofPurpose: 'assertionMethod' });
  const e = await verifyCredential(extra, { fetch: stubFetch(routes), now });
  assert.equal(e.status, 'invalid');
  assert.match(e.checks.find((c) => c.id === 'signature').detail, /proof 3 of 3: unsupported proof BbsBlsSignature2020/);
});

test('VC 1.1 dates: issuanceDate in the future is not yet valid, expirationDate passed is expired', async () => {
  const doc = readJson(`${DIR}/dcc-verifier-core/v1NoStatus.json`);
  const early = await verifyCredential(doc, { fetch: stubFetch(routes), now: new Date('2020-01-01T00:00:00Z') });
  const dates = early.checks.find((c) => c.id === 'dates');
  assert.equal(early.status, 'expired');
  assert.equal(early.verdict, 'not-yet-valid');
  assert.equal(dates.reason, 'not-yet-valid');
  const late = await verifyCredential(readJson(`${DIR}/dcc-verifier-core/v1Expired.json`), { fetch: stubFetch(routes), now });
  assert.equal(late.checks.find((c) => c.id === 'dates').reason, 'expired');
});

test('a VC-JWT baked into an SVG (verify attribute) verifies like the JWT itself', async () => {
  const { DOMParser } = await import('@xmldom/xmldom');
  const jwt = text('generated/jwt-es256-did-web-vc2.jwt').trim();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="${jwt}"/></svg>`;
  const r = await verifyBytes(new TextEncoder().encode(svg), { fetch: stubFetch(routes), now, DOMParser });
  assert.equal(r.status, 'verified');
  assert.equal(r.source, 'svg');
});

test('an Open Badges 2.0 image baked with its hosted URL verifies through the hosted chain', async () => {
  const { DOMParser } = await import('@xmldom/xmldom');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/beths-robotics-badge.json"/></svg>';
  const r = await verifyBytes(new TextEncoder().encode(svg), { fetch: stubFetch(routes), now, DOMParser });
  assert.equal(r.status, 'verified');
  assert.equal(r.summary.achievementName, 'Awesome Robotics Badge');
  assert.equal(r.checks.find((c) => c.id === 'hosted').outcome, 'pass');
});

test('known issuers: which registry lists the issuer, and which could not be read', async () => {
  const { REGISTRIES, describeLookup, lookupIssuer } = await import('../verify/registries.js');
  const [pilot, , community, dcc] = REGISTRIES.map((r) => r.url); // the sandbox one answers 404
  const fetch = stubFetch({
    [pilot]: readJson(`${DIR}/registries/empty-registry.json`),
    [community]: readJson(`${DIR}/registries/community-registry.json`),
    [dcc]: readJson(`${DIR}/registries/empty-registry.json`),
  });
  const issuer = 'did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q';
  const found = await lookupIssuer(issuer, { fetch });
  assert.deepEqual(found.found.map((f) => f.registry), ['DCC Community Registry']);
  assert.deepEqual(found.unchecked.map((u) => u.registry), ['DCC Sandbox Registry']);
  assert.equal(
    describeLookup(found),
    'DCC Community Registry lists it as DCC verifier-core test issuer (Cambridge, MA, USA). Could not read: DCC Sandbox Registry.',
  );
  assert.match(describeLookup(await lookupIssuer('did:web:nobody.example', { fetch })), /^None of the 3 registries read lists this issuer/);
  assert.equal((await lookupIssuer('constructor', { fetch })).found.length, 0);
});

test('an Ed25519 key published as publicKeyJwk serves as well as publicKeyMultibase', async () => {
  const { decodeEd25519Multikey } = await import('../verify/encoding.js');
  const did = 'did:web:digitalcredentials.github.io:dcc-did-web-bad';
  const multibase = 'z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q';
  const x = Buffer.from(decodeEd25519Multikey(multibase)).toString('base64url');
  const document = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: did,
    verificationMethod: [{ id: `${did}#${multibase}`, type: 'JsonWebKey', controller: did, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }],
    assertionMethod: [`${did}#${multibase}`],
  };
  const fetch = stubFetch({ ...routes, 'https://digitalcredentials.github.io/dcc-did-web-bad/did.json': document });
  const r = await verifyText(text('dcc-verifier-core/v2WithBadDidWeb.json'), { fetch, now });
  assert.equal(r.status, 'verified');
});

test('malformed VC-JWTs are refused with a reason, never with an unexpected error', async () => {
  const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const payload = enc({ vc: { '@context': ['https://www.w3.org/2018/credentials/v1'] } });
  const cases = [
    [`${enc({ alg: 'none' })}.${payload}.c2ln`, /unsupported JWT algorithm none/],
    [`${enc({ alg: 'HS256', kid: 'x' })}.${payload}.c2ln`, /unsupported JWT algorithm HS256/],
    [`${enc({ alg: 'EdDSA', crit: ['b64'] })}.${payload}.c2ln`, /critical header/],
    [`${enc({ alg: 'EdDSA' })}.${enc({ nothing: 1 })}.c2ln`, /carries no credential/],
    [`${enc({ alg: 'EdDSA' })}.${enc({ iss: 'did:key:a', vc: { issuer: 'did:key:b' } })}.c2ln`, /iss .* is not the credential's issuer/],
    [`${enc({ alg: 'EdDSA' })}.${payload}.a`, /signature is not base64url/],
  ];
  for (const [jwt, reason] of cases) {
    const r = await verifyText(jwt, { fetch: stubFetch({}), now });
    assert.equal(r.status, 'invalid', jwt);
    assert.match(r.checks.find((c) => c.outcome === 'fail').detail, reason);
  }
});
