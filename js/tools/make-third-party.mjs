// Make the generated part of the third-party corpus (tests/data/third-party/generated/)
// with implementations independent of Badgepress: Digital Bazaar's
// @digitalbazaar/vc, ed25519-signature-2020, data-integrity +
// eddsa-rdfc-2022-cryptosuite and vc-status-list for the Data Integrity and
// Linked Data proofs, `jose` for VC-JWT. Keys are fresh on every run and only
// their public halves are written. Each file's outcome under the issuing
// library's own verifier is recorded in generated/outcomes.json, which
// tests/data/third-party/manifest.json copies.
//
//   node js/tools/make-third-party.mjs      (devDependencies must be installed)

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as sl2021 from '@digitalbazaar/vc-status-list';
import * as jose from 'jose';
import { CONTEXT_DIR, CONTEXT_FILES } from '../verify/contexts.js';
import { ROOT, readJson } from '../testing/helpers.js';

const OUT = join(ROOT, 'tests', 'data', 'third-party', 'generated');
const HOST = 'https://third-party.example';
const CREATED = '2026-01-15T10:00:00Z';
const VC1 = 'https://www.w3.org/2018/credentials/v1';
const VC2 = 'https://www.w3.org/ns/credentials/v2';
const OB300 = 'https://purl.imsglobal.org/spec/ob/v3p0/context.json';
const OB302 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json';
const OB303 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_EXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
const ED2020 = 'https://w3id.org/security/suites/ed25519-2020/v1';
const SL2021 = 'https://w3id.org/vc/status-list/2021/v1';

mkdirSync(OUT, { recursive: true });
const files = {};
const outcomes = {};
const write = (name, value) => {
  files[name] = value;
  mkdirSync(dirname(join(OUT, name)), { recursive: true });
  writeFileSync(join(OUT, name), typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
};

// ---------------------------------------------------------------- keys and loader
const edKey = await Ed25519VerificationKey2020.generate();
const did = `did:key:${edKey.fingerprint()}`;
edKey.id = `${did}#${edKey.fingerprint()}`;
edKey.controller = did;
const multikey = await Ed25519Multikey.from(await edKey.export({ publicKey: true, privateKey: true, includeContext: true }));
const didDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', ED2020],
  id: did,
  verificationMethod: [await edKey.export({ publicKey: true })],
  assertionMethod: [edKey.id],
};

const contexts = Object.fromEntries(Object.entries(CONTEXT_FILES).map(([url, file]) => [url, readJson(join(CONTEXT_DIR, file))]));
async function documentLoader(url) {
  if (contexts[url]) return { contextUrl: null, documentUrl: url, document: contexts[url] };
  if (url.startsWith(did)) {
    const document = url.includes('#') ? { '@context': ED2020, ...didDocument.verificationMethod[0] } : didDocument;
    return { contextUrl: null, documentUrl: url, document };
  }
  if (files[url.replace(`${HOST}/`, '')]) return { contextUrl: null, documentUrl: url, document: files[url.replace(`${HOST}/`, '')] };
  throw new Error(`not loaded: ${url}`);
}
const ed2020 = () => new Ed25519Signature2020({ key: edKey, date: CREATED });
const eddsa = () => new DataIntegrityProof({ signer: multikey.signer(), cryptosuite: eddsaRdfc2022, date: CREATED });
const verifySuites = [new Ed25519Signature2020(), new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 })];

function achievement(name) {
  return {
    id: `${HOST}/achievements/${name.toLowerCase().replace(/\W+/g, '-')}`,
    type: ['Achievement'],
    name,
    description: `Awarded for ${name.toLowerCase()}.`,
    criteria: { narrative: 'Completed the course and its project.' },
  };
}

function credentialV1(n, name, contextOb, extra = {}) {
  return {
    '@context': [VC1, contextOb, ED2020, ...(extra.credentialStatus ? [SL2021] : [])],
    id: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name,
    issuer: { id: did, type: 'Profile', name: 'Third-Party Academy' },
    issuanceDate: '2026-01-15T10:00:00Z',
    credentialSubject: { type: 'AchievementSubject', achievement: achievement(name) },
    ...extra,
  };
}

function credentialV2(n, name, extra = {}, moreContexts = []) {
  return {
    '@context': [VC2, OB303, ...moreContexts],
    id: `urn:uuid:00000000-0000-4000-8000-00000000002${n}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name,
    issuer: { id: did, type: ['Profile'], name: 'Third-Party Academy' },
    validFrom: '2026-01-15T10:00:00Z',
    credentialSubject: { type: ['AchievementSubject'], achievement: achievement(name) },
    ...extra,
  };
}

async function record(name, credential, checkStatus) {
  const result = await vc.verifyCredential({
    credential,
    suite: verifySuites,
    documentLoader,
    now: new Date('2026-11-29T00:00:00Z'),
    checkStatus: checkStatus ?? (async () => ({ verified: true })),
  });
  const status = result.statusResult;
  const why =
    result.error?.errors?.[0]?.message ??
    result.error?.message ??
    status?.error?.message ??
    (status && !status.verified ? `its status list sets bit ${status.results?.[0]?.credentialStatus?.statusListIndex} (revoked)` : 'unknown');
  outcomes[name] = {
    name: `@digitalbazaar/vc 7.3.0 verifyCredential${checkStatus ? ' with @digitalbazaar/vc-status-list 8.0.1 checkStatus' : ' (status not checked)'}`,
    outcome: result.verified ? 'verified' : `not verified: ${String(why).slice(0, 160)}`,
  };
}

// ---------------------------------------------------------------- StatusList2021, Ed25519Signature2020, VC 1.1
const list = await sl2021.createList({ length: 131072 });
list.setStatus(5, true);
const listCredential = await sl2021.createCredential({ id: `${HOST}/status/sl2021.json`, list, statusPurpose: 'revocation' });
listCredential.issuer = did;
listCredential.issuanceDate = '2026-01-15T10:00:00Z';
write('status/sl2021.json', await vc.issue({ credential: listCredential, suite: ed2020(), documentLoader }));
const slEntry = (index) => ({
  id: `${HOST}/status/sl2021.json#${index}`,
  type: 'StatusList2021Entry',
  statusPurpose: 'revocation',
  statusListIndex: String(index),
  statusListCredential: `${HOST}/status/sl2021.json`,
});
const statusCheck = (o) => sl2021.checkStatus({ ...o, suite: verifySuites, documentLoader });
for (const [file, n, name, contextOb, index] of [
  ['v1-ob302-sl2021-valid.json', 1, 'Data Literacy', OB302, 3],
  ['v1-ob302-sl2021-revoked.json', 2, 'Statistics Basics', OB302, 5],
]) {
  const signed = await vc.issue({ credential: credentialV1(n, name, contextOb, { credentialStatus: slEntry(index) }), suite: ed2020(), documentLoader });
  write(file, signed);
  await record(file, signed, statusCheck);
}
{
  const signed = await vc.issue({ credential: credentialV1(3, 'Open Source Contributor', OB300), suite: ed2020(), documentLoader });
  write('v1-ob300-ed2020.json', signed);
  await record('v1-ob300-ed2020.json', signed);
  const future = credentialV1(4, 'Future Skills', OB302, { issuanceDate: '2030-01-01T00:00:00Z' });
  const early = await vc.issue({ credential: future, suite: ed2020(), documentLoader });
  write('v1-not-yet-valid.json', early);
  await record('v1-not-yet-valid.json', early);
}

// ---------------------------------------------------------------- Bitstring suspension, eddsa-rdfc-2022, VC 2.0
{
  const bits = new Uint8Array(131072 / 8);
  bits[0] |= 0x80 >> 7; // index 7 suspended
  const encodedList = `u${Buffer.from(gzipSync(bits)).toString('base64url')}`;
  const suspensions = {
    '@context': [VC2],
    id: `${HOST}/status/suspensions.json`,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: did,
    validFrom: '2026-01-15T10:00:00Z',
    credentialSubject: { id: `${HOST}/status/suspensions.json#list`, type: 'BitstringStatusList', statusPurpose: 'suspension', encodedList },
  };
  write('status/suspensions.json', await vc.issue({ credential: suspensions, suite: eddsa(), documentLoader }));
  const entry = (index) => ({
    id: `${HOST}/status/suspensions.json#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'suspension',
    statusListIndex: String(index),
    statusListCredential: `${HOST}/status/suspensions.json`,
  });
  for (const [file, n, name, index] of [
    ['v2-eddsa-suspension-active.json', 1, 'Team Leadership', 6],
    ['v2-eddsa-suspended.json', 2, 'First Aid', 7],
  ]) {
    const signed = await vc.issue({ credential: credentialV2(n, name, { credentialStatus: entry(index) }), suite: eddsa(), documentLoader });
    write(file, signed);
    await record(file, signed);
  }
}

// ---------------------------------------------------------------- 1EdTech Revocation List
{
  write('status/revocations.json', {
    id: `${HOST}/status/revocations.json`,
    issuer: did,
    revokedCredentials: [
      { id: 'urn:uuid:00000000-0000-4000-8000-000000000024', revocationReason: 'Awarded in error' },
      { id: 'urn:uuid:00000000-0000-4000-8000-000000000023', revoked: false },
    ],
  });
  const entry = { id: `${HOST}/status/revocations.json`, type: '1EdTechRevocationList' };
  for (const [file, n, name] of [
    ['v2-1edtech-revocation-list-valid.json', 3, 'Public Speaking'],
    ['v2-1edtech-revocation-list-revoked.json', 4, 'Negotiation'],
  ]) {
    const signed = await vc.issue({ credential: credentialV2(n, name, { credentialStatus: entry }, [OB_EXT]), suite: eddsa(), documentLoader });
    write(file, signed);
    await record(file, signed);
  }
}

// ---------------------------------------------------------------- VC-JWT (OB 3.0 §8.2), jose
const unix = (iso) => Math.floor(Date.parse(iso) / 1000);
async function jwtOutcome(name, jws, key, options = {}) {
  try {
    await jose.jwtVerify(jws, key, { currentDate: new Date('2026-11-29T00:00:00Z'), ...options });
    outcomes[name] = { name: 'jose 6.2.19 jwtVerify', outcome: 'verified' };
  } catch (err) {
    outcomes[name] = { name: 'jose 6.2.19 jwtVerify', outcome: `not verified: ${err.code}` };
  }
}
{
  // EdDSA, kid = the did:key's key; the VC 1.1 form (vc claim + registered claims)
  const { publicKey, privateKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await jose.exportJWK(publicKey);
  const x = Buffer.from(jwk.x, 'base64url');
  const fingerprint = `z${base58(Buffer.concat([Buffer.from([0xed, 0x01]), x]))}`;
  const jwtDid = `did:key:${fingerprint}`;
  const claim = (n, name, times) => {
    const c = credentialV1(n, name, OB302);
    delete c.proof;
    c.issuer = { id: jwtDid, type: 'Profile', name: 'Third-Party Academy' };
    c['@context'] = [VC1, OB302];
    c.issuanceDate = times.nbf;
    if (times.exp) c.expirationDate = times.exp;
    return new jose.SignJWT({ vc: c })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: `${jwtDid}#${fingerprint}` })
      .setIssuer(jwtDid)
      .setJti(c.id)
      .setNotBefore(unix(times.nbf))
      .setIssuedAt(unix(times.nbf))
      .setExpirationTime(times.exp ? unix(times.exp) : unix('2036-01-01T00:00:00Z'))
      .sign(privateKey);
  };
  const valid = await claim(5, 'Cloud Fundamentals', { nbf: '2026-01-15T10:00:00Z' });
  write('jwt-eddsa-did-key.jwt', valid);
  await jwtOutcome('jwt-eddsa-did-key.jwt', valid, publicKey);
  const expired = await claim(6, 'Cloud Fundamentals 2024', { nbf: '2024-01-15T10:00:00Z', exp: '2025-01-15T10:00:00Z' });
  write('jwt-eddsa-expired.jwt', expired);
  await jwtOutcome('jwt-eddsa-expired.jwt', expired, publicKey);
  const [h, p, s] = valid.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  payload.vc.name = 'Cloud Fundamentals (changed)';
  const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  write('jwt-eddsa-tampered.jwt', tampered);
  await jwtOutcome('jwt-eddsa-tampered.jwt', tampered, publicKey);
}
{
  // ES256, key in a did:web document; the VC 2.0 JOSE form (the payload is the credential)
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const webDid = 'did:web:third-party.example';
  write('.well-known/did.json', {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: webDid,
    verificationMethod: [{ id: `${webDid}#es256`, type: 'JsonWebKey', controller: webDid, publicKeyJwk: await jose.exportJWK(publicKey) }],
    assertionMethod: [`${webDid}#es256`],
  });
  const c = credentialV2(5, 'Data Engineering');
  c.issuer = { id: webDid, type: ['Profile'], name: 'Third-Party Academy' };
  const jws = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(c)))
    .setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc', kid: `${webDid}#es256` })
    .sign(privateKey);
  write('jwt-es256-did-web-vc2.jwt', jws);
  try {
    await jose.compactVerify(jws, publicKey);
    outcomes['jwt-es256-did-web-vc2.jwt'] = { name: 'jose 6.2.19 compactVerify', outcome: 'verified' };
  } catch (err) {
    outcomes['jwt-es256-did-web-vc2.jwt'] = { name: 'jose 6.2.19 compactVerify', outcome: `not verified: ${err.code}` };
  }
}
{
  // RS256, the key in the jwk header; issuer is a did:web whose document lists that key
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const webDid = 'did:web:third-party.example:rsa';
  const jwk = await jose.exportJWK(publicKey);
  write('rsa/did.json', {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: webDid,
    verificationMethod: [{ id: `${webDid}#rs256`, type: 'JsonWebKey', controller: webDid, publicKeyJwk: jwk }],
    assertionMethod: [`${webDid}#rs256`],
  });
  const c = credentialV1(7, 'Security Awareness', OB302);
  c['@context'] = [VC1, OB302];
  c.issuer = { id: webDid, type: 'Profile', name: 'Third-Party Academy' };
  const jws = await new jose.SignJWT({ vc: c })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', jwk })
    .setIssuer(webDid)
    .setJti(c.id)
    .setNotBefore(unix(c.issuanceDate))
    .sign(privateKey);
  write('jwt-rs256-jwk-header.jwt', jws);
  await jwtOutcome('jwt-rs256-jwk-header.jwt', jws, publicKey);
}

writeFileSync(join(OUT, 'outcomes.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
console.log(JSON.stringify(outcomes, null, 2));

function base58(bytes) {
  const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}
