import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didWebUrl, findVerificationMethod, isAssertionMethod, issuerKey, resolveDidKey } from '../verify/did.js';
import { fixture, stubFetch } from '../testing/helpers.js';

test('did:web to URL', () => {
  assert.equal(didWebUrl('did:web:example.org'), 'https://example.org/.well-known/did.json');
  assert.equal(didWebUrl('did:web:example.org:badges'), 'https://example.org/badges/did.json');
  assert.equal(didWebUrl('did:web:org.github.io:my-badges:v2'), 'https://org.github.io/my-badges/v2/did.json');
  assert.equal(didWebUrl('did:web:example.org%3A8443:badges'), 'https://example.org:8443/badges/did.json');
  assert.equal(didWebUrl('did:web:Example.ORG'), 'https://example.org/.well-known/did.json');
  // local test servers: plain http for localhost and 127.0.0.1 only
  assert.equal(didWebUrl('did:web:localhost%3A8000:badges'), 'http://localhost:8000/badges/did.json');
  assert.equal(didWebUrl('did:web:127.0.0.1%3A8000'), 'http://127.0.0.1:8000/.well-known/did.json');
  assert.equal(didWebUrl('did:web:localhost.example.org'), 'https://localhost.example.org/.well-known/did.json');
  for (const bad of ['did:web:', 'did:web:exa mple.org', 'did:web:example.org/x', 'did:web:example.org:..', 'did:web:a%2Fb',
    'did:web:example.org%3A99999', 'did:web:example.org#frag', 'did:web:user%40example.org', 'did:key:z6Mk']) {
    assert.throws(() => didWebUrl(bad), /did:web/, bad);
  }
});

test('did:key resolves locally', () => {
  const doc = resolveDidKey('did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
  const vmId = 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
  assert.equal(findVerificationMethod(doc, vmId).publicKeyMultibase, 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
  assert.ok(isAssertionMethod(doc, vmId));
  assert.throws(() => resolveDidKey('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'), /Ed25519/);
});

test('relative and absolute ids in assertionMethod', () => {
  const doc = { id: 'did:web:a.example', verificationMethod: [{ id: '#k1' }], assertionMethod: ['#k1', { id: 'did:web:a.example#k2' }] };
  assert.ok(findVerificationMethod(doc, 'did:web:a.example#k1'));
  assert.ok(findVerificationMethod(doc, 'did:web:a.example#k2'));
  assert.ok(isAssertionMethod(doc, 'did:web:a.example#k1'));
  assert.ok(isAssertionMethod(doc, 'did:web:a.example#k2'));
  assert.ok(!isAssertionMethod(doc, 'did:web:a.example#k3'));
});

test("issuer's key: found, bound to the issuer, an assertion method", async () => {
  const issuer = fixture('issuer.json');
  const fetch = stubFetch({ [issuer.didUrl]: issuer.didDocument });
  const ok = await issuerKey(`${issuer.did}#key-2026`, issuer.did, { fetch });
  assert.equal(ok.outcome, 'pass');
  assert.equal(ok.publicKey.length, 32);
  const old = await issuerKey(`${issuer.did}#key-2020`, issuer.did, { fetch });
  assert.equal(old.verdict, 'invalid');
  assert.match(old.detail, /assertionMethod/);
  const missing = await issuerKey(`${issuer.did}#nope`, issuer.did, { fetch });
  assert.equal(missing.verdict, 'invalid');
  assert.match(missing.detail, /not in the DID document/);
  const other = await issuerKey(`${issuer.did}#key-2026`, 'did:web:other.example', { fetch });
  assert.equal(other.verdict, 'invalid');
  assert.match(other.detail, /not to the issuer/);
  const wrongController = structuredClone(issuer.didDocument);
  wrongController.verificationMethod[0].controller = 'did:web:evil.example';
  const wc = await issuerKey(`${issuer.did}#key-2026`, issuer.did, { fetch: stubFetch({ [issuer.didUrl]: wrongController }) });
  assert.equal(wc.verdict, 'invalid');
  assert.match(wc.detail, /controller/);
  const wrongId = { ...issuer.didDocument, id: 'did:web:evil.example' };
  const wi = await issuerKey(`${issuer.did}#key-2026`, issuer.did, { fetch: stubFetch({ [issuer.didUrl]: wrongId }) });
  assert.equal(wi.verdict, 'invalid');
  assert.match(wi.detail, /different id/);
});

test("issuer's key: network failures are 'unreachable'", async () => {
  const issuer = fixture('issuer.json');
  for (const fetch of [stubFetch({}), stubFetch({ [issuer.didUrl]: new TypeError('Failed to fetch') }), stubFetch({ [issuer.didUrl]: '<html>' })]) {
    const r = await issuerKey(`${issuer.did}#key-2026`, issuer.did, { fetch });
    assert.equal(r.verdict, 'unreachable');
    assert.equal(r.publicKey, null);
  }
  const r = await issuerKey('did:example:123#k', 'did:example:123', { fetch: stubFetch({}) });
  assert.equal(r.verdict, 'invalid');
  assert.match(r.detail, /not supported/);
});
