// Checking one secured document (a credential or a status list credential):
// the issuer's key of each proof, then each proof with that key.
//
// Several proofs (a proof set, VC Data Integrity §2.1.2) are independent
// signatures over the same document: every proof in a suite this page
// supports must hold under a key of the issuer, and at least one must be
// supported; a proof in another suite is named as not checked (as DCC's
// verifier and jsonld-signatures do).

import { issuerKey } from './did.js';
import { loadSuite, isSupported, proofsOf, suiteKey } from './suites/index.js';

/** The issuer's id (issuer is a URL string or an object with an id), or null. */
export function issuerIdOf(doc) {
  const issuer = doc?.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof issuer.id === 'string') return issuer.id;
  return null;
}

const RANK = { fail: 0, skip: 1, warn: 2, pass: 3 };

/**
 * {key, signature, proof}: two check results {outcome, verdict?, detail} for
 * `doc` signed by `issuerId`. The key result also carries `publicKey` (or null).
 */
export async function checkSecured(doc, issuerId, options = {}) {
  let proofs;
  try {
    proofs = proofsOf(doc);
    if (!proofs.some(isSupported)) await loadSuite(proofs.find((p) => !isSupported(p)));
  } catch (err) {
    return {
      key: { outcome: 'skip', detail: 'not checked: the proof is unusable', publicKey: null },
      signature: { outcome: 'fail', verdict: 'invalid', detail: err.message },
    };
  }
  const supported = proofs.filter(isSupported);
  const results = [];
  for (const proof of supported) results.push(await checkOne(doc, proof, issuerId, options));
  if (results.length === 1 && proofs.length === 1) return { ...results[0], proof: supported[0] };
  const worst = (field) => results.reduce((a, r) => (RANK[r[field].outcome] < RANK[a[field].outcome] ? r : a))[field];
  const label = (i) => suiteKey(supported[i]).replace('DataIntegrityProof/', '');
  const join = (field) => results.map((r, i) => `${label(i)}: ${r[field].detail}`);
  const ignored = proofs.filter((p) => !isSupported(p)).map((p) => `${suiteKey(p).slice(0, 60)}: not checked (unsupported suite)`);
  const key = { ...worst('key'), detail: join('key').join('; '), publicKey: worst('key').publicKey ?? null };
  const signature = { ...worst('signature'), detail: [...join('signature'), ...ignored].join('; ') };
  return { key, signature, proof: supported[0] };
}

async function checkOne(doc, proof, issuerId, options) {
  let suite;
  try {
    suite = await loadSuite(proof);
  } catch (err) {
    return {
      key: { outcome: 'skip', detail: 'not checked: the proof is unusable', publicKey: null },
      signature: { outcome: 'fail', verdict: 'invalid', detail: err.message },
    };
  }
  const key = issuerId
    ? await issuerKey(proof?.verificationMethod, issuerId, options)
    : { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: 'the document names no issuer' };
  let signature;
  try {
    const { checked } = await suite.verify(doc, proof, key.publicKey, options);
    signature = checked
      ? { outcome: 'pass', detail: `unchanged since it was signed${proof.created ? ` (${proof.created})` : ''}` }
      : { outcome: 'skip', detail: "not checked: the issuer's key could not be obtained" };
  } catch (err) {
    signature = { outcome: 'fail', verdict: 'invalid', detail: err.message };
  }
  return { key, signature };
}
