// DataIntegrityProof with cryptosuite eddsa-rdfc-2022 (W3C vc-di-eddsa), one proof of a set.

import { checkProofShape, decodeProofValue, ed25519Verify, hashData, ProofError } from '../eddsa.js';

export const name = 'eddsa-rdfc-2022';

export async function verify(document, proof, publicKey, options = {}) {
  checkProofShape(document, proof);
  const signature = decodeProofValue(proof.proofValue);
  const data = await hashData(document, proof, options);
  if (publicKey === null) return { checked: false };
  if (!(await ed25519Verify(publicKey, signature, data))) {
    throw new ProofError('the signature does not match: the credential was changed after signing, or signed with another key');
  }
  return { checked: true };
}
