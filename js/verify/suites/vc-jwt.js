// VC-JWT: a compact JWS whose payload is the credential (Open Badges 3.0
// §8.2): either the VC 1.1 form, the credential in the `vc` claim with the
// registered claims iss / jti / nbf / exp / sub standing for issuer / id /
// issuanceDate / expirationDate / credentialSubject.id, or the VC 2.0 JOSE
// form (VC-JOSE-COSE), where the payload is the credential itself.
//
// Algorithms: EdDSA (Ed25519), ES256 (P-256) and RS256, through WebCrypto.
// The key: `kid` names a verification method of the issuer's DID document
// (did:key, did:web) listed in assertionMethod; or the `jwk` header carries
// it, and then it must be one of the issuer's assertion keys (so the issuer
// must be a DID: a key that only travels with the JWT proves nothing).
// Loaded only when the input is a JWS (verify.js imports it on demand).

import { absoluteId, findVerificationMethod, isAssertionMethod, resolveController } from '../did.js';
import { base64urlDecode, decodeEd25519Multikey, toBytes, utf8 } from '../encoding.js';
import { FetchError } from '../fetch.js';
import { issuerIdOf } from '../secured.js';

export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const ALGORITHMS = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  ES256: { kty: 'EC', crv: 'P-256', import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { kty: 'RSA', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
};

export class JwtError extends Error {
  constructor(message) {
    super(message);
    this.name = 'JwtError';
  }
}

export function isCompactJws(text) {
  return typeof text === 'string' && COMPACT_JWS.test(text.trim());
}

function part(segment, what) {
  try {
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64urlDecode(segment)));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new JwtError(`the JWT ${what} is not a base64url JSON object`);
}

const isoOf = (seconds) => (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined);

/** {header, payload, credential, signingInput, signature} of a compact JWS; JwtError when malformed. */
export function decodeJwt(text) {
  const [h, p, s] = text.trim().split('.');
  const header = part(h, 'header');
  const payload = part(p, 'payload');
  let credential;
  if (payload.vc && typeof payload.vc === 'object' && !Array.isArray(payload.vc)) {
    credential = { ...payload.vc };
    const fill = (name, value) => {
      if (value !== undefined && credential[name] === undefined) credential[name] = value;
    };
    fill('issuer', typeof payload.iss === 'string' ? payload.iss : undefined);
    fill('id', typeof payload.jti === 'string' ? payload.jti : undefined);
    fill('issuanceDate', isoOf(payload.nbf));
    fill('expirationDate', isoOf(payload.exp));
    if (typeof payload.iss === 'string' && issuerIdOf(credential) !== payload.iss) {
      throw new JwtError(`the JWT's iss (${payload.iss.slice(0, 120)}) is not the credential's issuer`);
    }
    if (typeof payload.jti === 'string' && credential.id !== payload.jti) throw new JwtError("the JWT's jti is not the credential's id");
  } else if (payload['@context'] !== undefined) {
    credential = payload;
  } else {
    throw new JwtError('the JWT carries no credential (no vc claim, and the payload is not a credential)');
  }
  let signature;
  try {
    signature = base64urlDecode(s);
  } catch {
    throw new JwtError('the JWT signature is not base64url');
  }
  return { header, payload, credential, signingInput: utf8(`${h}.${p}`), signature };
}

function jwkOf(vm) {
  if (vm.publicKeyJwk && typeof vm.publicKeyJwk === 'object') return vm.publicKeyJwk;
  if (typeof vm.publicKeyMultibase === 'string') {
    const raw = decodeEd25519Multikey(vm.publicKeyMultibase);
    return { kty: 'OKP', crv: 'Ed25519', x: btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
  }
  throw new JwtError(`the key ${String(vm.id).slice(0, 120)} has no publicKeyJwk or publicKeyMultibase`);
}

const sameKey = (a, b) => ['kty', 'crv', 'x', 'y', 'n', 'e'].every((k) => a?.[k] === b?.[k]);

/** The issuer's key for this JWT: {jwk, outcome, verdict?, detail}. */
async function keyFor(header, issuerId, options) {
  const fail = (detail, verdict = 'invalid') => ({ jwk: null, outcome: 'fail', verdict, detail });
  if (!issuerId) return fail('the credential names no issuer');
  try {
    if (typeof header.kid === 'string' && header.kid) {
      const vmId = header.kid.startsWith('#') ? `${issuerId}${header.kid}` : header.kid;
      const controllerId = vmId.split('#')[0];
      if (controllerId !== issuerId) return fail(`the key ${vmId.slice(0, 120)} does not belong to the issuer ${issuerId.slice(0, 120)}`);
      const doc = await resolveController(controllerId, options);
      const vm = findVerificationMethod(doc, vmId);
      if (!vm) return fail(`the key ${vmId.slice(0, 120)} is not in the issuer's DID document`);
      if (!isAssertionMethod(doc, absoluteId(vm.id, doc))) return fail('the key is not listed in assertionMethod (it may not sign credentials)');
      return { jwk: jwkOf(vm), outcome: 'pass', detail: `${vmId.slice(0, 160)}, an assertion key of the issuer` };
    }
    if (header.jwk && typeof header.jwk === 'object') {
      if (header.jwk.d !== undefined) return fail('the jwk header holds a private key');
      if (!issuerId.startsWith('did:')) {
        return fail("the key travels in the JWT (jwk header) and the issuer is not a DID: nothing ties the key to the issuer");
      }
      const doc = await resolveController(issuerId, options);
      const listed = [...(Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [])]
        .filter((vm) => vm && typeof vm === 'object' && isAssertionMethod(doc, absoluteId(vm.id, doc)))
        .find((vm) => {
          try {
            return sameKey(jwkOf(vm), header.jwk);
          } catch {
            return false;
          }
        });
      if (!listed) return fail("the key in the jwk header is not one of the issuer's assertion keys");
      return { jwk: header.jwk, outcome: 'pass', detail: `the jwk header's key is ${String(listed.id).slice(0, 160)}, an assertion key of the issuer` };
    }
  } catch (err) {
    if (err instanceof FetchError) return fail(err.message, 'unreachable');
    return fail(err.message);
  }
  return fail('the JWT header names no key (kid or jwk)');
}

async function checkSignature(alg, jwk, signingInput, signature) {
  const spec = ALGORITHMS[alg];
  if (jwk.kty !== spec.kty || (spec.crv && jwk.crv !== spec.crv)) {
    throw new JwtError(`the key (${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}) does not fit the algorithm ${alg}`);
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new JwtError('this browser has no WebCrypto (crypto.subtle); open the page over https');
  const { kty, crv, x, y, n, e } = jwk;
  let key;
  try {
    key = await subtle.importKey('jwk', { kty, crv, x, y, n, e, ext: true }, spec.import, false, ['verify']);
  } catch (err) {
    throw new JwtError(err?.name === 'NotSupportedError' ? `this browser does not support ${alg}` : 'the public key is malformed');
  }
  return subtle.verify(spec.verify, key, toBytes(signature), toBytes(signingInput));
}

/**
 * Verify a VC-JWT: resolves to {credential, key, signature}, two checks as
 * secured.js gives them, for verify.js to go on with; JwtError when the text
 * is not a usable JWT.
 */
export async function verifyJwt(text, options = {}) {
  const { header, credential, signingInput, signature } = decodeJwt(text);
  if (!Object.prototype.hasOwnProperty.call(ALGORITHMS, header.alg)) {
    throw new JwtError(`unsupported JWT algorithm ${String(header.alg).slice(0, 40)} (supported: ${Object.keys(ALGORITHMS).join(', ')})`);
  }
  if (header.crit !== undefined) throw new JwtError('the JWT has critical header parameters (crit), which are not understood here');
  const key = await keyFor(header, issuerIdOf(credential), options);
  let check;
  if (!key.jwk) {
    check = { outcome: 'skip', detail: "not checked: the issuer's key could not be obtained" };
    if (key.verdict === 'invalid') check = { outcome: 'skip', detail: 'not checked: the key is not the issuer’s' };
  } else {
    try {
      check = (await checkSignature(header.alg, key.jwk, signingInput, signature))
        ? { outcome: 'pass', detail: `unchanged since it was signed (VC-JWT, ${header.alg})` }
        : { outcome: 'fail', verdict: 'invalid', detail: 'the JWT signature does not match: the credential was changed after signing, or signed with another key' };
    } catch (err) {
      check = { outcome: 'fail', verdict: 'invalid', detail: err.message };
    }
  }
  const { jwk, ...keyCheck } = key;
  return { credential, key: keyCheck, signature: check };
}
