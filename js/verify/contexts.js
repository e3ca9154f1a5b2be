// JSON-LD document loader over the contexts bundled with Badgepress.
//
// The verifier never fetches a JSON-LD context: a context is part of what a
// signature covers, so it must come from a known copy, not from whatever a
// server answers today. The mapping below mirrors CONTEXT_FILES in
// plugins/badgepress/sign/canon.py (a node test checks that they stay equal).
//
// The parsed documents themselves are registered by the caller: the browser
// bundle imports them through the esbuild virtual module
// "badgepress:bundled-contexts" (see js/build.mjs), node tests read the files.

export const CONTEXT_DIR = 'plugins/badgepress/contexts';

// canonical URL -> file name in CONTEXT_DIR
export const CONTEXT_FILES = Object.freeze({
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2': 'credentials-examples-v2.jsonld',
  'https://www.w3.org/ns/credentials/undefined-terms/v2': 'credentials-undefined-terms-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob-v3p0-context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'ob-v3p0-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-v3p0-context-3.0.0.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'clr-v2p0-context-2.0.1.json',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://www.w3.org/ns/cid/v1': 'cid-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'bitstring-status-list-v1.jsonld',
  'https://w3id.org/vc/status-list/2021/v1': 'status-list-2021-v1.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1': 'ed25519-signature-2020-v1.jsonld',
});

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';

export class ContextNotBundledError extends Error {
  constructor(url) {
    super(`context not bundled: ${String(url).slice(0, 200)} (contexts are never fetched)`);
    this.name = 'ContextNotBundledError';
    this.url = url;
  }
}

const registry = new Map();

/** Register parsed context documents: {url: document} or {fileName: document}. */
export function registerContexts(documents) {
  const byFile = new Map(Object.entries(CONTEXT_FILES).map(([url, file]) => [file, url]));
  for (const [key, doc] of Object.entries(documents)) {
    const url = CONTEXT_FILES[key] ? key : byFile.get(key);
    if (!url) throw new Error(`unknown context ${key}`);
    registry.set(url, deepFreeze(doc));
  }
}

export function bundledContextUrls() {
  return [...registry.keys()];
}

/** A jsonld.js document loader that answers only from the bundled contexts. */
export async function documentLoader(url) {
  // Own-property lookup only: a URL like "constructor" must not hit Object.prototype.
  if (typeof url !== 'string' || !Object.prototype.hasOwnProperty.call(CONTEXT_FILES, url)) {
    throw new ContextNotBundledError(url);
  }
  const document = registry.get(url);
  if (document === undefined) throw new ContextNotBundledError(url);
  return { contextUrl: null, documentUrl: url, document };
}

function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
