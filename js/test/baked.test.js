// Baked badges: credentials extracted from small PNG and SVG files made here.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { extractCredentialText, extractFromPng, extractFromSvg } from '../verify/baked.js';
import { verifyBytes } from '../verify/verify.js';
import { fixture, stubFetch } from '../testing/helpers.js';

const enc = new TextEncoder();

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(enc.encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A valid 1×1 grey PNG with the given extra chunks before IDAT. */
function png(...extra) {
  const ihdr = Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0);
  const idat = deflateSync(Uint8Array.of(0, 0x80));
  return concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), ...extra, chunk('IDAT', idat), chunk('IEND', new Uint8Array()));
}

function iTXt(keyword, text, { compressed = false } = {}) {
  const body = compressed ? deflateSync(enc.encode(text)) : enc.encode(text);
  return chunk('iTXt', concat(enc.encode(keyword), Uint8Array.of(0, compressed ? 1 : 0, 0, 0, 0), body));
}

const credential = fixture('credential.json');
const json = JSON.stringify(credential);
const issuer = fixture('issuer.json');
const fetch = stubFetch({ [issuer.didUrl]: issuer.didDocument, [issuer.statusListUrl]: fixture('status-list.json') });
const NOW = new Date('2026-03-01T00:00:00Z');

test('PNG: the iTXt "openbadgecredential" chunk, plain or compressed', async () => {
  const file = png(chunk('tEXt', enc.encode('Software\0test')), iTXt('openbadgecredential', json));
  assert.equal(await extractFromPng(file), json);
  assert.equal(await extractFromPng(png(iTXt('openbadgecredential', json, { compressed: true }))), json);
  const result = await verifyBytes(file, { fetch, now: NOW });
  assert.equal(result.status, 'verified');
  assert.equal(result.source, 'png');
});

test('PNG: no credential, Open Badges 2.0, truncated', async () => {
  await assert.rejects(extractFromPng(png()), /no Open Badges 3.0 credential/);
  assert.equal(await extractFromPng(png(chunk('tEXt', enc.encode('openbadges\0https://x.example/a.json')))), 'https://x.example/a.json'); // 2.0
  const full = png(iTXt('openbadgecredential', json));
  await assert.rejects(extractFromPng(full.subarray(0, 60)), /truncated/);
  const r = await verifyBytes(png(), {});
  assert.equal(r.status, 'invalid');
  assert.match(r.checks[0].detail, /no Open Badges 3.0 credential/);
});

const svg = (inner) => `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="10" height="10">
  ${inner}
  <rect width="10" height="10" fill="#08c"/>
</svg>`;

test('SVG: the <openbadges:credential> element (CDATA or text)', async () => {
  const cdata = svg(`<openbadges:credential><![CDATA[${json}]]></openbadges:credential>`);
  assert.equal(extractFromSvg(cdata, { DOMParser }), json);
  const escaped = json.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  assert.equal(extractFromSvg(svg(`<openbadges:credential>\n${escaped}\n</openbadges:credential>`), { DOMParser }), json);
  const result = await verifyBytes(enc.encode(cdata), { fetch, now: NOW, DOMParser });
  assert.equal(result.status, 'verified');
  assert.equal(result.source, 'svg');
  // tampered inside the image -> invalid
  const tampered = cdata.replace('Intro to Testing', 'Advanced Testing');
  assert.equal((await verifyBytes(enc.encode(tampered), { fetch, now: NOW, DOMParser })).status, 'invalid');
});

test('SVG: missing element, wrong namespace, Open Badges 2.0, a VC-JWT in verify', () => {
  assert.throws(() => extractFromSvg(svg(''), { DOMParser }), /no Open Badges 3.0 credential/);
  const wrongNs = svg('<ob:credential xmlns:ob="https://example.org/ob">{}</ob:credential>');
  assert.throws(() => extractFromSvg(wrongNs, { DOMParser }), /no Open Badges 3.0/);
  assert.throws(() => extractFromSvg('<svg><unclosed></svg>', { DOMParser }), /well-formed/);
  assert.equal(extractFromSvg(svg('<openbadges:credential verify="eyJhbGciOiJFZERTQSJ9.e30.c2ln"/>'), { DOMParser }), 'eyJhbGciOiJFZERTQSJ9.e30.c2ln');
  const ob2 = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://x.example/a.json"/></svg>';
  assert.equal(extractFromSvg(ob2, { DOMParser }), 'https://x.example/a.json');
});

test('input sniffing: JSON with BOM, PNG, SVG, binary junk', async () => {
  assert.equal((await extractCredentialText(enc.encode('\uFEFF' + json))).source, 'json');
  assert.equal((await extractCredentialText(png(iTXt('openbadgecredential', json)))).source, 'png');
  await assert.rejects(extractCredentialText(Uint8Array.of(0xff, 0xfe, 0x00, 0x81)), /not UTF-8/);
});
