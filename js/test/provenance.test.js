// provenance.js: JCS against the W3C eddsa-jcs-2022 vector, and a provenance file signed by Badgepress.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, provenanceEntry, verifyProvenance } from '../verify/provenance.js';
import { clone, fixture, readJson } from '../testing/helpers.js';

const vector = readJson('tests/data/eddsa-jcs-2022-vector.json');
const signed = fixture('provenance.json'); // made by badgepress.proof.sign_document_jcs

test('JCS: the W3C vector canonical document and proof configuration', () => {
  assert.equal(canonicalJson(vector.unsecuredDocument), vector.expectedCanonicalDocument);
  assert.equal(canonicalJson(vector.proofConfig), vector.expectedCanonicalProofConfig);
  assert.equal(canonicalJson({ b: [1, 'é', null, true], a: { d: 2, c: '"\n' } }), '{"a":{"c":"\\"\\n","d":2},"b":[1,"é",null,true]}');
});

test('a provenance file signed by Badgepress verifies under its issuer, and not once changed', async () => {
  assert.equal(await verifyProvenance(signed, signed.issuer), true);
  assert.equal(await verifyProvenance(signed, 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'), false);
  const changed = clone(signed);
  changed.credentialSubject.credentials[0].issued.pullRequest = 13;
  assert.equal(await verifyProvenance(changed, changed.issuer), false);
  const otherContext = clone(signed);
  otherContext.proof[0]['@context'] = ['https://www.w3.org/2018/credentials/v1'];
  assert.equal(await verifyProvenance(otherContext, otherContext.issuer), false);
});

test('the entry of a credential, with the repository to link to', () => {
  const [first, second] = signed.credentialSubject.credentials;
  assert.deepEqual(provenanceEntry(signed, first.id), {
    issued: first.issued,
    revoked: null,
    repository: 'https://github.com/example-org/badges',
  });
  assert.equal(provenanceEntry(signed, second.id).revoked.pullRequest, 14);
  assert.equal(provenanceEntry(signed, 'https://example.org/badges/credentials/cccc.json'), null); // nothing known
  assert.equal(provenanceEntry(signed, 'https://elsewhere.example/c.json'), null);
  const hostile = clone(signed);
  hostile.credentialSubject.repository = 'javascript:alert(1)';
  assert.equal(provenanceEntry(hostile, first.id).repository, null);
});
