// DOM wiring of the /verify/ page.
//
// Everything a credential says is untrusted: it is shown with textContent
// and setAttribute only (never innerHTML), and an image is shown only from
// an http(s) or data:image/png|svg+xml URL, through <img> (where an SVG
// cannot run script).

import { MAX_INPUT_BYTES } from './fetch.js';
import { matchRecipient, tooLarge, verifyBytes, verifyText, verifyUrl } from './verify.js';

const HEADLINES = {
  verified: 'Verified: this credential is authentic, was issued by its issuer and is in force.',
  revoked: 'Revoked: the issuer has revoked this credential.',
  expired: 'Expired: this credential is outside its validity dates.',
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

function formatDate(iso) {
  const t = Date.parse(iso);
  const time = el('time', { datetime: iso }, Number.isNaN(t) ? iso : new Date(t).toLocaleString());
  time.title = iso;
  return time;
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
    clearDetails();
    let result;
    try {
      result = await task();
    } catch (err) {
      result = {
        status: 'invalid',
        checks: [{ id: 'credential', label: 'Open Badges 3.0 credential', outcome: 'fail', detail: `unexpected error: ${String(err?.message || err).slice(0, 200)}` }],
      };
    }
    if (mine !== generation) return;
    if (typeof result.text === 'string') ui.input.value = result.text; // a file's or URL's credential
    render(result);
    ui.result.setAttribute('aria-busy', 'false');
    ui.result.setAttribute('data-verification-ms', (performance.now() - startedAt).toFixed(1));
    ui.result.setAttribute('data-verification-status', result.status);
  }

  function render(result) {
    const headlines = result.kind === 'record' ? RECORD_HEADLINES : result.kind === 'endorsement' ? ENDORSEMENT_HEADLINES : {};
    if (ui.headline) ui.headline.textContent = headlines[result.status] || HEADLINES[result.status] || result.status;
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
      showDetails(result.summary);
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

  function showDetails(summary) {
    if (!ui.details || !ui.detailsBody) return;
    const body = ui.detailsBody;
    if (summary.image) {
      const img = el('img', { class: 'bp-badge-image', width: '128', height: '128', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
      img.alt = summary.image.alt;
      img.src = summary.image.src; // scheme checked by safeImageUrl
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
      add('Achievements', summary.achievements.join(', '));
      add('Credentials', String(summary.credentialCount));
    } else {
      add('Achievement', summary.achievementName);
      add('Description', summary.achievementDescription);
      add('Issuer', issuer);
    }
    for (const r of summary.recipients) {
      if (r.kind === 'id') add('Recipient', r.value);
      else if (r.kind === 'hashed') add('Recipient', `${r.identityType}, hashed: ${r.value}`);
      else add('Recipient', `${r.identityType}: ${r.value}`);
    }
    if (summary.validFrom) add('Valid from', formatDate(summary.validFrom));
    if (summary.validUntil) add('Valid until', formatDate(summary.validUntil));
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
    await run(async () => {
      if (file.size > MAX_INPUT_BYTES) return tooLarge();
      return verifyBytes(new Uint8Array(await file.arrayBuffer()), verifyOptions);
    }, started);
  }

  ui.verify?.addEventListener('click', () => {
    const started = performance.now();
    run(() => verifyText(ui.input.value, verifyOptions), started);
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
  const here = doc.location?.href || location.href;
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
    run(() => verifyUrl(target, verifyOptions), started);
  }
  return true;
}
