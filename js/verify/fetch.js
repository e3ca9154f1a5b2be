// Fetching issuer documents (DID documents, status lists, credentials).
//
// Every fetch goes through `fetchBytes`, which takes the fetch function from
// its options so tests (and other hosts) can stub the network. Failures to
// obtain a document raise FetchError; the verifier reports them as
// "unreachable", never as "invalid".
//
// A copy of a site served elsewhere than its own address (`mkdocs serve`, a
// preview host, a download opened from disk) verifies its own credentials
// from itself: with options.mirror = {from: the site's URL, to: where this
// copy is}, a document under `from` is read at the same path under `to`, and
// its URL is added to options.localReads (for the page to say so). Nothing
// else is fetched differently.

import { readBounded } from './encoding.js';

export const MAX_INPUT_BYTES = 2 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 15000;

export class FetchError extends Error {
  constructor(url, reason) {
    super(`could not fetch ${clipUrl(url)}: ${reason}`);
    this.name = 'FetchError';
    this.url = url;
    this.reason = reason;
  }
}

export function clipUrl(url) {
  const s = String(url);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** The URL if it is an absolute http(s) URL without credentials, else null. */
export function httpUrl(text) {
  if (typeof text !== 'string') return null;
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url;
}

/** Where this copy of the site holds `href` (an absolute URL), or null when it is not the site's. */
export function localCopyUrl(href, mirror) {
  if (!mirror || typeof mirror.from !== 'string' || typeof mirror.to !== 'string' || mirror.from === mirror.to) return null;
  if (!href.startsWith(mirror.from)) return null;
  return mirror.to + href.slice(mirror.from.length);
}

/** {bytes, contentType} of `url`; FetchError when it cannot be had. */
export async function fetchBytes(url, { fetch = globalThis.fetch, timeoutMs = FETCH_TIMEOUT_MS, maxBytes = MAX_INPUT_BYTES, mirror, localReads } = {}) {
  const parsed = httpUrl(url);
  if (!parsed) throw new FetchError(url, 'not an http(s) URL');
  if (typeof fetch !== 'function') throw new FetchError(url, 'no fetch function');
  const local = localCopyUrl(parsed.href, mirror);
  if (local) {
    if (Array.isArray(localReads)) localReads.push(parsed.href);
    try {
      return await fetchFrom(local, fetch, timeoutMs, maxBytes);
    } catch (err) {
      if (err instanceof FetchError) throw new FetchError(url, `in this copy of the site, at ${clipUrl(local)}: ${err.reason}`);
      throw err;
    }
  }
  return fetchFrom(parsed.href, fetch, timeoutMs, maxBytes);
}

async function fetchFrom(url, fetch, timeoutMs, maxBytes) {
  let response;
  try {
    response = await fetch(url, {
      method: 'GET',
      credentials: 'omit',
      cache: 'no-cache',
      redirect: 'follow',
      referrerPolicy: 'no-referrer',
      headers: { Accept: 'application/ld+json, application/json;q=0.9, */*;q=0.1' },
      signal: typeof AbortSignal?.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined,
    });
  } catch (err) {
    const reason = err?.name === 'TimeoutError' ? 'timed out' : 'network error (offline, blocked by CORS, or no such host)';
    throw new FetchError(url, reason);
  }
  if (!response.ok) throw new FetchError(url, `HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) throw new FetchError(url, `too large (over ${maxBytes} bytes)`);
  const bytes = await readLimited(response, maxBytes, url);
  return { bytes, contentType: response.headers.get('content-type') || '' };
}

async function readLimited(response, maxBytes, url) {
  if (!response.body || typeof response.body.getReader !== 'function') {
    const buf = new Uint8Array(await response.arrayBuffer());
    if (buf.length > maxBytes) throw new FetchError(url, `too large (over ${maxBytes} bytes)`);
    return buf;
  }
  let out;
  try {
    out = await readBounded(response.body.getReader(), maxBytes);
  } catch {
    throw new FetchError(url, 'the connection failed while reading');
  }
  if (out === null) throw new FetchError(url, `too large (over ${maxBytes} bytes)`);
  return out;
}

/** The parsed JSON at `url`; FetchError when it cannot be had or is not JSON. */
export async function fetchJson(url, options = {}) {
  const { bytes } = await fetchBytes(url, options);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new FetchError(url, 'the answer is not JSON');
  }
}
