// Shared helpers of the node tests: bundled contexts from disk, test vectors,
// and a stub fetch serving a map of URL -> JSON (or bytes).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTEXT_DIR, CONTEXT_FILES, registerContexts } from '../verify/contexts.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readJson(relativePath) {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8'));
}

let registered = false;
export function useBundledContexts() {
  if (registered) return;
  const docs = {};
  for (const [url, file] of Object.entries(CONTEXT_FILES)) docs[url] = readJson(join(CONTEXT_DIR, file));
  registerContexts(docs);
  registered = true;
}
useBundledContexts();

export function fixture(name) {
  return readJson(join('js', 'test', 'fixtures', name));
}

/** A fetch function answering from `routes` (URL -> object, string or Uint8Array); 404 otherwise. */
export function stubFetch(routes, log = []) {
  return async (url) => {
    log.push(url);
    if (!Object.prototype.hasOwnProperty.call(routes, url)) {
      return new Response('not found', { status: 404 });
    }
    const body = routes[url];
    if (body instanceof Error) throw body;
    if (body instanceof Uint8Array || typeof body === 'string') return new Response(body);
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  };
}

export function clone(value) {
  return structuredClone(value);
}
