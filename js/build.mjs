// Bundle the verifier: js/verify/main.js -> plugins/badgepress/assets/verify/verify.js
// (ESM, minified, ES2020, for browsers), with the JSON-LD contexts of
// js/verify/contexts.js inlined and the licences of the bundled npm packages
// written next to it. Run with `npm run build`.

import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CONTEXT_DIR, CONTEXT_FILES } from './verify/contexts.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'plugins', 'badgepress', 'assets', 'verify');
const VIRTUAL = 'badgepress:bundled-contexts';

// `import contexts from 'badgepress:bundled-contexts'` -> {url: parsed context}
const bundledContexts = {
  name: 'bundled-contexts',
  setup(b) {
    b.onResolve({ filter: /^badgepress:bundled-contexts$/ }, (args) => ({ path: args.path, namespace: 'bp-contexts' }));
    b.onLoad({ filter: /.*/, namespace: 'bp-contexts' }, () => {
      const entries = Object.entries(CONTEXT_FILES);
      const files = entries.map(([, file]) => join(ROOT, CONTEXT_DIR, file));
      for (const f of files) if (!existsSync(f)) throw new Error(`bundled context missing: ${relative(ROOT, f)}`);
      const contents =
        files.map((f, i) => `import c${i} from ${JSON.stringify(f)};`).join('\n') +
        `\nexport default {${entries.map(([url], i) => `${JSON.stringify(url)}: c${i}`).join(', ')}};\n`;
      return { contents, loader: 'js', resolveDir: ROOT, watchFiles: files };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(OUT_DIR, { recursive: true });

const result = await build({
  absWorkingDir: ROOT,
  // verify.js, plus one chunk per proof suite other than eddsa-rdfc-2022,
  // loaded by import() only when a credential needs it (suites/index.js);
  // chunks sit next to verify.js, where hatch_build.py picks up every file.
  entryPoints: { verify: 'js/verify/main.js' },
  outdir: OUT_DIR,
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'external',
  charset: 'utf8',
  loader: { '.jsonld': 'json', '.json': 'json' },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: '/* Badgepress verifier. Third-party code: see THIRD-PARTY-LICENSES.txt next to this file. */' },
  plugins: [bundledContexts],
  metafile: true,
  logLevel: 'warning',
});

// Licences of every npm package that ended up in the bundle.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const sections = [];
for (const name of [...packages].sort()) {
  const dir = join(ROOT, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenceFile ? readFileSync(join(dir, licenceFile), 'utf8').trim() : `License: ${pkg.license}`;
  sections.push(`${name}@${pkg.version} (${pkg.license})\n${'-'.repeat(60)}\n${text}\n`);
}
writeFileSync(
  join(OUT_DIR, 'THIRD-PARTY-LICENSES.txt'),
  `Third-party packages bundled into verify.js\n${'='.repeat(60)}\n\n${sections.join('\n')}`,
);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = readdirSync(OUT_DIR)
  .filter((f) => f.endsWith('.js'))
  .map((f) => {
    const bytes = readFileSync(join(OUT_DIR, f));
    return { f, raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  });
for (const { f, raw, gz } of sizes) console.log(`${relative(ROOT, join(OUT_DIR, f))}: ${kb(raw)} raw, ${kb(gz)} gzipped`);
// What the page loads before any credential: verify.js and what it imports statically.
const outputs = result.metafile.outputs;
const firstLoad = new Set();
const visit = (file) => {
  if (firstLoad.has(file)) return;
  firstLoad.add(file);
  for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
};
visit(relative(ROOT, join(OUT_DIR, 'verify.js')));
const gzOf = (file) => sizes.find((s) => join(OUT_DIR, s.f) === join(ROOT, file))?.gz ?? 0;
const first = [...firstLoad].reduce((n, f) => n + gzOf(f), 0);
console.log(`first load: ${kb(first)} gzipped; total: ${kb(sizes.reduce((n, s) => n + s.gz, 0))} gzipped; packages: ${[...packages].sort().join(', ')}`);
