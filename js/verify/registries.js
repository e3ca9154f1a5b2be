// Known issuers: the public issuer registries that VerifierPlus (DCC) reads,
// static JSON lists of the shape {meta, registry: {<DID>: {name, location,
// url}}}. Consulted only when the visitor asks (a button under the details):
// the visitor's browser then fetches each list from its host, and nothing
// about the credential is sent. Being listed says who the issuer claims to be
// to that registry's keeper; it is not part of the verification.
// DCC's OpenID Federation registry (a trust chain of signed entity
// statements, not a static list) is not consulted.

import { fetchJson } from './fetch.js';

export const REGISTRIES = Object.freeze([
  { name: 'DCC Pilot Registry', url: 'https://digitalcredentials.github.io/issuer-registry/registry.json' },
  { name: 'DCC Sandbox Registry', url: 'https://digitalcredentials.github.io/sandbox-registry/registry.json' },
  { name: 'DCC Community Registry', url: 'https://digitalcredentials.github.io/community-registry/registry.json' },
  { name: 'DCC Registry', url: 'https://digitalcredentials.github.io/dcc-registry/registry.json' },
]);

const text = (v) => (typeof v === 'string' ? v.slice(0, 200) : null);

/** {found: [{registry, name, location, url}], unchecked: [{registry, reason}]} for `issuerId`. */
export async function lookupIssuer(issuerId, { fetch, registries = REGISTRIES } = {}) {
  const found = [];
  const unchecked = [];
  await Promise.all(
    registries.map(async (r) => {
      try {
        const list = await fetchJson(r.url, { fetch });
        const entries = list?.registry;
        const entry = entries && typeof entries === 'object' && Object.prototype.hasOwnProperty.call(entries, issuerId) ? entries[issuerId] : null;
        if (entry && typeof entry === 'object') found.push({ registry: r.name, name: text(entry.name), location: text(entry.location), url: text(entry.url) });
      } catch (err) {
        unchecked.push({ registry: r.name, reason: String(err?.message || err).slice(0, 200) });
      }
    }),
  );
  const order = (a, b) => registries.findIndex((r) => r.name === a.registry) - registries.findIndex((r) => r.name === b.registry);
  return { found: found.sort(order), unchecked: unchecked.sort(order) };
}

/** One sentence for the page. */
export function describeLookup({ found, unchecked }, total = REGISTRIES.length) {
  const listed = found.map((f) => `${f.registry} lists it as ${f.name ?? 'an issuer'}${f.location ? ` (${f.location})` : ''}`);
  const head = listed.length ? `${listed.join('; ')}.` : `None of the ${total - unchecked.length} registries read lists this issuer.`;
  const tail = unchecked.length ? ` Could not read: ${unchecked.map((u) => u.registry).join(', ')}.` : '';
  return head + tail;
}
