// Known-answer tests of eddsa-rdfc-2022: the W3C vc-di-eddsa vector and the
// 1EdTech Open Badges 3.0 vector (tests/data/).
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonize } from '../verify/canonize.js';
import { issuerKey } from '../verify/did.js';
import { ed25519Verify, hashData, selectProof, verifyProof } from '../verify/eddsa.js';
import { base58Encode, decodeEd25519Multikey, fromHex, multibaseBase58Decode, toHex } from '../verify/encoding.js';
import { checkSecured } from '../verify/secured.js';
import { clone, readJson } from '../testing/helpers.js';

const w3c = readJson('tests/data/eddsa-rdfc-2022-vector.json');
const ob = readJson('tests/data/ob3-1edtech-eddsa-rdfc-2022-vector.json');

test('WebCrypto has Ed25519 in this node', async () => {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, ['verify']);
  assert.equal(key.algorithm.name, 'Ed25519');
});

test('W3C vector: canonical forms and hashData', async () => {
  assert.equal(await canonize(w3c.unsecuredDocument), w3c.expectedCanonicalDocument);
  const config = { ...w3c.proofOptions, '@context': w3c.unsecuredDocument['@context'] };
  assert.equal(await canonize(config), w3c.expectedCanonicalProofConfig);
  const data = await hashData(w3c.unsecuredDocument, w3c.proofOptions);
  assert.equal(toHex(data), w3c.expectedHashDataHex);
});

test('W3C vector: the signed document verifies with its key', async () => {
  const publicKey = decodeEd25519Multikey(w3c.publicKeyMultibase);
  const { checked } = await verifyProof(w3c.signedDocument, publicKey);
  assert.equal(checked, true);
  assert.equal('z' + base58Encode(fromHex(w3c.expectedSignatureHex)), w3c.expectedProofValue);
  assert.equal(toHex(multibaseBase58Decode(w3c.expectedProofValue)), w3c.expectedSignatureHex);
});

test('W3C vector: its issuer is not the key controller, so issuer binding rejects it', async () => {
  const proof = selectProof(w3c.signedDocument);
  const key = await issuerKey(proof.verificationMethod, w3c.signedDocument.issuer, { fetch: () => assert.fail('no fetch for did:key') });
  assert.equal(key.outcome, 'fail');
  assert.equal(key.verdict, 'invalid');
  assert.match(key.detail, /not to the issuer/);
  assert.ok(key.publicKey, 'the key itself resolves (did:key)');
  const { signature } = await checkSecured(w3c.signedDocument, w3c.signedDocument.issuer, {});
  assert.equal(signature.outcome, 'pass');
});

test('W3C vector: tampering breaks the signature', async () => {
  const publicKey = decodeEd25519Multikey(w3c.publicKeyMultibase);
  const tampered = clone(w3c.signedDocument);
  tampered.credentialSubject.alumniOf = 'The School of Forgeries';
  await assert.rejects(verifyProof(tampered, publicKey), /signature does not match/);
  const otherProof = clone(w3c.signedDocument);
  otherProof.proof.created = '2023-02-24T23:36:39Z';
  await assert.rejects(verifyProof(otherProof, publicKey), /signature does not match/);
});

test('1EdTech OB 3.0 vector: canonical forms, hashes and hashData', async () => {
  assert.equal(await canonize(ob.unsecuredDocument), ob.canonicalDocument);
  const config = { ...ob.proofOptions, '@context': ob.unsecuredDocument['@context'] };
  assert.equal(await canonize(config), ob.canonicalProofConfig);
  const data = await hashData(ob.unsecuredDocument, ob.proofOptions);
  assert.equal(toHex(data.slice(0, 32)), ob.proofConfigHash);
  assert.equal(toHex(data.slice(32)), ob.transformedDocumentHash);
  assert.equal(toHex(data), ob.hashData);
});

test('1EdTech OB 3.0 vector: expectedProofValue verifies against its public key', async () => {
  const publicKey = decodeEd25519Multikey(ob.keyPair.publicKeyMultibase);
  assert.equal(toHex(publicKey), ob.keyPair.publicKeyHex);
  const signature = multibaseBase58Decode(ob.expectedProofValue);
  assert.equal(toHex(signature), ob.signatureHex);
  assert.equal(await ed25519Verify(publicKey, signature, fromHex(ob.hashData)), true);
  const signed = { ...clone(ob.unsecuredDocument), proof: { ...ob.proofOptions, proofValue: ob.expectedProofValue } };
  assert.equal((await verifyProof(signed, publicKey)).checked, true);
  signed.name = 'Teamwork Badge!';
  await assert.rejects(verifyProof(signed, publicKey), /signature does not match/);
});

test('a flipped signature bit fails', async () => {
  const publicKey = decodeEd25519Multikey(ob.keyPair.publicKeyMultibase);
  const signature = multibaseBase58Decode(ob.expectedProofValue);
  signature[10] ^= 1;
  assert.equal(await ed25519Verify(publicKey, signature, fromHex(ob.hashData)), false);
});

test('proof selection and shape errors', async () => {
  const doc = clone(w3c.signedDocument);
  const pk = decodeEd25519Multikey(w3c.publicKeyMultibase);
  await assert.rejects(verifyProof({ ...doc, proof: undefined }, pk), /no proof/);
  await assert.rejects(verifyProof({ ...doc, proof: { ...doc.proof, cryptosuite: 'eddsa-jcs-2022' } }, pk), /unsupported proof/);
  await assert.rejects(verifyProof({ ...doc, proof: [doc.proof, doc.proof] }, pk), /expected one/);
  await assert.rejects(verifyProof({ ...doc, proof: { ...doc.proof, proofPurpose: 'authentication' } }, pk), /assertionMethod/);
  await assert.rejects(verifyProof({ ...doc, proof: { ...doc.proof, proofValue: 'zabc' } }, pk), /64-byte/);
  await assert.rejects(verifyProof({ ...doc, proof: { ...doc.proof, proofValue: 'u' + 'A'.repeat(86) } }, pk), /malformed/);
  // a one-element array is accepted (how Badgepress publishes proofs)
  assert.equal((await verifyProof({ ...doc, proof: [doc.proof] }, pk)).checked, true);
});
