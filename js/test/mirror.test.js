// A copy of a site served elsewhere (mkdocs serve, a preview host) verifies
// its own credentials from itself; nothing else is fetched differently.
import '../testing/helpers.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDay } from '../verify/dates.js';
import { didWebUrl } from '../verify/did.js';
import { fetchJson, localCopyUrl } from '../verify/fetch.js';
import { siteMirror } from '../verify/ui.js';
import { verifyCredential } from '../verify/verify.js';
import { clone, fixture, stubFetch } from '../testing/helpers.js';

const SITE = 'https://example.org/badges/';
const COPY = 'http://127.0.0.1:8000/badges/';
const mirror = { from: SITE, to: COPY };
const NOW = new Date('2026-03-01T00:00:00Z');

test("the site's own documents map to the same path in the copy; others do not", () => {
  assert.equal(localCopyUrl(`${SITE}did.json`, mirror), `${COPY}did.json`);
  assert.equal(localCopyUrl(didWebUrl('did:web:example.org:badges'), mirror), `${COPY}did.json`);
  assert.equal(localCopyUrl(`${SITE}status/1.json`, mirror), `${COPY}status/1.json`);
  assert.equal(localCopyUrl('https://example.org/badges-other/did.json', mirror), null);
  assert.equal(localCopyUrl('https://example.org/did.json', mirror), null);
  assert.equal(localCopyUrl('https://other.example/badges/did.json', mirror), null);
  assert.equal(localCopyUrl(`${SITE}did.json`, null), null);
  assert.equal(localCopyUrl(`${SITE}did.json`, { from: SITE, to: SITE }), null);
});

test('a mapped fetch reads the copy, and is recorded for the page to say so', async () => {
  const log = [];
  const localReads = [];
  const fetch = stubFetch({ [`${COPY}did.json`]: { id: 'copy' }, 'https://other.example/x.json': { id: 'other' } }, log);
  assert.deepEqual(await fetchJson(`${SITE}did.json`, { fetch, mirror, localReads }), { id: 'copy' });
  assert.deepEqual(await fetchJson('https://other.example/x.json', { fetch, mirror, localReads }), { id: 'other' });
  assert.deepEqual(log, [`${COPY}did.json`, 'https://other.example/x.json']);
  assert.deepEqual(localReads, [`${SITE}did.json`]);
  await assert.rejects(fetchJson(`${SITE}missing.json`, { fetch, mirror }), /in this copy of the site, at http:\/\/127\.0\.0\.1:8000\/badges\/missing\.json: HTTP 404/);
});

test("a site's credential verifies from a copy of the site, and nothing else is fetched", async () => {
  const issuer = fixture('issuer.json');
  const routes = {
    [localCopyUrl(issuer.didUrl, mirror)]: issuer.didDocument,
    [localCopyUrl(issuer.statusListUrl, mirror)]: fixture('status-list.json'),
  };
  const log = [];
  const localReads = [];
  const r = await verifyCredential(fixture('credential.json'), { fetch: stubFetch(routes, log), now: NOW, mirror, localReads });
  assert.equal(r.status, 'verified', JSON.stringify(r.checks));
  assert.ok(log.every((url) => url.startsWith(COPY)), log);
  assert.deepEqual(localReads, [issuer.didUrl, issuer.statusListUrl]);
  // the same copy does not make a changed credential pass
  const changed = clone(fixture('credential.json'));
  changed.name = 'Changed';
  assert.equal((await verifyCredential(changed, { fetch: stubFetch(routes), now: NOW, mirror })).status, 'invalid');
});

test('the page knows the copy from its data attributes', () => {
  const result = (siteUrl, siteRoot) => ({ dataset: { siteUrl, siteRoot } });
  assert.deepEqual(siteMirror(result(SITE, '../'), `${COPY}verify/?credential=x`), { from: SITE, to: COPY });
  assert.equal(siteMirror(result(SITE, '../'), `${SITE}verify/`), null); // served from its own address
  assert.deepEqual(siteMirror(result(SITE, '../'), 'file:///home/me/site/verify/index.html'), {
    from: SITE,
    to: 'file:///home/me/site/',
  });
  assert.equal(siteMirror(result(undefined, '../'), `${COPY}verify/`), null);
});

test('dates read as on the site pages, in UTC whatever the time zone', () => {
  assert.equal(formatDay('2026-09-12T00:00:00Z'), '12 September 2026');
  assert.equal(formatDay('2026-09-12T23:30:00-08:00'), '13 September 2026');
  assert.equal(formatDay('not a date'), null);
});
