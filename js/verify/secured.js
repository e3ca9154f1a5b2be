// Checking one secured document (a credential or a status list credential):
// for each of its proofs, the issuer's key, then the proof with that key, in
// the proof's own suite (suites/: eddsa-rdfc-2022, Ed25519Signature2020).
//
// A proof set (VC Data Integrity 1.0, "Verify Proof Sets and Chains") is
// verified only when every one of its proofs is: a proof in a suite this page
// does not support, or a proof chain's previousProof, fails the document
// rather than being skipped (eddsa.js, proofsOf, bounds the set).

import { formatDay } from './dates.js';
import { issuerKey } from './did.js';
import { ProofError, proofsOf } from './eddsa.js';
import { loadSuite } from './suites/index.js';

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
 * {key, signature, proof, proofs, methods}: two check results {outcome,
 * verdict?, detail} for `doc` signed by `issuerId`, over all of its proofs
 * (the first failure of each, named by its place in a proof set). The key
 * result also carries `publicKey` (that of the first proof, or null);
 * `methods` lists the verification method of each proof.
 */
export async function checkSecured(doc, issuerId, options = {}) {
  let proofs = [];
  let at = 0;
  const suites = [];
  try {
    proofs = proofsOf(doc);
    for (const [i, proof] of proofs.entries()) {
      at = proofs.length > 1 ? i + 1 : 0;
      if (proof.previousProof !== undefined) throw new ProofError('proof chains (previousProof) are not supported');
      suites.push(await loadSuite(proof));
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
    const where = proofs.length > 1 ? `proof ${i + 1} of ${proofs.length} (${suites[i].name}): ` : '';
    const key = issuerId
      ? await issuerKey(proof.verificationMethod, issuerId, options)
      : { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: 'the document names no issuer' };
    let signature;
    try {
      const { checked } = await suites[i].verify(doc, proof, key.publicKey, options);
      const day = formatDay(proof.created);
      signature = checked
        ? { outcome: 'pass', detail: `unchanged since it was signed${day ? ` on ${day}` : ''}` }
        : { outcome: 'skip', detail: "not checked: the issuer's key could not be obtained" };
    } catch (err) {
      signature = { outcome: 'fail', verdict: 'invalid', detail: err.message };
    }
    keys.push(key.outcome === 'fail' ? { ...key, detail: where + key.detail } : key);
    signatures.push(signature.outcome === 'fail' ? { ...signature, detail: where + signature.detail } : signature);
  }
  const worst = (list) => list.find((c) => c.outcome === 'fail') || list.find((c) => c.outcome === 'skip') || list[0];
  const key = { ...worst(keys), publicKey: keys[0].publicKey };
  if (key.outcome === 'pass' && keys.length > 1) {
    const names = [...new Set(suites.map((s) => s.name))].join(' and ');
    key.detail = `${keys.length} proofs (${names}), each by an assertion key of the issuer`;
  }
  const signature = worst(signatures);
  if (signature.outcome === 'pass' && signatures.length > 1) {
    signature.detail = signatures.map((s, i) => `${suites[i].name}: ${s.detail}`).join('; ');
  }
  return { key, signature, proof: proofs[0], proofs, methods: proofs.map((p) => p.verificationMethod) };
}
