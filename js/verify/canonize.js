// RDF Dataset Canonicalization (RDFC-1.0) with jsonld.js, strict and bounded.
//
// * `safe: true` makes jsonld.js fail on anything it would otherwise drop
//   silently (a term no context defines, a relative IRI...), so a property that
//   was not signed can never be shown as verified.
// * Contexts come only from the bundled copies (contexts.js).
// * `maxWorkFactor: 1` bounds the work of RDFC-1.0 on crafted blank-node
//   graphs (poison graphs), and a timeout aborts the remaining deep
//   iterations through an AbortSignal.

import jsonld from 'jsonld';
import { ContextNotBundledError, documentLoader } from './contexts.js';

export const DEFAULT_TIMEOUT_MS = 10000;

// Never let jsonld.js fall back to its network (XHR / HTTP) loader.
jsonld.documentLoader = documentLoader;

export class CanonizationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CanonizationError';
  }
}

/** RDFC-1.0 N-Quads of `document`; CanonizationError saying why it fails. */
export async function canonize(document, { timeoutMs = DEFAULT_TIMEOUT_MS, maxWorkFactor = 1 } = {}) {
  const controller = new AbortController();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      reject(new CanonizationError(`canonicalization took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      jsonld.canonize(document, {
        algorithm: 'RDFC-1.0',
        format: 'application/n-quads',
        safe: true,
        base: null,
        documentLoader,
        canonizeOptions: {
          algorithm: 'RDFC-1.0',
          messageDigestAlgorithm: 'sha256',
          maxWorkFactor,
          signal: controller.signal,
        },
      }),
      timeout,
    ]);
  } catch (err) {
    throw err instanceof CanonizationError ? err : new CanonizationError(explain(err));
  } finally {
    clearTimeout(timer);
  }
}

/** A short, human-readable reason for a jsonld.js failure. */
export function explain(err) {
  for (let e = err, depth = 0; e && depth < 10; e = e.cause || e.details?.cause, depth++) {
    if (e instanceof ContextNotBundledError || e?.name === 'ContextNotBundledError') return e.message;
  }
  const event = err?.details?.event;
  if (event) {
    const d = event.details || {};
    switch (event.code) {
      case 'invalid property':
        return `undefined term: no JSON-LD context defines "${clip(d.property)}"`;
      case 'relative @type reference':
        return `undefined term: no JSON-LD context defines the type "${clip(d.type)}"`;
      case 'relative @id reference':
        return `relative IRI "${clip(d.id)}" (ids must be absolute URLs, DIDs or URNs)`;
      case 'relative @vocab reference':
      case 'relative predicate reference':
      case 'relative subject reference':
      case 'relative object reference':
        return `relative IRI in the credential (${event.code})`;
      default:
        return `unsafe JSON-LD (${clip(event.code)}): ${clip(event.message)}`;
    }
  }
  const message = String(err?.message || err);
  if (/Maximum deep iterations exceeded|Abort signal/i.test(message)) {
    return 'the credential is too complex to canonicalize (work limit reached)';
  }
  // jsonld.js wraps loader failures as "Dereferencing a URL did not result in a valid JSON-LD object"
  const cause = err?.details?.cause || err?.cause;
  if (cause && cause !== err) return explain(cause);
  return `not valid JSON-LD: ${clip(message)}`;
}

function clip(text, n = 120) {
  const s = String(text ?? '');
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
