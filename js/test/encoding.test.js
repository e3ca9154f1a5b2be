import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  base58Decode,
  base58Encode,
  base64urlDecode,
  decodeEd25519Multikey,
  decompress,
  encodeEd25519Multikey,
  fromHex,
  toHex,
} from '../verify/encoding.js';
import { gzipSync } from 'node:zlib';

test('base58btc round trips, leading zeros included', () => {
  const cases = [[], [0], [0, 0, 1], [255, 254, 0, 3], Array.from({ length: 64 }, (_, i) => (i * 37) % 256)];
  for (const c of cases) {
    const bytes = Uint8Array.from(c);
    assert.deepEqual(base58Decode(base58Encode(bytes)), bytes);
  }
  assert.equal(base58Encode(new TextEncoder().encode('Hello World!')), '2NEpo7TZRRrLZSi2U');
  assert.equal(base58Encode(Uint8Array.of(0, 0, 0x28, 0x7f, 0xb4, 0xcd)), '11233QC4');
  assert.throws(() => base58Decode('0OIl'), /base58/);
});

test('Ed25519 Multikey encoding', () => {
  const raw = fromHex('4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5');
  assert.equal(encodeEd25519Multikey(raw), 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi');
  assert.equal(toHex(decodeEd25519Multikey('z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi')), toHex(raw));
  assert.throws(() => decodeEd25519Multikey('zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'), /Ed25519/);
  assert.throws(() => decodeEd25519Multikey('u6Mk'), /multibase/);
});

test('base64url', () => {
  assert.deepEqual(base64urlDecode('_-8'), Uint8Array.of(0xff, 0xef));
  assert.throws(() => base64urlDecode('a+b/'), /base64url/);
  assert.throws(() => base64urlDecode('abcde'), /base64url/);
});

test('decompress refuses a zip bomb', async () => {
  const bomb = gzipSync(new Uint8Array(1 << 20));
  await assert.rejects(decompress(bomb, 'gzip', 1000), /larger than/);
  assert.equal((await decompress(bomb, 'gzip', 1 << 20)).length, 1 << 20);
  await assert.rejects(decompress(Uint8Array.of(1, 2, 3), 'gzip', 1000), /not valid gzip/);
});
