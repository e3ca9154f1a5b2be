// The shared corpus (tests/data/corpus, made by make_corpus.py): the page's
// verifier gives every case the outcome cases.json expects, as
// `badgepress verify` does (tests/test_corpus.py).
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, readJson } from '../testing/helpers.js';
import { verifyText } from '../verify/verify.js';

const CORPUS = join(ROOT, 'tests', 'data', 'corpus');
const manifest = readJson(join('tests', 'data', 'corpus', 'cases.json'));
const now = new Date(manifest.now);

/** Every URL answered from the corpus' site folder, by its path (as `badgepress verify --site` does). */
async function corpusFetch(url) {
  const file = join(CORPUS, 'site', ...new URL(url).pathname.split('/').filter(Boolean).map(decodeURIComponent));
  if (!file.startsWith(join(CORPUS, 'site')) || !existsSync(file)) return new Response('not found', { status: 404 });
  return new Response(readFileSync(file), { headers: { 'content-type': 'application/json' } });
}

for (const [name, expected] of Object.entries(manifest.cases)) {
  test(`corpus: ${name} is ${expected.status} (${expected.why})`, async () => {
    const text = readFileSync(join(CORPUS, 'credentials', `${name}.json`), 'utf8');
    const result = await verifyText(text, { fetch: corpusFetch, now });
    const lines = result.checks.map((c) => `${c.id}:${c.outcome} ${c.detail}`);
    assert.equal(result.verdict, expected.status, lines.join('\n'));
    for (const shown of expected.shows) {
      if (shown === 'preview key') continue; // a note of the page, not a check's detail
      assert.ok(lines.some((l) => l.includes(shown)), `${shown} in\n${lines.join('\n')}`);
    }
    assert.equal(Boolean(result.preview), expected.preview);
  });
}
