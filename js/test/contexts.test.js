import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonize } from '../verify/canonize.js';
import { CONTEXT_FILES, documentLoader } from '../verify/contexts.js';
import { ROOT } from '../testing/helpers.js';

test('the JS context mapping mirrors canon.py CONTEXT_FILES', () => {
  const source = readFileSync(join(ROOT, 'plugins/badgepress/sign/canon.py'), 'utf8');
  const block = source.slice(source.indexOf('CONTEXT_FILES = {'), source.indexOf('}', source.indexOf('CONTEXT_FILES = {')));
  const python = Object.fromEntries([...block.matchAll(/"([^"]+)":\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
  assert.ok(Object.keys(python).length >= 10);
  assert.deepEqual({ ...CONTEXT_FILES }, python);
});

test('bundled contexts load; anything else is refused, never fetched', async () => {
  const { document } = await documentLoader('https://www.w3.org/ns/credentials/v2');
  assert.ok(document['@context']);
  await assert.rejects(documentLoader('https://example.org/evil-context.json'), /context not bundled/);
  await assert.rejects(documentLoader('constructor'), /context not bundled/);
});

test('canonicalizing a document with an unknown context fails with "context not bundled"', async () => {
  const doc = { '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.org/ctx.json'], id: 'urn:x', type: ['VerifiableCredential'] };
  const real = globalThis.fetch;
  globalThis.fetch = () => assert.fail('a context was fetched');
  try {
    await assert.rejects(canonize(doc), /context not bundled/);
  } finally {
    globalThis.fetch = real;
  }
});

test('undefined terms fail in safe mode', async () => {
  const doc = { '@context': ['https://www.w3.org/ns/credentials/v2'], id: 'urn:x', type: ['VerifiableCredential'], favouriteColour: 'blue' };
  await assert.rejects(canonize(doc), /undefined term.*favouriteColour/);
  const { favouriteColour, ...plain } = doc;
  assert.equal(favouriteColour, 'blue');
  await assert.rejects(canonize({ ...plain, type: ['VerifiableCredential', 'MadeUpType'] }), /undefined term.*MadeUpType/);
});
