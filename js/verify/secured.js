// Checking one secured document (a credential or a status list credential):
// its issuer's key, then its eddsa-rdfc-2022 signature with that key.

import { issuerKey } from './did.js';
import { checkProofShape, selectProof, verifyProof } from './eddsa.js';

/** The issuer's id (issuer is a URL string or an object with an id), or null. */
export function issuerIdOf(doc) {
  const issuer = doc?.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof issuer.id === 'string') return issuer.id;
  return null;
}

/**
 * {key, signature}: two check results {outcome, verdict?, detail} for `doc`
 * signed by `issuerId`. The key result also carries `publicKey` (or null).
 */
export async function checkSecured(doc, issuerId, options = {}) {
  let proof;
  try {
    proof = selectProof(doc);
    checkProofShape(doc, proof);
  } catch (err) {
    return {
      key: { outcome: 'skip', detail: 'not checked: the proof is unusable', publicKey: null },
      signature: { outcome: 'fail', verdict: 'invalid', detail: err.message },
    };
  }
  const key = issuerId
    ? await issuerKey(proof.verificationMethod, issuerId, options)
    : { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: 'the document names no issuer' };
  let signature;
  try {
    const { checked } = await verifyProof(doc, key.publicKey, options);
    signature = checked
      ? { outcome: 'pass', detail: `unchanged since it was signed${proof.created ? ` (${proof.created})` : ''}` }
      : { outcome: 'skip', detail: "not checked: the issuer's key could not be obtained" };
  } catch (err) {
    signature = { outcome: 'fail', verdict: 'invalid', detail: err.message };
  }
  return { key, signature, proof };
}
