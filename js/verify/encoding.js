// Small byte encodings: base58btc, base64url, hex, UTF-8, and the Ed25519
// Multikey form ("z" + base58btc(0xed 0x01 + 32-byte key)).

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_INDEX = new Map([...B58].map((c, i) => [c, i]));

export function base58Encode(bytes) {
  bytes = toBytes(bytes);
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits = []; // little-endian base-58 digits
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i];
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j] << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += B58[digits[i]];
  return out;
}

export function base58Decode(text) {
  if (typeof text !== 'string') throw new Error('base58 value is not a string');
  if (text.length > 4096) throw new Error('base58 value is too long');
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes = []; // little-endian base-256 digits
  for (let i = zeros; i < text.length; i++) {
    let carry = B58_INDEX.get(text[i]);
    if (carry === undefined) throw new Error('not valid base58btc');
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j] * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[out.length - 1 - i] = bytes[i];
  return out;
}

/** Decode a base58btc multibase value ("z…"). */
export function multibaseBase58Decode(text) {
  if (typeof text !== 'string' || !text.startsWith('z')) {
    throw new Error("not a base58btc multibase value (it must start with 'z')");
  }
  return base58Decode(text.slice(1));
}

export function base64urlDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    throw new Error('not valid base64url');
  }
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (b64.length % 4 === 1) throw new Error('not valid base64url');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(bytes) {
  return Array.from(toBytes(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('expected bytes');
}

export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The 32 raw bytes of an Ed25519 Multikey `publicKeyMultibase` ("z6Mk…"). */
export function decodeEd25519Multikey(multibase) {
  const raw = multibaseBase58Decode(multibase);
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) {
    throw new Error("not an Ed25519 public key (expected 'z6Mk…': 0xed01 + 32 bytes)");
  }
  return raw.slice(2);
}

export function encodeEd25519Multikey(raw) {
  return 'z' + base58Encode(concatBytes(Uint8Array.of(0xed, 0x01), toBytes(raw)));
}

// Compressed input is fed to the decompressor in slices this small, with
// backpressure: DEFLATE expands at most ~1032:1, so each slice yields at most
// ~1 MB, and decompression stops soon after `maxBytes`. (Handing the whole
// input over at once lets the browser inflate all of it before the first
// read: measured in Chromium, a 1 MB "zip bomb" took 1 GB of memory and
// 3.5 s before it was refused.)
const DECOMPRESS_SLICE = 1024;

/**
 * Decompress `bytes` ('gzip' or 'deflate' = zlib) with DecompressionStream,
 * refusing output larger than `maxBytes` (a "zip bomb" stays harmless).
 */
export async function decompress(bytes, format, maxBytes) {
  if (typeof DecompressionStream !== 'function') throw new Error('this browser cannot decompress data');
  const input = toBytes(bytes);
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const feeding = (async () => {
    for (let i = 0; i < input.length; i += DECOMPRESS_SLICE) {
      await writer.write(input.subarray(i, i + DECOMPRESS_SLICE));
    }
    await writer.close();
  })();
  feeding.catch(() => {}); // its failures also fail the reader, reported below
  let out;
  try {
    out = await readBounded(reader, maxBytes);
    if (out !== null) await feeding;
  } catch {
    throw new Error(`not valid ${format} data`);
  }
  if (out === null) throw new Error(`decompressed data is larger than ${maxBytes} bytes`);
  return out;
}

/**
 * All the bytes of a stream `reader`, or null as soon as there are more than
 * `maxBytes` (the stream is then cancelled): nothing unbounded is kept.
 */
export async function readBounded(reader, maxBytes) {
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(...chunks);
    total += value.length;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}
