// Resolving the controller of a verification method to its public key.
//
// * did:web — https://host[:port]/path/did.json (a bare host uses
//   /.well-known/did.json); the host is percent-decoded ("%3A" -> ":").
//   For the hosts `localhost` and `127.0.0.1` the URL uses http:// instead
//   of https://, so that local test servers work without certificates; no
//   other host is ever fetched over plain http for a did:web.
// * did:key — Ed25519 Multikeys ("did:key:z6Mk…"), resolved locally.
// * https: controller documents (W3C Controlled Identifiers) — fetched as is.

import { asArray } from './eddsa.js';
import { base64urlDecode, decodeEd25519Multikey } from './encoding.js';
import { FetchError, fetchJson, httpUrl } from './fetch.js';

export class DidError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DidError';
  }
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);
const SEGMENT = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$/;

/** The URL of the DID document of a did:web DID. */
export function didWebUrl(did) {
  if (typeof did !== 'string' || !did.startsWith('did:web:')) throw new DidError('not a did:web DID');
  const msi = did.slice('did:web:'.length);
  if (!msi || /[/?#\s]/.test(msi)) throw new DidError(`malformed did:web DID ${clip(did)}`);
  const [rawHost, ...path] = msi.split(':');
  let host;
  try {
    host = decodeURIComponent(rawHost).toLowerCase();
  } catch {
    throw new DidError(`malformed did:web host in ${clip(did)}`);
  }
  const m = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?$/.exec(host);
  if (!m || (m[2] !== undefined && Number(m[2]) > 65535)) {
    throw new DidError(`malformed did:web host in ${clip(did)}`);
  }
  for (const seg of path) {
    if (!SEGMENT.test(seg) || seg === '.' || seg === '..') {
      throw new DidError(`malformed did:web path in ${clip(did)}`);
    }
  }
  const scheme = LOCAL_HOSTS.has(m[1]) ? 'http' : 'https';
  const suffix = path.length ? `/${path.join('/')}/did.json` : '/.well-known/did.json';
  return `${scheme}://${host}${suffix}`;
}

/** The DID document of an Ed25519 did:key, computed locally. */
export function resolveDidKey(did) {
  const multibase = did.slice('did:key:'.length);
  try {
    decodeEd25519Multikey(multibase);
  } catch (err) {
    throw new DidError(`unsupported did:key (only Ed25519 "z6Mk…" keys): ${err.message}`);
  }
  const vmId = `${did}#${multibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id: vmId, type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    assertionMethod: [vmId],
    authentication: [vmId],
  };
}

/**
 * The controller document identified by `id` (a DID or an https: URL, no
 * fragment). Rejects with FetchError (unreachable) or DidError (invalid).
 */
export function resolveController(id, options = {}) {
  // One verification fetches each controller document once (credential and
  // status list usually share the issuer's): options.controllerCache.
  const cache = options.controllerCache;
  if (cache instanceof Map) {
    if (!cache.has(id)) cache.set(id, fetchController(id, options));
    return cache.get(id);
  }
  return fetchController(id, options);
}

async function fetchController(id, options) {
  let doc;
  if (id.startsWith('did:key:')) return resolveDidKey(id);
  if (id.startsWith('did:web:')) {
    doc = await fetchJson(didWebUrl(id), options);
  } else if (id.startsWith('did:')) {
    throw new DidError(`the DID method of ${clip(id)} is not supported (did:web and did:key are)`);
  } else if (httpUrl(id)) {
    doc = await fetchJson(id, options);
  } else {
    throw new DidError(`cannot resolve ${clip(id)}: not a DID or an http(s) URL`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DidError(`the document of ${clip(id)} is not a JSON object`);
  }
  if (doc.id !== id) {
    throw new DidError(`the document fetched for ${clip(id)} has a different id (${clip(doc.id)})`);
  }
  return doc;
}

/** Absolute form of a verification method id found in `doc` ("#frag" is relative to doc.id). */
export function absoluteId(id, doc) {
  if (typeof id !== 'string') return null;
  return id.startsWith('#') ? `${doc.id}${id}` : id;
}

/** The verification method `vmId` of `doc` (listed or embedded), or null. */
export function findVerificationMethod(doc, vmId) {
  const candidates = [
    ...asArray(doc.verificationMethod),
    ...asArray(doc.assertionMethod).filter((e) => e && typeof e === 'object'),
  ];
  for (const vm of candidates) {
    if (vm && typeof vm === 'object' && absoluteId(vm.id, doc) === vmId) return vm;
  }
  return null;
}

/** Whether `vmId` is listed (by reference or embedded) in doc.assertionMethod. */
export function isAssertionMethod(doc, vmId) {
  return asArray(doc.assertionMethod).some((e) =>
    typeof e === 'string' ? absoluteId(e, doc) === vmId : e && typeof e === 'object' && absoluteId(e.id, doc) === vmId,
  );
}

/** The raw 32-byte Ed25519 key of a verification method. */
export function publicKeyOf(vm) {
  if (typeof vm.publicKeyMultibase === 'string') {
    try {
      return decodeEd25519Multikey(vm.publicKeyMultibase);
    } catch (err) {
      throw new DidError(`the key ${clip(vm.id)} is ${err.message}`);
    }
  }
  const jwk = vm.publicKeyJwk;
  if (jwk && typeof jwk === 'object') {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
      throw new DidError(`the key ${clip(vm.id)} is not an Ed25519 key`);
    }
    let raw;
    try {
      raw = base64urlDecode(jwk.x);
    } catch {
      raw = null;
    }
    if (!raw || raw.length !== 32) throw new DidError(`the key ${clip(vm.id)} is malformed`);
    return raw;
  }
  throw new DidError(`the key ${clip(vm.id)} has no publicKeyMultibase or publicKeyJwk`);
}

/**
 * Resolve the proof's verification method and check that it belongs to the
 * issuer. Returns {publicKey, outcome, verdict, detail}: publicKey is the key
 * when it could be had (even if the issuer binding fails, so the signature
 * can still be checked), null otherwise.
 */
export async function issuerKey(vmId, issuerId, options = {}) {
  if (typeof vmId !== 'string' || !vmId) {
    return { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: 'the proof names no verification method' };
  }
  const controllerId = vmId.split('#')[0];
  let doc;
  try {
    doc = await resolveController(controllerId, options);
  } catch (err) {
    if (err instanceof FetchError) {
      return { publicKey: null, outcome: 'fail', verdict: 'unreachable', detail: err.message };
    }
    return { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: err.message };
  }
  const vm = findVerificationMethod(doc, vmId);
  if (!vm) {
    return {
      publicKey: null,
      outcome: 'fail',
      verdict: 'invalid',
      detail: `the key ${clip(vmId)} is not in the ${controllerId.startsWith('did:') ? 'DID' : 'controller'} document`,
    };
  }
  let publicKey;
  try {
    publicKey = publicKeyOf(vm);
  } catch (err) {
    return { publicKey: null, outcome: 'fail', verdict: 'invalid', detail: err.message };
  }
  const problems = [];
  if (controllerId !== issuerId) {
    problems.push(`the key belongs to ${clip(controllerId)}, not to the issuer ${clip(issuerId)}`);
  } else if (vm.controller !== issuerId) {
    problems.push(`the key's controller is ${clip(vm.controller)}, not the issuer`);
  }
  if (!isAssertionMethod(doc, vmId)) {
    problems.push('the key is not listed in assertionMethod (it may not sign credentials)');
  }
  if (problems.length) return { publicKey, outcome: 'fail', verdict: 'invalid', detail: problems.join('; ') };
  return { publicKey, outcome: 'pass', detail: `${clip(vmId)}, an assertion key of the issuer`, vm, document: doc };
}

function clip(text, n = 160) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
