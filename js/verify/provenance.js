// Issuance provenance on the /verify/ page (badgepress.provenance).
//
// When a credential listed in this site's provenance.json has been verified,
// say which commit, and which pull request, approved (and revoked) it. The
// file is signed by the issuer with eddsa-jcs-2022 (JSON canonicalization,
// RFC 8785): it is shown only when that signature holds under a key of the
// credential's own issuer. Everything is rendered as text.

import { issuerKey } from './did.js';
import { decodeProofValue, ed25519Verify, sha256 } from './eddsa.js';
import { concatBytes, utf8 } from './encoding.js';
import { fetchJson } from './fetch.js';

export const JCS_CRYPTOSUITE = 'eddsa-jcs-2022';
export const PROVENANCE_MAX_BYTES = 32 * 1024 * 1024; // about 3 MB for 10,000 credentials

/** RFC 8785 JSON Canonicalization: keys sorted by UTF-16 code units, ECMAScript number and string forms. */
export function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/**
 * Check the provenance file's eddsa-jcs-2022 proof against a key of `issuerId`
 * (resolved like a credential's issuer). Resolves to true or false.
 */
export async function verifyProvenance(file, issuerId, options = {}) {
  const proofs = Array.isArray(file?.proof) ? file.proof : [file?.proof];
  const proof = proofs.length === 1 ? proofs[0] : null;
  if (!proof || proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== JCS_CRYPTOSUITE) return false;
  if (proof.proofPurpose !== 'assertionMethod' || file.issuer !== issuerId) return false;
  const key = await issuerKey(proof.verificationMethod, issuerId, options);
  if (key.outcome !== 'pass' || !key.publicKey) return false;
  const unsecured = { ...file };
  delete unsecured.proof;
  const config = { ...proof };
  delete config.proofValue;
  if (file['@context'] !== undefined) {
    // the suite puts the document's @context in the proof configuration (and the proof keeps it)
    if (config['@context'] !== undefined && canonicalJson(config['@context']) !== canonicalJson(file['@context'])) return false;
    config['@context'] = file['@context'];
  }
  let signature;
  try {
    signature = decodeProofValue(proof.proofValue);
  } catch {
    return false;
  }
  const data = concatBytes(await sha256(utf8(canonicalJson(config))), await sha256(utf8(canonicalJson(unsecured))));
  return ed25519Verify(key.publicKey, signature, data);
}

/** The provenance of `credentialId` in the file: {issued, revoked, repository}, or null. */
export function provenanceEntry(file, credentialId) {
  const subject = file?.credentialSubject;
  const items = Array.isArray(subject?.credentials) ? subject.credentials : [];
  const item = items.find((entry) => entry && entry.id === credentialId);
  if (!item || (!item.issued && !item.revoked)) return null;
  const repository = typeof subject.repository === 'string' && /^https?:\/\//.test(subject.repository) ? subject.repository : null;
  return { issued: item.issued || null, revoked: item.revoked || null, repository };
}

function link(doc, href, text, code = false) {
  const inner = doc.createElement(code ? 'code' : 'span');
  inner.textContent = text;
  if (!href) return inner;
  const a = doc.createElement('a');
  a.setAttribute('href', href);
  a.setAttribute('rel', 'noopener');
  a.append(inner);
  return a;
}

/** One sentence (a <p>) about a change: "Approved in pull request #12, merged on …, (commit abc1234)." */
export function describeChange(doc, change, verb, alone, repository) {
  const p = doc.createElement('p');
  const commit = typeof change.commit === 'string' ? change.commit : '';
  const day = typeof change.date === 'string' ? change.date.slice(0, 10) : '';
  const commitLink = link(doc, repository && /^[0-9a-f]{7,64}$/.test(commit) ? `${repository}/commit/${commit}` : null, commit.slice(0, 7), true);
  const number = Number.isInteger(change.pullRequest) ? change.pullRequest : null;
  if (number !== null) {
    const pull = link(doc, repository ? `${repository}/pull/${number}` : null, `pull request #${number}`);
    if (change.merged === false) {
      p.append(`${verb === 'Revoked' ? 'Revocation proposed' : 'Proposed'} in `, pull, ', not merged yet.');
    } else {
      p.append(`${verb} in `, pull, `, merged on ${day} (commit `, commitLink, ').');
    }
  } else {
    p.append(`${alone} in commit `, commitLink, ` on ${day}, without a pull request.`);
  }
  return p;
}

/**
 * Show provenance under each verified result of the page (the `bp:verified`
 * event of ui.js). `url` is this site's provenance.json; it is fetched once,
 * when a credential is first verified.
 */
export function mountProvenance(doc = document, { url, verifyOptions = {} } = {}) {
  const result = doc.getElementById('bp-result');
  if (!result || !url || result.dataset.bpProvenance === 'true') return false;
  result.dataset.bpProvenance = 'true';
  let file = null; // the fetched, checked file (a promise of it, or of null)
  let shown = 0;
  // a new verification starts (ui.js sets aria-busy): the last one's lines go, a late answer is dropped
  new MutationObserver(() => {
    if (result.getAttribute('aria-busy') !== 'true') return;
    shown += 1;
    doc.getElementById('bp-provenance')?.remove();
  }).observe(result, { attributes: true, attributeFilter: ['aria-busy'] });
  result.addEventListener('bp:verified', async (event) => {
    const mine = ++shown;
    doc.getElementById('bp-provenance')?.remove();
    const credential = event.detail?.credential;
    const issuer = typeof credential?.issuer === 'string' ? credential.issuer : credential?.issuer?.id;
    if (typeof credential?.id !== 'string' || typeof issuer !== 'string' || event.detail?.status === 'invalid') return;
    file ??= fetchJson(url, { ...verifyOptions, maxBytes: PROVENANCE_MAX_BYTES })
      .then(async (found) => ((await verifyProvenance(found, found?.issuer, verifyOptions)) ? found : null))
      .catch(() => null);
    const checked = await file;
    if (mine !== shown || !checked || checked.issuer !== issuer) return;
    const entry = provenanceEntry(checked, credential.id);
    if (!entry) return;
    const box = doc.createElement('div');
    box.id = 'bp-provenance';
    box.className = 'bp-provenance';
    if (entry.issued) box.append(describeChange(doc, entry.issued, 'Approved', 'Recorded', entry.repository));
    if (entry.revoked) box.append(describeChange(doc, entry.revoked, 'Revoked', 'Revoked', entry.repository));
    const note = doc.createElement('p');
    const small = doc.createElement('small');
    small.textContent = "From this site's provenance.json, signed by the issuer: the program's git history.";
    note.append(small);
    box.append(note);
    box.setAttribute('data-provenance', entry.revoked ? 'revoked' : 'issued');
    const checks = doc.getElementById('bp-checks');
    (checks ?? result).after(box);
  });
  return true;
}
