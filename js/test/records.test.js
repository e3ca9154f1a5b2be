// Learner records (CLR 2.0 ClrCredential) and endorsements, with a stubbed network.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKS, MAX_EMBEDDED, summarize, verifyCredential } from '../verify/verify.js';
import { clone, fixture, stubFetch } from '../testing/helpers.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const issuer = fixture('issuer.json');
const network = () => ({ [issuer.didUrl]: issuer.didDocument, [issuer.statusListUrl]: fixture('status-list.json') });

async function run(doc, { routes = network(), log = [] } = {}) {
  return verifyCredential(doc, { fetch: stubFetch(routes, log), now: NOW });
}
const outcomes = (r) => r.checks.map((c) => `${c.id}:${c.outcome}`);

test('a learner record: its own proof, then one check per credential it holds', async () => {
  const log = [];
  const r = await run(fixture('clr.json'), { log });
  assert.equal(r.status, 'verified');
  assert.equal(r.kind, 'record');
  assert.deepEqual(outcomes(r), [
    ...CHECKS.map((c) => `${c.id}:${c.id === 'status' ? 'skip' : 'pass'}`),
    'embedded-1:pass',
    'embedded-2:pass',
  ]);
  assert.equal(r.checks[0].detail, 'ClrCredential (Verifiable Credentials 2.0)');
  assert.deepEqual(
    r.checks.slice(5).map((c) => [c.label, c.detail]),
    [
      ['Credential 1 of 2: Intro to Testing', 'verified, issued by Example Badge Program'],
      ['Credential 2 of 2: Intro to Testing', 'verified, issued by Example Badge Program'],
    ],
  );
  assert.equal(log.filter((u) => u === issuer.didUrl).length, 1, 'the DID document is fetched once');
  assert.equal(r.summary.kind, 'record');
  assert.equal(r.summary.achievementName, 'Learner record of Alice');
  assert.deepEqual(r.summary.achievements, ['Intro to Testing']);
  assert.equal(r.summary.credentialCount, 2);
  assert.equal(r.summary.recipients[0].kind, 'hashed', 'the learner can check their email against the record');
});

test('a revoked credential in the record makes the record revoked', async () => {
  const r = await run(fixture('clr-revoked.json'));
  assert.equal(r.status, 'revoked');
  const second = r.checks.find((c) => c.id === 'embedded-2');
  assert.equal(second.outcome, 'fail');
  assert.equal(second.verdict, 'revoked');
  assert.match(second.detail, /^revoked: revoked by the issuer/);
  assert.equal(r.checks.find((c) => c.id === 'embedded-1').outcome, 'pass');
});

test('a record changed after signing is invalid, and its credentials are not checked', async () => {
  const doc = clone(fixture('clr.json'));
  doc.credentialSubject.verifiableCredential[1].name = 'Advanced Testing';
  const r = await run(doc);
  assert.equal(r.status, 'invalid');
  assert.equal(r.checks.find((c) => c.id === 'signature').outcome, 'fail');
  assert.deepEqual(r.checks.slice(5).map((c) => `${c.id}:${c.outcome}`), ['embedded:skip']);
  assert.equal(r.summary, undefined);
});

test('what a record holds is checked even when the issuer signed the record', async () => {
  // fixtures signed by the issuer's key around a changed credential, none, and a record
  const r = await run(fixture('clr-tampered-inside.json'));
  assert.equal(r.status, 'invalid');
  assert.equal(r.checks.find((c) => c.id === 'signature').outcome, 'pass');
  const first = r.checks.find((c) => c.id === 'embedded-1');
  assert.equal(first.outcome, 'fail');
  assert.equal(first.label, 'Credential 1 of 2: Intro to Testing');
  assert.match(first.detail, /^invalid: the signature does not match/);
  assert.equal(r.checks.find((c) => c.id === 'embedded-2').outcome, 'pass');

  const none = await run(fixture('clr-empty.json'));
  assert.equal(none.status, 'invalid');
  assert.deepEqual(none.checks.at(-1), {
    id: 'embedded',
    label: 'Credentials in the record',
    outcome: 'fail',
    verdict: 'invalid',
    detail: 'the learner record holds no credentials',
  });

  const nested = await run(fixture('clr-nested.json'));
  assert.equal(nested.status, 'invalid');
  assert.equal(nested.checks.at(-1).label, 'Credential 1 of 1: Learner record of Alice');
  assert.match(nested.checks.at(-1).detail, /a learner record inside a learner record/);
  assert.ok(MAX_EMBEDDED >= 100);
});

test('an endorsement: verified with its did:key, and its summary names the endorser', async () => {
  const log = [];
  const r = await run(fixture('endorsement.json'), { routes: {}, log });
  assert.equal(r.status, 'verified');
  assert.equal(r.kind, 'endorsement');
  assert.deepEqual(log, [], 'a did:key endorser needs no fetch');
  assert.equal(r.checks[0].detail, 'EndorsementCredential (Verifiable Credentials 2.0)');
  assert.equal(r.checks.length, CHECKS.length);
  const s = r.summary;
  assert.equal(s.kind, 'endorsement');
  assert.equal(s.issuerName, 'Testing Guild');
  assert.match(s.issuerId, /^did:key:z6Mk/);
  assert.equal(s.endorsed, 'https://example.org/badges/achievements/intro-to-testing.json');
  assert.equal(s.comment, 'Every holder we hired could *really* test.');
  assert.deepEqual(s.recipients, [], 'what an endorsement endorses is not a recipient');
});

test('a tampered or forged endorsement is invalid and shows no endorser', async () => {
  const tampered = clone(fixture('endorsement.json'));
  tampered.credentialSubject.endorsementComment = 'Every holder we hired could *really* test!';
  const r = await run(tampered, { routes: {} });
  assert.equal(r.status, 'invalid');
  assert.equal(r.summary, undefined);
  const forged = clone(fixture('endorsement.json'));
  forged.issuer.id = issuer.did; // claims to be the program, signed by someone else
  const f = await run(forged);
  assert.equal(f.status, 'invalid');
  assert.equal(f.checks.find((c) => c.id === 'issuer-key').outcome, 'fail');
});

test('summaries tell the three kinds apart', () => {
  assert.equal(summarize(fixture('credential.json')).kind, 'credential');
  assert.equal(summarize(fixture('clr.json')).kind, 'record');
  assert.equal(summarize(fixture('endorsement.json')).kind, 'endorsement');
  assert.equal(summarize(fixture('clr.json')).image, null);
});
