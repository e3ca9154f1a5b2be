// Checking one secured document (a credential or a status list credential):
// for each of its proofs, the issuer's key, then the eddsa-rdfc-2022
// signature with that key. A proof set is verified only when every proof is
// (eddsa.js, proofsOf).

import { formatDay } from './dates.js';
import { issuerKey } from './did.js';
import { checkProofShape, proofsOf, verifyProof } from './eddsa.js';

// The key id of a Badgepress preview build's throwaway key (badgepress.keys.PREVIEW_KEY_ID).
export const PREVIEW_KEY_ID = 'preview-key-not-for-real-credentials';

/** The issuer's id (issuer is a URL string or an object with an id), or null. */
export function issuerIdOf(doc) {
  const issuer = doc?.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof issuer.id === 'string') return issuer.id;
  return null;
}

/** Whether a verification method is a Badgepress preview build's throwaway key. */
export function isPreviewKey(vmId) {
  return typeof vmId === 'string' && vmId.slice(vmId.lastIndexOf('#') + 1) === PREVIEW_KEY_ID;
}

/**
 * {key, signature, proofs, methods}: two check results {outcome, verdict?,
 * detail} for `doc` signed by `issuerId`, over all of its proofs (the first
 * failure of each, named by its place in a proof set). The key result also
 * carries `publicKey` (that of the first proof, or null); `methods` lists
 * the verification method of each proof.
 */
export async function checkSecured(doc, issuerId, options = {}) {
  let proofs;
  let at = 0;
  try {
    proofs = proofsOf(doc);
    for (const [i, proof] of proofs.entries()) {
      at = proofs.length > 1 ? i + 1 : 0;
      checkProofShape(doc, proof);
    }
  } catch (err) {
    const where = at ? `proof ${at} of ${proofs.length}: ` : '';
    return {
      key: { outcome: 'skip', detail: 'not checked: the proof is unusable', publicKey: null },
      signature: { outcome: 'fail', verdict: 'invalid', detail: where + err.message },
      proofs: [],
      methods: [],
    };
  }
  const keys = [];
  const signatures = [];
  for (const [i, proof] of proofs.entries()) {
    const where = proofs.length > 1 ? `proof ${i + 1} of ${proofs.length}: ` : '';
    const key = issuerId
      ? await issuerKey(proof.verificationMethod, issuerId, options)
      : { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: 'the document names no issuer' };
    let signature;
    try {
      const { checked } = await verifyProof(doc, key.publicKey, options, proof);
      signature = checked
        ? { outcome: 'pass', detail: `unchanged since it was signed${formatDay(proof.created) ? ` on ${formatDay(proof.created)}` : ''}` }
        : { outcome: 'skip', detail: "not checked: the issuer's key could not be obtained" };
    } catch (err) {
      signature = { outcome: 'fail', verdict: 'invalid', detail: err.message };
    }
    keys.push(key.outcome === 'fail' ? { ...key, detail: where + key.detail } : key);
    signatures.push(signature.outcome === 'fail' ? { ...signature, detail: where + signature.detail } : signature);
  }
  const worst = (list) => list.find((c) => c.outcome === 'fail') || list.find((c) => c.outcome === 'skip') || list[0];
  const key = { ...worst(keys), publicKey: keys[0].publicKey };
  if (key.outcome === 'pass' && keys.length > 1) key.detail = `${keys.length} proofs, each by an assertion key of the issuer`;
  const signature = worst(signatures);
  return { key, signature, proof: proofs[0], proofs, methods: proofs.map((p) => p.verificationMethod) };
}
