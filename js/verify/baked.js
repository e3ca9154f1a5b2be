// Extracting a credential from a baked badge image (Open Badges 3.0 §5.3).
//
// * PNG: the iTXt chunk whose keyword is "openbadgecredential"; its text is
//   the credential (uncompressed, or zlib-compressed when the flag says so).
// * SVG: the text content (usually CDATA) of the <openbadges:credential>
//   element, xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0". The SVG
//   is parsed with DOMParser into an inert document that is never inserted
//   into the page (no script runs, nothing is loaded).

import { decompress } from './encoding.js';

export const OB3_SVG_NS = 'https://purl.imsglobal.org/ob/v3p0';
export const PNG_KEYWORD = 'openbadgecredential';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_TEXT = 2 * 1024 * 1024;

export class BakedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BakedError';
  }
}

export function isPng(bytes) {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

const latin1 = (bytes) => String.fromCharCode(...bytes);

/** The credential text baked into a PNG file; BakedError when there is none. */
export async function extractFromPng(bytes) {
  if (!isPng(bytes)) throw new BakedError('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let legacy = null; // an Open Badges 2.0 bake (keyword "openbadges"), used when there is no 3.0 one
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = latin1(bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    const end = start + length;
    if (end + 4 > bytes.length) throw new BakedError('the PNG file is truncated or malformed');
    if (type === 'iTXt' || type === 'tEXt') {
      const data = bytes.subarray(start, end);
      const nul = data.indexOf(0);
      const keyword = nul > 0 && nul < 80 ? latin1(data.subarray(0, nul)) : '';
      if (type === 'iTXt' && keyword === PNG_KEYWORD) return readITXt(data, nul);
      if (keyword === 'openbadges' && legacy === null) legacy = type === 'iTXt' ? readITXt(data, nul) : latin1(data.subarray(nul + 1));
    }
    if (type === 'IEND') break;
    offset = end + 4; // skip the CRC
  }
  if (legacy !== null) return legacy; // the 2.0 assertion (JSON, its URL or a JWS): verify.js reads it
  throw new BakedError('no Open Badges 3.0 credential is baked into this PNG (no iTXt "openbadgecredential" chunk)');
}

async function readITXt(data, nul) {
  // keyword \0 compressionFlag compressionMethod languageTag \0 translatedKeyword \0 text
  let p = nul + 1;
  if (p + 2 > data.length) throw new BakedError('malformed iTXt chunk');
  const compressed = data[p] === 1;
  const method = data[p + 1];
  p += 2;
  const langEnd = data.indexOf(0, p);
  if (langEnd < 0) throw new BakedError('malformed iTXt chunk');
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) throw new BakedError('malformed iTXt chunk');
  let text = data.subarray(transEnd + 1);
  if (compressed) {
    if (method !== 0) throw new BakedError('unknown iTXt compression method');
    try {
      text = await decompress(text, 'deflate', MAX_TEXT);
    } catch (err) {
      throw new BakedError(`the baked credential cannot be decompressed: ${err.message}`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    throw new BakedError('the baked credential is not valid UTF-8');
  }
}

/** The credential text baked into an SVG document (given as text). */
export function extractFromSvg(text, { DOMParser = globalThis.DOMParser } = {}) {
  if (typeof DOMParser !== 'function') throw new BakedError('this environment cannot parse SVG');
  let doc;
  try {
    doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  } catch {
    throw new BakedError('the SVG file is not well-formed XML');
  }
  if (!doc || !doc.documentElement || doc.getElementsByTagName('parsererror').length > 0) {
    throw new BakedError('the SVG file is not well-formed XML');
  }
  const nodes = doc.getElementsByTagNameNS(OB3_SVG_NS, 'credential');
  if (nodes.length === 0) {
    const ob2 = doc.getElementsByTagNameNS('http://openbadges.org', 'assertion');
    if (ob2.length > 0) {
      // Open Badges 2.0 baking: the assertion as content, or its URL (or a JWS) in `verify`
      const baked = (ob2[0].textContent || '').trim() || (ob2[0].getAttribute('verify') || '').trim();
      if (baked) return baked;
      throw new BakedError('the <openbadges:assertion> element is empty');
    }
    throw new BakedError('no Open Badges 3.0 credential is baked into this SVG (no <openbadges:credential> element)');
  }
  const content = (nodes[0].textContent || '').trim();
  if (!content) {
    // OB 3.0 §5.3.2: a VC-JWT is baked in the element's `verify` attribute
    const jwt = (nodes[0].getAttribute('verify') || '').trim();
    if (jwt) return jwt;
    throw new BakedError('the <openbadges:credential> element is empty');
  }
  return content;
}

/**
 * The credential text of an input file or download: a baked PNG, a baked SVG
 * or JSON text. Returns {text, source: 'png'|'svg'|'json'}.
 */
export async function extractCredentialText(bytes, options = {}) {
  if (isPng(bytes)) return { text: await extractFromPng(bytes), source: 'png' };
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BakedError('the file is neither JSON, a PNG nor an SVG (it is not UTF-8 text)');
  }
  text = text.replace(/^\uFEFF/, '');
  const head = text.trimStart();
  if (head.startsWith('<')) return { text: extractFromSvg(text, options), source: 'svg' };
  return { text, source: 'json' };
}
