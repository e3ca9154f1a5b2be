// Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa).
//
// hashData = SHA-256(RDFC-1.0(proof config)) || SHA-256(RDFC-1.0(document
// without proof)), where the proof config is the proof without `proofValue`
// under the document's @context; proofValue = "z" + base58btc(Ed25519
// signature over hashData). SHA-256 and Ed25519 come from WebCrypto.

import { canonize } from './canonize.js';
import { concatBytes, multibaseBase58Decode, toBytes, utf8 } from './encoding.js';

export const CRYPTOSUITE = 'eddsa-rdfc-2022';

export class ProofError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProofError';
  }
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new ProofError('this browser has no WebCrypto (crypto.subtle); open the page over https');
  return s;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', toBytes(bytes)));
}

export const MAX_PROOFS = 8; // proofs in one proof set; each costs a canonicalization

/**
 * The proofs of `document`: one object, or a proof set (an array). ProofError
 * when there is none, too many, or one that is not an object.
 *
 * Rule for proof sets (VC Data Integrity 1.0, "Verify Proof Sets and Chains"):
 * every proof is verified and the document is verified only when all are, so
 * a proof this page cannot check (another cryptosuite, a proof chain's
 * previousProof) fails the document; it is not skipped.
 */
export function proofsOf(document) {
  const raw = document?.proof;
  const proofs = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (proofs.length === 0) throw new ProofError('the credential has no proof');
  if (proofs.length > MAX_PROOFS) throw new ProofError(`the credential has ${proofs.length} proofs (at most ${MAX_PROOFS} are checked)`);
  if (!proofs.every((p) => p && typeof p === 'object' && !Array.isArray(p))) throw new ProofError('a proof of the credential is not an object');
  return proofs;
}

/** The one proof of `document`; ProofError when there is none, or more than one. */
export function selectProof(document) {
  const proofs = proofsOf(document);
  if (proofs.length > 1) throw new ProofError(`expected one eddsa-rdfc-2022 proof, found ${proofs.length}`);
  return proofs[0];
}

/** Structural checks of a proof before any cryptography. */
export function checkProofShape(document, proof) {
  // which suite checks the proof is chosen by its type (suites/index.js)
  if (proof.previousProof !== undefined) throw new ProofError('proof chains (previousProof) are not supported');
  if (proof.proofPurpose !== 'assertionMethod') {
    throw new ProofError("the proof's purpose is not assertionMethod");
  }
  if (typeof proof.verificationMethod !== 'string' || !proof.verificationMethod) {
    throw new ProofError('the proof has no verificationMethod');
  }
  if (proof.created !== undefined && !isDateTime(proof.created)) {
    throw new ProofError('the proof has a malformed "created" date');
  }
  if (proof['@context'] !== undefined) {
    const docCtx = asArray(document['@context']);
    const proofCtx = asArray(proof['@context']);
    const prefix = proofCtx.every((c, i) => JSON.stringify(c) === JSON.stringify(docCtx[i]));
    if (!prefix) throw new ProofError("the proof's @context does not match the credential's");
  }
  decodeProofValue(proof.proofValue);
}

export function decodeProofValue(proofValue) {
  let signature;
  try {
    signature = multibaseBase58Decode(proofValue);
  } catch (err) {
    throw new ProofError(`the proofValue is malformed: ${err.message}`);
  }
  if (signature.length !== 64) throw new ProofError('the proofValue is not a 64-byte Ed25519 signature');
  return signature;
}

/** hashData (64 bytes) for `document` and its `proof` (proof config hash first). */
export async function hashData(document, proof, options = {}) {
  const unsecured = { ...document };
  delete unsecured.proof;
  const config = { ...proof };
  delete config.proofValue;
  config['@context'] = document['@context'];
  const [configCanon, docCanon] = [await canonize(config, options), await canonize(unsecured, options)];
  return concatBytes(await sha256(utf8(configCanon)), await sha256(utf8(docCanon)));
}

/** Ed25519 verification with WebCrypto; true / false. */
export async function ed25519Verify(publicKey, signature, message) {
  let key;
  try {
    key = await subtle().importKey('raw', toBytes(publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    if (err?.name === 'NotSupportedError') {
      throw new ProofError('this browser does not support Ed25519 in WebCrypto; use a current browser');
    }
    throw new ProofError('the public key is not a valid Ed25519 key');
  }
  return subtle().verify({ name: 'Ed25519' }, key, toBytes(signature), toBytes(message));
}

/**
 * Verify the eddsa-rdfc-2022 `proof` of `document` (by default its only one)
 * with the raw 32-byte Ed25519 `publicKey`. Resolves when it holds; rejects
 * with ProofError (or CanonizationError) saying what failed. With `publicKey`
 * null, only checks that the document can be canonicalized (used when the
 * key is unreachable).
 */
export async function verifyProof(document, publicKey, options = {}, proof = selectProof(document)) {
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== CRYPTOSUITE) {
    const kind = `${String(proof.type)}/${String(proof.cryptosuite ?? '-')}`;
    throw new ProofError(`unsupported proof ${kind.slice(0, 120)} (expected DataIntegrityProof/${CRYPTOSUITE})`);
  }
  checkProofShape(document, proof);
  return { proof, ...(await checkProofValue(document, proof, publicKey, options)) };
}

/**
 * {checked}: the Ed25519 signature of `proof` over `document` holds (checked
 * false when `publicKey` is null: only canonicalized). The step that
 * eddsa-rdfc-2022 and Ed25519Signature2020 share; rejects with ProofError.
 */
export async function checkProofValue(document, proof, publicKey, options = {}) {
  const signature = decodeProofValue(proof.proofValue);
  const data = await hashData(document, proof, options);
  if (publicKey === null) return { checked: false };
  if (!(await ed25519Verify(publicKey, signature, data))) {
    throw new ProofError(
      'the signature does not match: the credential was changed after signing, or signed with another key',
    );
  }
  return { checked: true };
}

export function asArray(v) {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

// XML Schema dateTime with a time zone (VC Data Model 2.0 dateTimeStamp shape).
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isDateTime(value) {
  return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
