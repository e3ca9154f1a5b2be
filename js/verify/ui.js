// DOM wiring of the /verify/ page.
//
// Everything a credential says is untrusted: it is shown with textContent
// and setAttribute only (never innerHTML), and an image is shown only from
// an http(s) or data:image/png|svg+xml URL, through <img> (where an SVG
// cannot run script).
//
// #bp-result's data-site-url is the address of the site the page belongs to
// and data-site-root the way from the page to that site's root: when the page
// is not served from the former (mkdocs serve, a preview host, a download),
// the site's own documents are read from this copy, and the page says so.

import { formatDay } from './dates.js';
import { MAX_INPUT_BYTES, localCopyUrl } from './fetch.js';
import { matchRecipient, tooLarge, verifyBytes, verifyText, verifyUrl } from './verify.js';

const HEADLINES = {
  verified: 'Verified: this credential is authentic, was issued by its issuer and is in force.',
  revoked: 'Revoked: the issuer has revoked this credential.',
  suspended: 'Suspended: the issuer has suspended this credential for now.',
  expired: 'Expired: this credential is outside its validity dates.',
  'not-yet-valid': 'Not valid yet: this credential comes into force at a later date.',
  invalid: 'Not valid: this credential fails verification.',
  unreachable: 'Not checked: a document needed to verify this credential could not be fetched.',
};
// A learner record's status includes that of every credential it holds.
const RECORD_HEADLINES = {
  verified: 'Verified: this learner record is authentic, and so is every credential in it.',
  revoked: 'Revoked: a credential in this learner record has been revoked by its issuer.',
  expired: 'Expired: this learner record, or a credential in it, is outside its validity dates.',
  invalid: 'Not valid: this learner record, or a credential in it, fails verification.',
  unreachable: 'Not checked: a document needed to verify this learner record could not be fetched.',
};
const ENDORSEMENT_HEADLINES = {
  verified: 'Verified: this endorsement is authentic, was signed by its endorser and is in force.',
};
const ICONS = { pass: '✓', fail: '✗', warn: '!', skip: '–' };
const OUTCOME_WORDS = { pass: 'passed', fail: 'failed', warn: 'warning', skip: 'not checked' };

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const PREVIEW_NOTE = 'Signed with a preview key: not a real credential. A preview build of a site signs with a throwaway key.';

function formatDate(iso) {
  const time = el('time', { datetime: iso }, formatDay(iso) || iso);
  time.title = iso;
  return time;
}

/** {from, to}: the site's own URL and where this copy of it is, or null when they are the same. */
export function siteMirror(result, here) {
  const from = result.dataset.siteUrl;
  const root = result.dataset.siteRoot;
  if (!from || root === undefined) return null;
  let to;
  try {
    to = new URL(root || './', here).href;
  } catch {
    return null;
  }
  return to === from ? null : { from, to };
}

function recipientText(r) {
  if (r.kind === 'id') return r.value;
  if (r.kind === 'plain') return `${r.identityType}: ${r.value}`;
  return r.identityType === 'emailAddress' ? 'identified by a hashed email address' : `identified by a hashed ${r.identityType}`;
}

/** Wire the verifier into the page; returns false when the page has no verifier. */
export function mountVerifier(doc = document, { verifyOptions = {} } = {}) {
  const $ = (id) => doc.getElementById(id);
  const ui = {
    input: $('bp-input'),
    verify: $('bp-verify'),
    file: $('bp-file'),
    drop: $('bp-drop'),
    result: $('bp-result'),
    headline: $('bp-headline'),
    checks: $('bp-checks'),
    details: $('bp-details'),
    detailsBody: $('bp-details-body'),
    email: $('bp-email'),
    emailCheck: $('bp-email-check'),
    emailResult: $('bp-email-result'),
  };
  if (!ui.result || !ui.input || !ui.checks) return false;
  if (ui.result.dataset.bpMounted === 'true') return true;
  ui.result.dataset.bpMounted = 'true';
  const here = doc.location?.href || location.href;
  const mirror = siteMirror(ui.result, here);
  const notes = doc.getElementById('bp-notes') || ui.checks.parentNode.insertBefore(el('ul', { id: 'bp-notes', class: 'bp-notes' }), ui.checks);

  let current = null; // the authentic credential whose details are shown
  let generation = 0; // a newer verification wins over a slower older one

  async function run(task, startedAt) {
    const mine = ++generation;
    current = null;
    ui.result.setAttribute('data-verification-status', '');
    ui.result.removeAttribute('data-verification-ms');
    ui.result.setAttribute('aria-busy', 'true');
    if (ui.headline) ui.headline.textContent = 'Verifying…';
    ui.checks.replaceChildren();
    notes.replaceChildren();
    ui.result.removeAttribute('data-preview');
    ui.result.removeAttribute('data-local-copy');
    clearDetails();
    const localReads = [];
    let result;
    try {
      result = await task({ ...verifyOptions, mirror: verifyOptions.mirror ?? mirror, localReads });
    } catch (err) {
      result = {
        status: 'invalid',
        checks: [{ id: 'credential', label: 'Open Badges 3.0 credential', outcome: 'fail', detail: `unexpected error: ${String(err?.message || err).slice(0, 200)}` }],
      };
    }
    if (mine !== generation) return;
    if (typeof result.text === 'string') ui.input.value = result.text; // a file's or URL's credential
    render(result, localReads);
    ui.result.setAttribute('aria-busy', 'false');
    ui.result.setAttribute('data-verification-ms', (performance.now() - startedAt).toFixed(1));
    ui.result.setAttribute('data-verification-status', result.status);
    // a hook for what other modules add to a result (provenance.js)
    ui.result.dispatchEvent(new CustomEvent('bp:verified', { detail: result }));
  }

  function render(result, localReads) {
    const headlines = result.kind === 'record' ? RECORD_HEADLINES : result.kind === 'endorsement' ? ENDORSEMENT_HEADLINES : {};
    const verdict = result.verdict || result.status;
    if (ui.headline) ui.headline.textContent = headlines[verdict] || HEADLINES[verdict] || headlines[result.status] || HEADLINES[result.status] || result.status;
    if (result.preview) {
      ui.result.setAttribute('data-preview', 'true');
      notes.append(el('li', { class: 'bp-note bp-note--preview', 'data-note': 'preview' }, PREVIEW_NOTE));
    }
    const mirrored = localReads.length ? (verifyOptions.mirror ?? mirror) : null;
    if (mirrored) {
      ui.result.setAttribute('data-local-copy', 'true');
      notes.append(
        el(
          'li',
          { class: 'bp-note bp-note--local', 'data-note': 'local-copy' },
          `This is a local or preview copy of ${mirrored.from}: that site's documents (its DID document, status lists, credentials) were read from this copy, at ${mirrored.to}, not from ${mirrored.from}.`,
        ),
      );
    }
    for (const check of result.checks) {
      const li = el('li', { 'data-check': check.id, 'data-outcome': check.outcome, class: `bp-check bp-check--${check.outcome}` });
      li.append(
        el('span', { class: 'bp-check__icon', 'aria-hidden': 'true' }, ICONS[check.outcome] || '?'),
        el('span', { class: 'bp-check__label' }, check.label),
        el('span', { class: 'bp-visually-hidden' }, ` (${OUTCOME_WORDS[check.outcome] || check.outcome})`),
        el('span', { class: 'bp-check__detail' }, check.detail ? ` — ${check.detail}` : ''),
      );
      ui.checks.append(li);
    }
    if (result.summary) {
      current = result.credential;
      showDetails(result.summary, result.revocation);
    }
  }

  function clearDetails() {
    if (ui.detailsBody) ui.detailsBody.replaceChildren();
    if (ui.details) ui.details.hidden = true;
    if (ui.emailResult) ui.emailResult.textContent = '';
    if (ui.emailCheck) ui.emailCheck.disabled = true;
    showRecipientCheck(true);
  }

  // An endorsement has no recipient to check: what it endorses is not a person.
  // (style, not `hidden`: the page's CSS gives the box display:flex)
  function showRecipientCheck(shown) {
    const box = ui.details?.querySelector('.bp-recipient');
    if (!box) return;
    box.style.display = shown ? '' : 'none';
    const note = box.nextElementSibling;
    if (note && note.tagName === 'P') note.style.display = shown ? '' : 'none';
  }

  function showDetails(summary, revocation) {
    if (!ui.details || !ui.detailsBody) return;
    const body = ui.detailsBody;
    if (summary.image) {
      const img = el('img', { class: 'bp-badge-image', width: '128', height: '128', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
      img.alt = summary.image.alt;
      // scheme checked by safeImageUrl; the site's own images, like its documents, from this copy
      img.src = localCopyUrl(summary.image.src, verifyOptions.mirror ?? mirror) || summary.image.src;
      body.append(img);
    }
    const dl = el('dl', { class: 'bp-fields' });
    const add = (term, value) => {
      if (value === null || value === undefined || value === '') return;
      dl.append(el('dt', {}, term));
      const dd = el('dd');
      if (value instanceof Node) dd.append(value);
      else dd.textContent = String(value);
      dl.append(dd);
    };
    const issuer = summary.issuerName ? `${summary.issuerName} (${summary.issuerId})` : summary.issuerId;
    const keyLine = summary.keyListed && summary.keys?.length
      ? `listed in the ${summary.issuerId?.startsWith('did:') ? 'DID' : 'controller'} document of the issuer: ${summary.keys.join(', ')}`
      : null;
    if (summary.kind === 'endorsement') {
      // the name is the endorser's own: the signature proves the key (the DID), not the name
      add('Endorsement', summary.achievementName);
      add('Endorser', issuer);
      add('Endorses', summary.endorsed);
      add('Comment', summary.comment);
    } else if (summary.kind === 'record') {
      add('Learner record', summary.achievementName);
      add('Description', summary.achievementDescription);
      add('Issuer', issuer);
      add('Signing key', keyLine);
      add('Achievements', summary.achievements.join(', '));
      add('Credentials', String(summary.credentialCount));
    } else {
      add('Achievement', summary.achievementName);
      add('Description', summary.achievementDescription);
      add('Issuer', issuer);
      add('Signing key', keyLine);
    }
    if (summary.recipientName) add('Recipient', summary.recipientName);
    else for (const r of summary.recipients) add('Recipient', recipientText(r));
    if (summary.validFrom) add('Valid from', formatDate(summary.validFrom));
    if (summary.validUntil) add('Valid until', formatDate(summary.validUntil));
    if (revocation) {
      add('Revoked on', revocation.date ? formatDate(revocation.date) : 'the issuer publishes no date');
      add('Reason', revocation.reason || 'the issuer publishes no reason');
    }
    add('Credential id', summary.credentialId);
    body.append(dl);
    if (summary.issuerId) body.append(registryLookup(summary.issuerId));
    ui.details.hidden = false;
    ui.details.open = true;
    showRecipientCheck(summary.kind !== 'endorsement');
    if (ui.emailCheck) ui.emailCheck.disabled = !summary.recipients.some((r) => r.kind !== 'id');
    if (ui.emailResult && !summary.recipients.some((r) => r.kind !== 'id')) {
      ui.emailResult.textContent = 'This credential names its recipient by id only; there is no email to compare.';
    }
  }

  // Known issuers (registries.js): only on the visitor's request, since it contacts third parties.
  function registryLookup(issuerId) {
    const box = el('p', { class: 'bp-registries' });
    const button = el('button', { type: 'button', id: 'bp-registries', class: 'md-button' }, 'Look the issuer up in public issuer registries');
    const out = el('span', { id: 'bp-registries-result', role: 'status' }, ' (asks digitalcredentials.github.io for its lists; nothing about the credential is sent)');
    button.addEventListener('click', async () => {
      button.disabled = true;
      out.textContent = ' Looking up…';
      const { describeLookup, lookupIssuer } = await import('./registries.js');
      out.textContent = ` ${describeLookup(await lookupIssuer(issuerId, verifyOptions))}`;
      out.setAttribute('data-done', 'true');
    });
    box.append(button, out);
    return box;
  }

  async function checkEmail() {
    if (!current || !ui.email || !ui.emailResult) return;
    const email = ui.email.value;
    if (!email.trim()) {
      ui.emailResult.textContent = 'Type an email address first.';
      ui.emailResult.setAttribute('data-match', '');
      return;
    }
    const { checked, match } = await matchRecipient(current, email);
    ui.emailResult.setAttribute('data-match', checked ? String(match) : '');
    ui.emailResult.textContent = !checked
      ? 'This credential has no hashed email to compare.'
      : match
        ? 'Match: this credential was issued to this email address.'
        : 'No match: this credential was not issued to this email address (check for typos).';
  }

  async function verifyFile(file) {
    const started = performance.now();
    await run(async (options) => {
      if (file.size > MAX_INPUT_BYTES) return tooLarge();
      return verifyBytes(new Uint8Array(await file.arrayBuffer()), options);
    }, started);
  }

  ui.verify?.addEventListener('click', () => {
    const started = performance.now();
    run((options) => verifyText(ui.input.value, options), started);
  });
  ui.file?.addEventListener('change', () => {
    const file = ui.file.files && ui.file.files[0];
    if (file) verifyFile(file);
    ui.file.value = '';
  });
  if (ui.drop) {
    const on = (type, fn) => ui.drop.addEventListener(type, fn);
    on('dragenter', (e) => { e.preventDefault(); ui.drop.classList.add('bp-drop--over'); });
    on('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; });
    on('dragleave', () => ui.drop.classList.remove('bp-drop--over'));
    on('drop', (e) => {
      e.preventDefault();
      ui.drop.classList.remove('bp-drop--over');
      const file = e.dataTransfer?.files?.[0];
      if (file) verifyFile(file);
    });
    on('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && ui.file && e.target === ui.drop) {
        e.preventDefault();
        ui.file.click();
      }
    });
  }
  ui.emailCheck?.addEventListener('click', () => checkEmail());
  ui.email?.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      checkEmail();
    }
  });

  // ?credential=<URL> (absolute, or relative to this page): fetch and verify on load.
  const param = new URL(here).searchParams.get('credential');
  if (param) {
    const started = performance.now();
    ui.input.value = '';
    let target;
    try {
      target = new URL(param, here).href;
    } catch {
      target = param;
    }
    run((options) => verifyUrl(target, options), started);
  }
  return true;
}
