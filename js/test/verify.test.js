// End-to-end verification of Badgepress-made credentials with a stubbed network.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKS, matchRecipient, overallStatus, safeImageUrl, verifyCredential, verifyText, verifyUrl } from '../verify/verify.js';
import { clone, fixture, stubFetch } from '../testing/helpers.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const issuer = fixture('issuer.json');
const network = (overrides = {}) => ({ [issuer.didUrl]: issuer.didDocument, [issuer.statusListUrl]: fixture('status-list.json'), ...overrides });

async function run(doc, { routes = network(), now = NOW, log = [] } = {}) {
  return verifyCredential(doc, { fetch: stubFetch(routes, log), now });
}
const outcomes = (r) => Object.fromEntries(r.checks.map((c) => [c.id, c.outcome]));

test('a valid Badgepress credential is verified, with its summary', async () => {
  const log = [];
  const r = await run(fixture('credential.json'), { log });
  assert.equal(r.status, 'verified');
  assert.deepEqual(r.checks.map((c) => [c.id, c.label]), CHECKS.map((c) => [c.id, c.label]));
  assert.deepEqual(Object.values(outcomes(r)), ['pass', 'pass', 'pass', 'pass', 'pass']);
  assert.deepEqual(log, [issuer.didUrl, issuer.statusListUrl]); // nothing else, no context
  assert.equal(r.summary.achievementName, 'Intro to Testing');
  assert.equal(r.summary.issuerName, 'Example Badge Program');
  assert.deepEqual(r.summary.image, { src: 'https://example.org/badges/achievements/intro-to-testing.png', alt: 'Intro to Testing badge' });
  assert.equal(r.summary.recipients[0].kind, 'hashed');
  assert.equal(r.summary.validFrom, '2026-01-15T10:00:00Z');
});

test('revoked, expired and not-yet-valid credentials', async () => {
  const revoked = await run(fixture('revoked.json'));
  assert.equal(revoked.status, 'revoked');
  assert.equal(outcomes(revoked).status, 'fail');
  const expired = await run(fixture('expired.json'));
  assert.equal(expired.status, 'expired');
  assert.match(expired.checks.find((c) => c.id === 'dates').detail, /expired on 1 February 2026/); // UTC, as the site writes dates
  const future = await run(fixture('not-yet-valid.json'));
  assert.equal(future.status, 'expired'); // the page's status keeps its five values
  assert.equal(future.verdict, 'not-yet-valid');
  assert.match(future.checks.find((c) => c.id === 'dates').detail, /not valid yet/);
});

test('no credentialStatus: the revocation check is skipped', async () => {
  const r = await run(fixture('no-status.json'));
  assert.equal(r.status, 'verified');
  assert.equal(outcomes(r).status, 'skip');
});

test('did:key issuer: verified without any fetch', async () => {
  const log = [];
  const r = await run(fixture('did-key.json'), { routes: {}, log });
  assert.equal(r.status, 'verified');
  assert.deepEqual(log, []);
});

test('tampering: any change to the credential or the proof is invalid', async () => {
  const edits = [
    (d) => { d.credentialSubject.achievement.name = 'Advanced Testing'; },
    (d) => { d.validFrom = '2026-01-15T10:00:01Z'; },
    (d) => { d.issuer.name = 'Someone Else'; },
    (d) => { d.credentialSubject.identifier[0].salt = '0000'; },
    (d) => { d.proof[0].created = '2026-01-15T10:00:01Z'; },
    (d) => { delete d.credentialStatus; },
  ];
  for (const edit of edits) {
    const doc = clone(fixture('credential.json'));
    edit(doc);
    const r = await run(doc);
    assert.equal(r.status, 'invalid', edit.toString());
    assert.equal(outcomes(r).signature, 'fail');
    assert.equal(outcomes(r).status, 'skip');
    assert.equal(r.summary, undefined, 'no details shown for an inauthentic credential');
  }
});

test('undefined terms are invalid even when nothing else changed', async () => {
  const doc = clone(fixture('credential.json'));
  doc.credentialSubject.achievement.secretSauce = 'unsigned';
  const r = await run(doc);
  assert.equal(r.status, 'invalid');
  assert.match(r.checks.find((c) => c.id === 'signature').detail, /undefined term.*secretSauce/);
});

test('wrong key, key not an assertion method, controller not the issuer', async () => {
  const stranger = await run(fixture('stranger-key.json'));
  assert.equal(stranger.status, 'invalid');
  assert.equal(outcomes(stranger).signature, 'fail');
  assert.equal(outcomes(stranger)['issuer-key'], 'pass');
  const old = await run(fixture('old-key.json'));
  assert.equal(old.status, 'invalid');
  assert.equal(outcomes(old).signature, 'pass');
  assert.equal(outcomes(old)['issuer-key'], 'fail');
  assert.equal(old.summary, undefined, 'no details shown for a credential its issuer did not sign');
  const didDoc = clone(issuer.didDocument);
  didDoc.verificationMethod[0].controller = 'did:web:evil.example';
  const ctrl = await run(fixture('credential.json'), { routes: network({ [issuer.didUrl]: didDoc }) });
  assert.equal(ctrl.status, 'invalid');
  assert.equal(outcomes(ctrl)['issuer-key'], 'fail');
});

test('unreachable: DID document or status list cannot be fetched', async () => {
  const noDid = await run(fixture('credential.json'), { routes: { [issuer.statusListUrl]: fixture('status-list.json') } });
  assert.equal(noDid.status, 'unreachable');
  assert.deepEqual([outcomes(noDid).signature, outcomes(noDid)['issuer-key'], outcomes(noDid).status], ['skip', 'fail', 'skip']);
  const noList = await run(fixture('credential.json'), { routes: { [issuer.didUrl]: issuer.didDocument } });
  assert.equal(noList.status, 'unreachable');
  // an unreachable key does not hide an undefined term
  const doc = clone(fixture('credential.json'));
  doc.extra = 1;
  assert.equal((await run(doc, { routes: {} })).status, 'invalid');
  // precedence: unreachable beats expired
  assert.equal((await run(fixture('expired.json'), { routes: { [issuer.didUrl]: issuer.didDocument } })).status, 'unreachable');
});

test('input limits and malformed input', async () => {
  const big = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
  let r = await verifyText(big);
  assert.equal(r.status, 'invalid');
  assert.match(r.checks[0].detail, /too large/);
  assert.deepEqual(r.checks.slice(1).map((c) => c.outcome), ['skip', 'skip', 'skip', 'skip']);
  r = await verifyText('['.repeat(65) + ']'.repeat(65));
  assert.match(r.checks[0].detail, /too deeply nested/);
  r = await verifyText(`{"a":${'['.repeat(63)}"[[[[[[[[[[[[[[[[[[[[[[[["${']'.repeat(63)}}`);
  assert.doesNotMatch(r.checks[0].detail, /nested/); // brackets inside strings do not count
  r = await verifyText('{"a": 1,}');
  assert.match(r.checks[0].detail, /not valid JSON/);
  r = await verifyText('eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln'); // a VC-JWT of an empty credential
  assert.equal(r.status, 'invalid');
  assert.equal(r.format, 'vc-jwt');
  r = await verifyText('eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln');
  assert.match(r.checks[0].detail, /JWT payload is not a base64url JSON object/);
  r = await verifyText('');
  assert.equal(r.status, 'invalid');
  r = await verifyText('[1,2]');
  assert.equal(r.status, 'invalid');
});

test('not an OB 3.0 / VC 2.0 credential', async () => {
  const doc = clone(fixture('credential.json'));
  doc.type = ['VerifiableCredential', 'AlumniCredential'];
  assert.equal((await run(doc)).status, 'invalid');
  const v1 = { ...clone(fixture('credential.json')), '@context': ['https://www.w3.org/2018/credentials/v1'] };
  const r = await run(v1);
  assert.equal(r.status, 'invalid');
  assert.match(r.checks[0].detail, /Verifiable Credentials 1\.1/);
  assert.match(r.checks.find((c) => c.id === 'dates').detail, /must have an issuanceDate/);
});

test('verifyUrl: fetches the credential; fetch failures are unreachable', async () => {
  const url = 'https://example.org/badges/credentials/valid-7.json';
  const r = await verifyUrl(url, { fetch: stubFetch(network({ [url]: JSON.stringify(fixture('credential.json'), null, 2) })), now: NOW });
  assert.equal(r.status, 'verified');
  assert.match(r.text, /^\{\n/);
  const gone = await verifyUrl(url, { fetch: stubFetch({}), now: NOW });
  assert.equal(gone.status, 'unreachable');
  assert.equal((await verifyUrl('javascript:alert(1)', { fetch: stubFetch({}) })).status, 'unreachable');
});

test('recipient check: sha256$ of email + salt, as typed or lower-cased', async () => {
  const doc = fixture('credential.json');
  assert.deepEqual(await matchRecipient(doc, issuer.email), { checked: 1, match: true });
  assert.deepEqual(await matchRecipient(doc, '  Alice@Example.ORG '), { checked: 1, match: true });
  assert.deepEqual(await matchRecipient(doc, 'bob@example.org'), { checked: 1, match: false });
  const plain = { credentialSubject: { identifier: [{ identityHash: 'carol@example.org', hashed: false }] } };
  assert.equal((await matchRecipient(plain, 'Carol@example.org')).match, true);
});

test('images: only http(s) and data:image/png|svg+xml URLs', () => {
  assert.equal(safeImageUrl('https://x.example/a.png'), 'https://x.example/a.png');
  assert.equal(safeImageUrl('data:image/png;base64,AAAA'), 'data:image/png;base64,AAAA');
  assert.equal(safeImageUrl('data:image/svg+xml;base64,AAAA'), 'data:image/svg+xml;base64,AAAA');
  for (const bad of ['javascript:alert(1)', 'data:text/html,<script>', 'file:///etc/passwd', 'blob:https://x/y', '/relative.png', 42, null]) {
    assert.equal(safeImageUrl(bad), null, String(bad));
  }
});

test('overall status precedence', () => {
  const s = (...verdicts) => overallStatus(verdicts.map((v) => ({ verdict: v })));
  assert.equal(s('expired', 'revoked'), 'revoked');
  assert.equal(s('revoked', 'unreachable'), 'unreachable');
  assert.equal(s('unreachable', 'invalid'), 'invalid');
  assert.equal(s(undefined), 'verified');
});
