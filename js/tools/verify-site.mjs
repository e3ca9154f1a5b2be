// Verify credential files with the page's verifier (jsonld.js in safe mode,
// WebCrypto Ed25519) under Node, resolving every URL to a file of a built
// site: the independent check the tests run on what the Python side signs.
//
//   node js/tools/verify-site.mjs SITE_DIR [--now ISO] FILE...
// prints one JSON object {file: {status, checks}} and exits 0.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useBundledContexts } from '../testing/helpers.js';
import { verifyText } from '../verify/verify.js';

useBundledContexts();

const args = process.argv.slice(2);
const site = resolve(args.shift());
let now = new Date();
if (args[0] === '--now') {
  args.shift();
  now = new Date(args.shift());
}

function siteFetch(url) {
  const segments = new URL(url).pathname.split('/').filter(Boolean).map(decodeURIComponent);
  for (let start = 0; start < segments.length; start++) {
    const candidate = join(site, ...segments.slice(start));
    if (candidate.startsWith(site) && existsSync(candidate) && statSync(candidate).isFile()) {
      return Promise.resolve(new Response(readFileSync(candidate), { headers: { 'content-type': 'application/json' } }));
    }
  }
  return Promise.resolve(new Response('not found', { status: 404 }));
}

const results = {};
for (const file of args) {
  // JSON or a VC-JWT, as pasted on the page
  const result = await verifyText(readFileSync(file, 'utf8'), { fetch: siteFetch, now, allowHttp: true });
  results[file] = {
    status: result.status,
    checks: result.checks.map((c) => `${c.id}:${c.outcome}${c.outcome === 'fail' ? ` (${c.detail})` : ''}`),
  };
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
