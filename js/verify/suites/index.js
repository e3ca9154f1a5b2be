// Embedded proof suites, by proof type (and cryptosuite for DataIntegrityProof).
//
// A suite module exports `name` and `verify(document, proof, publicKey,
// options)`, which resolves to {checked} (checked false when publicKey is
// null: the document was only canonicalized) or rejects with ProofError.
// Suites other than eddsa-rdfc-2022 are imported only when a proof needs
// them, so the page's first load carries none of their code.

import { ProofError } from '../eddsa.js';

const SUITES = {
  'DataIntegrityProof/eddsa-rdfc-2022': () => import('./eddsa-rdfc-2022.js'),
  Ed25519Signature2020: () => import('./ed25519-2020.js'),
};

export const SUPPORTED = Object.freeze(['DataIntegrityProof/eddsa-rdfc-2022', 'Ed25519Signature2020']);

/** "type" or "type/cryptosuite" of a proof object. */
export function suiteKey(proof) {
  if (!proof || typeof proof !== 'object') return String(typeof proof);
  const type = String(proof.type);
  return proof.cryptosuite === undefined ? type : `${type}/${String(proof.cryptosuite)}`;
}

/** Whether a suite of this verifier handles `proof`. */
export function isSupported(proof) {
  return Object.prototype.hasOwnProperty.call(SUITES, suiteKey(proof));
}

/** The suite module for `proof`; ProofError naming it when unsupported. */
export async function loadSuite(proof) {
  const key = suiteKey(proof);
  if (!isSupported(proof)) {
    throw new ProofError(`unsupported proof ${key.slice(0, 120)} (this page verifies ${SUPPORTED.join(', ')})`);
  }
  return SUITES[key]();
}
