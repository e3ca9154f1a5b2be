// Bitstring Status List: the 1EdTech vector (bit 23 set) and Badgepress fixtures.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEncodedList, bitAt, checkStatus, revocationNoticeUrl } from '../verify/status.js';
import { verifyCredential } from '../verify/verify.js';
import { fixture, readJson, stubFetch } from '../testing/helpers.js';

const vector = readJson('tests/data/1edtech-bitstring-status-list-vector.json');
const ISSUER_1EDTECH = 'https://1edtech.edu/issuers/565049';
const KEY_1EDTECH = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
const NOW = new Date('2026-03-01T00:00:00Z');

test('1EdTech vector: the bitstring has exactly bit 23 set (MSB-first)', async () => {
  const bits = await decodeEncodedList(vector.statusListCredential.credentialSubject.encodedList);
  assert.equal(bits.length, vector.expected.uncompressedBytes);
  assert.equal(bits.length * 8, vector.expected.bitLength);
  const set = [];
  for (let i = 0; i < bits.length * 8; i++) if (bitAt(bits, i)) set.push(i);
  assert.deepEqual(set, vector.expected.setBitIndexes);
  assert.equal(bits[2], 0x01); // bit 23 = least significant bit of byte 2
  assert.throws(() => bitAt(bits, bits.length * 8), /outside/);
});

test('1EdTech vector: the revoked credential is reported revoked, end to end', async () => {
  const controller = {
    id: ISSUER_1EDTECH,
    verificationMethod: [{ id: `${ISSUER_1EDTECH}#${KEY_1EDTECH}`, type: 'Multikey', controller: ISSUER_1EDTECH, publicKeyMultibase: KEY_1EDTECH }],
    assertionMethod: [`${ISSUER_1EDTECH}#${KEY_1EDTECH}`],
  };
  const log = [];
  const fetch = stubFetch({
    [ISSUER_1EDTECH]: controller,
    [vector.revokedCredential.credentialStatus.statusListCredential]: vector.statusListCredential,
  }, log);
  const result = await verifyCredential(vector.revokedCredential, { fetch, now: NOW });
  assert.deepEqual(result.checks.map((c) => [c.id, c.outcome]), [
    ['credential', 'pass'], ['signature', 'pass'], ['issuer-key', 'pass'], ['dates', 'pass'], ['status', 'fail'],
  ]);
  assert.equal(result.status, 'revoked');
  assert.ok(log.every((u) => !u.includes('w3.org') && !u.includes('imsglobal')), 'no context fetched');
});

const issuer = fixture('issuer.json');
const routes = (list = fixture('status-list.json')) => ({ [issuer.didUrl]: issuer.didDocument, [issuer.statusListUrl]: list });

test('Badgepress status list: index 23 revoked, index 7 not', async () => {
  const fetch = stubFetch(routes());
  assert.equal((await checkStatus(fixture('credential.json'), { fetch, now: NOW })).outcome, 'pass');
  const revoked = await checkStatus(fixture('revoked.json'), { fetch, now: NOW });
  assert.equal(revoked.verdict, 'revoked');
  assert.equal(revoked.detail, 'revoked by the issuer');
});

test("status list problems: another issuer, expired, tampered, unreachable, bad index", async () => {
  const cred = fixture('credential.json');
  const other = await checkStatus(cred, { fetch: stubFetch(routes(fixture('status-list-other-issuer.json'))), now: NOW });
  assert.equal(other.verdict, 'invalid');
  assert.match(other.detail, /not by the credential's issuer/);
  const expired = await checkStatus(cred, { fetch: stubFetch(routes(fixture('status-list-expired.json'))), now: NOW });
  assert.equal(expired.verdict, 'unreachable');
  assert.match(expired.detail, /expired/);
  const tampered = fixture('status-list.json');
  tampered.validFrom = '2026-01-01T00:00:01Z';
  const t = await checkStatus(cred, { fetch: stubFetch(routes(tampered)), now: NOW });
  assert.equal(t.verdict, 'invalid');
  assert.match(t.detail, /signature/);
  const gone = await checkStatus(cred, { fetch: stubFetch({ [issuer.didUrl]: issuer.didDocument }), now: NOW });
  assert.equal(gone.verdict, 'unreachable');
  assert.match(gone.detail, /HTTP 404/);
  const badIndex = structuredClone(cred);
  badIndex.credentialStatus.statusListIndex = '-1';
  assert.equal((await checkStatus(badIndex, { fetch: stubFetch(routes()), now: NOW })).verdict, 'invalid');
  const outside = structuredClone(cred);
  outside.credentialStatus.statusListIndex = String(131072);
  const o = await checkStatus(outside, { fetch: stubFetch(routes()), now: NOW });
  assert.equal(o.verdict, 'invalid');
  assert.match(o.detail, /outside/);
});

test('no credentialStatus: skip; unknown status type: warn', async () => {
  assert.equal((await checkStatus({}, {})).outcome, 'skip');
  const r = await checkStatus({ credentialStatus: { type: 'RevocationList2020Status', id: 'https://x.example/r' } }, {});
  assert.equal(r.outcome, 'warn');
});

test('1EdTechRevocationList: the credential id listed in revokedCredentials is revoked', async () => {
  const url = 'https://x.example/revocations.json';
  const credential = { id: 'urn:uuid:1', issuer: 'did:web:x.example', credentialStatus: { type: '1EdTechRevocationList', id: url } };
  const list = (revoked, issuer = 'did:web:x.example') => stubFetch({ [url]: { id: url, issuer, revokedCredentials: revoked } });
  assert.equal((await checkStatus(credential, { fetch: list([]) })).outcome, 'pass');
  const r = await checkStatus(credential, { fetch: list([{ id: 'urn:uuid:1', revocationReason: 'left the club' }]) });
  assert.equal(r.verdict, 'revoked');
  assert.match(r.detail, /left the club/);
  assert.equal((await checkStatus(credential, { fetch: list(['urn:uuid:1']) })).verdict, 'revoked');
  assert.equal((await checkStatus(credential, { fetch: list([], 'did:web:other.example') })).verdict, 'invalid');
  assert.equal((await checkStatus(credential, { fetch: stubFetch({}) })).verdict, 'unreachable');
});

test('encodedList must be multibase base64url of gzip', async () => {
  await assert.rejects(decodeEncodedList('zabc'), /multibase/);
  await assert.rejects(decodeEncodedList('u!!!'), /base64url/);
  await assert.rejects(decodeEncodedList('uAAAA'), /decompressed/);
});

test("a revocation's date and reason come from the issuer's notice beside the credential, if it names it", async () => {
  const doc = fixture('revoked.json');
  const noticeUrl = revocationNoticeUrl(doc.id);
  assert.equal(noticeUrl, doc.id.replace(/\.json$/, '/revocation.json'));
  const notice = { credential: doc.id, revoked: '2026-02-20T00:00:00Z', reason: 'awarded by mistake' };
  const withNotice = await checkStatus(doc, { fetch: stubFetch({ ...routes(), [noticeUrl]: notice }), now: NOW });
  assert.equal(withNotice.verdict, 'revoked');
  assert.equal(withNotice.detail, 'revoked by the issuer on 20 February 2026: awarded by mistake');
  assert.deepEqual(withNotice.revocation, { date: '2026-02-20T00:00:00Z', day: '20 February 2026', reason: 'awarded by mistake' });
  // a notice about another credential says nothing of this one; only the signed list decides
  const stray = { ...notice, credential: 'https://example.org/badges/credentials/other.json' };
  const withStray = await checkStatus(doc, { fetch: stubFetch({ ...routes(), [noticeUrl]: stray }), now: NOW });
  assert.equal(withStray.detail, 'revoked by the issuer');
  // a notice never revokes: a credential in force stays in force whatever a notice says
  const live = fixture('credential.json');
  const forged = { [revocationNoticeUrl(live.id)]: { ...notice, credential: live.id } };
  assert.equal((await checkStatus(live, { fetch: stubFetch({ ...routes(), ...forged }), now: NOW })).outcome, 'pass');
  assert.equal(revocationNoticeUrl('urn:uuid:1234'), null);
  assert.equal(revocationNoticeUrl('https://example.org/badges/credentials/x.json?v=1'), null);
});
