// Ed25519Signature2020 (W3C CCG, the suite of DCC's issuers and Learner
// Credential Wallet): the verify data is SHA-256 of the URDNA2015 form of the
// proof options (the proof without proofValue, under the document's
// @context) followed by SHA-256 of the URDNA2015 form of the document
// without its proof; the proofValue is "z" + base58btc of the Ed25519
// signature over it. URDNA2015 and RDFC-1.0 give the same output.

import { checkProofShape, checkProofValue, ProofError } from '../eddsa.js';

export const name = 'Ed25519Signature2020';
export const CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1';

export async function verify(document, proof, publicKey, options = {}) {
  if (proof.cryptosuite !== undefined) throw new ProofError('an Ed25519Signature2020 proof has no cryptosuite');
  checkProofShape(document, proof);
  return checkProofValue(document, proof, publicKey, options);
}
