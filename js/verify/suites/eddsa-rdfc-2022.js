// DataIntegrityProof with cryptosuite eddsa-rdfc-2022 (W3C vc-di-eddsa), one proof of a set.

import { checkProofShape, checkProofValue } from '../eddsa.js';

export const name = 'eddsa-rdfc-2022';

export async function verify(document, proof, publicKey, options = {}) {
  checkProofShape(document, proof);
  return checkProofValue(document, proof, publicKey, options);
}
