// The admin page's appointment sources (managers and admins of a site): the list with each source's health, a form
// to create or change one, its health in detail, dead letters with replay, a CSV file checked (dry run, its report as
// a table) and then applied, and the site's suggested patient matches. Secrets are write-only: the form never shows
// them, and an empty secret field keeps the saved one.

import { el } from './api.js';
import { formatNumber, t } from './i18n.js';
import { staffCall } from './session.js';

const $ = (id) => document.getElementById(id);

/**
 * What each source kind is set up with: the field groups of the form it needs (`data-source-field`), whether it is
 * polled (then it can be synced now) or takes files, and the mapping a new one starts from. A new kind is one more
 * entry here (and its field group in admin.html, if it has fields the others do not).
 */
const KINDS = {
  'fhir-r4': {
    fields: ['baseUrl', 'auth', 'schedule', 'subscription'], polls: true,
    mapping: (queue) => ({ defaultQueue: queue, queues: [] }),
  },
  webhook: {
    fields: ['subscription'],
    mapping: (queue) => ({
      defaultQueue: queue,
      fields: {
        eventId: '/id', appointmentId: '/appointment/id', status: '/appointment/status',
        start: '/appointment/start', patientName: '/patient/name',
      },
    }),
  },
  // messages arrive on the node's MLLP port (WAITLINE_MLLP_PORT) and are routed here by MSH-4, the sending facility
  'hl7v2-mllp': {
    fields: [],
    mapping: (queue) => ({
      defaultQueue: queue,
      hl7: { sendingFacility: 'CLINIC_PMS', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      mrnSystem: 'CLINIC_MRN',
      queues: [],
    }),
  },
  csv: {
    fields: [], files: true,
    mapping: (queue) => ({
      defaultQueue: queue,
      columns: { appointmentId: 'Appointment', start: 'Start', patientName: 'Patient', birthDate: 'Born' },
    }),
  },
};

/** The fields each way of signing in to a source has; secrets are never read back. */
const AUTH_FIELDS = {
  none: [],
  bearer: ['token'],
  basic: ['username', 'password'],
  'smart-backend': ['tokenUrl', 'clientId', 'scope', 'keyId', 'algorithm', 'privateKey'],
};
const SECRETS = new Set(['token', 'password', 'privateKey']);

let page = null;
let sources = [];
let health = new Map();
let editing = null;
let shown = null;
let deleting = null;
let checkedFile = null;

const siteId = () => $('sources-site').value;
/** A kind this page does not know yet (added on the server first) still lists, edits by name and mapping. */
const describe = (kind) => KINDS[kind] || { fields: [], mapping: () => ({}) };
const kindOf = (source) => describe(source.kind);
/** The kind the form is for: the edited source's, else the one chosen. */
const formKind = () => (editing ? editing.kind : $('source-kind').value);

/** A lag in seconds as words: seconds under two minutes, minutes under two hours, else hours. */
function lagText(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return t('sources.lagSeconds', { n: formatNumber(seconds) });
  if (seconds < 7200) return t('sources.lagMinutes', { n: formatNumber(Math.round(seconds / 60)) });
  return t('sources.lagHours', { n: formatNumber(Math.round(seconds / 3600)) });
}

function stateBadge(state) {
  return el('span', { class: 'badge state-' + String(state).toLowerCase(), dataset: { state } },
    t('sources.state.' + state));
}

// --- the list

export async function loadSources() {
  const site = siteId();
  if (!site) return;
  try {
    const list = await staffCall(`/api/v1/sites/${encodeURIComponent(site)}/sources`);
    const healths = await Promise.all(list.map((s) => staffCall(`/api/v1/sources/${s.id}/health`)));
    if (site !== siteId()) return;
    sources = list;
    health = new Map(healths.map((h) => [h.sourceId, h]));
    renderSources();
    if (shown) {
      const still = sources.find((s) => s.id === shown.id);
      if (still) showDetail(still);
      else $('source-detail').hidden = true;
    }
  } catch (e) {
    page.failed(e);
  }
  loadReviews();
}

export function renderSources() {
  $('source-rows').replaceChildren(...sources.map((s) => {
    const h = health.get(s.id) || {};
    return el('tr', { dataset: { source: s.id, name: s.name } },
      el('th', { scope: 'row' }, s.name),
      el('td', { class: 'mono' }, s.kind),
      el('td', { class: 'state' }, h.state ? stateBadge(h.state) : ''),
      el('td', {}, page.when(h.lastSuccessAt)),
      el('td', { class: 'last-error' }, h.lastError || ''),
      el('td', { class: 'nowrap' }, lagText(h.lagSeconds)),
      el('td', {}, h.breaker ? t('sources.breaker.' + h.breaker) : ''),
      el('td', { class: 'row-actions' },
        action('details', s, 'sources.details', () => showDetail(s, true)),
        kindOf(s).polls ? action('sync', s, 'sources.syncNow', () => syncNow(s)) : null,
        action('edit', s, 'sources.edit', () => openForm(s)),
        action('delete', s, 'sources.delete', () => openDelete(s), 'danger')));
  }));
  $('no-sources').hidden = sources.length > 0;
}

function action(op, source, label, onclick, style = '') {
  return el('button', {
    type: 'button', class: ('small ' + style).trim(), dataset: { op },
    'aria-label': `${t(label)} ${source.name}`, onclick,
  }, t(label));
}

async function syncNow(source) {
  page.flash(t('sources.syncing', { name: source.name }));
  try {
    const report = await staffCall(`/api/v1/sources/${source.id}/sync`, { method: 'POST' });
    page.flash(t('sources.synced', { name: source.name, records: formatNumber(report.records || 0) }));
  } catch (e) {
    page.failed(e);
  }
  loadSources();
}

// --- create and change

function showFields(kind) {
  const wanted = new Set(describe(kind).fields);
  for (const group of document.querySelectorAll('#source-form [data-source-field]')) {
    group.hidden = !wanted.has(group.dataset.sourceField);
  }
  showAuthFields();
}

function showAuthFields() {
  const wanted = new Set(AUTH_FIELDS[$('auth-type').value]);
  for (const group of document.querySelectorAll('#source-form [data-auth-field]')) {
    group.hidden = !wanted.has(group.dataset.authField);
  }
  markKeptSecrets();
}

/**
 * "Leave empty to keep" only where a secret is saved: the shared secret when the source has one, the sign-in secrets
 * while the method chosen is the saved one (the server keeps secrets of the same method only).
 */
function markKeptSecrets() {
  const source = editing;
  const kept = (field) => Boolean(source) && (field.id === 'source-secret'
    ? Boolean(source.subscription?.secretSet)
    : (source.auth?.type || 'none') === $('auth-type').value);
  let any = false;
  for (const secret of document.querySelectorAll('#source-form [data-secret]')) {
    const keep = kept(secret);
    secret.placeholder = keep ? t('sources.keepPlaceholder') : '';
    any ||= keep && !secret.closest('[data-source-field][hidden], [data-auth-field][hidden]');
  }
  $('source-keep-help').hidden = !any;
}

function authInput(field) {
  return document.querySelector(`#source-form [data-auth-field="${field}"] [name]`);
}

/** Opens the form empty (a new source) or with a source's settings (its secrets left empty: kept unless typed). */
function openForm(source = null) {
  editing = source;
  $('source-form').reset();
  $('source-form-error').textContent = '';
  $('source-form-title').textContent = source ? t('sources.editTitle', { name: source.name }) : t('sources.new');
  $('source-submit').textContent = t(source ? 'sources.save' : 'sources.create');
  $('source-kind').disabled = Boolean(source);
  const kind = source ? source.kind : $('source-kind').value || Object.keys(KINDS)[0];
  $('source-kind').value = kind;
  if (source) {
    $('source-name').value = source.name;
    $('source-base-url').value = source.baseUrl || '';
    $('source-every').value = source.schedule?.everySeconds ?? '';
    $('source-days').value = source.schedule?.daysAhead ?? '';
    const auth = source.auth || { type: 'none' };
    $('auth-type').value = auth.type;
    for (const field of AUTH_FIELDS[auth.type] || []) {
      if (!SECRETS.has(field) && auth[field] !== undefined && auth[field] !== null) authInput(field).value = auth[field];
    }
    $('source-mapping').value = JSON.stringify(source.mapping, null, 2);
  } else {
    fillNewMapping();
  }
  showFields(kind);
  $('source-form').hidden = false;
  $('source-name').focus();
}

async function fillNewMapping() {
  const kind = $('source-kind').value;
  let queue = '';
  try {
    const queues = await staffCall(`/api/v1/sites/${encodeURIComponent(siteId())}/queues`);
    queue = queues.length ? queues[0].id : '';
  } catch (e) {
    page.failed(e);
  }
  if (!editing && kind === $('source-kind').value) {
    $('source-mapping').value = JSON.stringify(KINDS[kind].mapping(queue), null, 2);
  }
}

/** The form as the API's source body; secret fields left empty are left out (the server keeps the saved ones). */
function formBody() {
  let mapping;
  try {
    mapping = JSON.parse($('source-mapping').value);
  } catch (e) {
    throw new Error(t('sources.mappingNotJson', { reason: e.message }));
  }
  const fields = new Set(describe(formKind()).fields);
  const body = { name: $('source-name').value.trim(), mapping };
  if (!editing) body.kind = formKind();
  if (fields.has('baseUrl')) body.baseUrl = $('source-base-url').value.trim();
  if (fields.has('schedule')) {
    const schedule = {};
    if ($('source-every').value) schedule.everySeconds = Number($('source-every').value);
    if ($('source-days').value) schedule.daysAhead = Number($('source-days').value);
    if (Object.keys(schedule).length) body.schedule = { ...(editing?.schedule || {}), ...schedule };
  }
  if (fields.has('auth')) {
    const auth = { type: $('auth-type').value };
    for (const field of AUTH_FIELDS[auth.type]) {
      const value = authInput(field).value.trim();
      if (value) auth[field] = value;
    }
    body.auth = auth;
  }
  if (fields.has('subscription') && $('source-secret').value) body.subscription = { secret: $('source-secret').value };
  return body;
}

async function submitForm(event) {
  event.preventDefault();
  $('source-form-error').textContent = '';
  let body;
  try {
    body = formBody();
  } catch (e) {
    $('source-form-error').textContent = e.message;
    $('source-mapping').focus();
    return;
  }
  $('source-submit').disabled = true;
  try {
    const saved = editing
      ? await staffCall(`/api/v1/sources/${editing.id}`, { method: 'PATCH', body })
      : await staffCall(`/api/v1/sites/${encodeURIComponent(siteId())}/sources`, { method: 'POST', body });
    page.flash(t(editing ? 'sources.saved' : 'sources.created', { name: saved.name }));
    closeForm();
    shown = saved; // the list, once loaded, shows it in detail
    await loadSources();
    focusDetail();
  } catch (e) {
    if (e.status === 401) page.failed(e);
    else $('source-form-error').textContent = e.message;
  } finally {
    $('source-submit').disabled = false;
  }
}

function closeForm() {
  editing = null;
  $('source-form').hidden = true;
}

// --- delete

function openDelete(source) {
  deleting = source;
  $('source-delete-title').textContent = t('sources.deleteTitle', { name: source.name });
  $('source-delete-dialog').returnValue = '';
  $('source-delete-dialog').showModal();
}

async function deleteSource() {
  const source = deleting;
  deleting = null;
  if (!source) return;
  try {
    await staffCall(`/api/v1/sources/${source.id}`, { method: 'DELETE' });
    page.flash(t('sources.deleted', { name: source.name }));
    if (shown && shown.id === source.id) {
      shown = null;
      $('source-detail').hidden = true;
    }
    loadSources();
  } catch (e) {
    page.failed(e);
  }
}

// --- one source in detail

function showDetail(source, focus = false) {
  const changed = !shown || shown.id !== source.id;
  shown = source;
  $('source-detail-title').textContent = t('sources.detailTitle', { name: source.name });
  renderHealth(health.get(source.id));
  $('csv-upload').hidden = !kindOf(source).files;
  if (changed) resetCsv(true);
  $('source-detail').hidden = false;
  loadDeadLetters();
  if (focus) focusDetail();
}

function focusDetail() {
  $('source-detail').scrollIntoView({ block: 'start' });
  $('source-detail-title').setAttribute('tabindex', '-1');
  $('source-detail-title').focus();
}

function renderHealth(h) {
  if (!h) {
    $('source-health').replaceChildren();
    $('source-conflicts').replaceChildren();
    return;
  }
  const counts = Object.entries(h.counts || {}).map(([outcome, n]) => `${outcome} ${formatNumber(n)}`).join(', ');
  const item = (key, value, name) => [el('dt', {}, t(key)), el('dd', { dataset: { health: name } }, value || '—')];
  $('source-health').replaceChildren(
    ...item('admin.state', stateBadge(h.state), 'state'),
    ...item('sources.lastSuccess', page.when(h.lastSuccessAt), 'lastSuccess'),
    ...item('sources.lastAttempt', page.when(h.lastAttemptAt), 'lastAttempt'),
    ...item('sources.lastError', h.lastError ? `${h.lastError} (${page.when(h.lastErrorAt)})` : '', 'lastError'),
    ...item('sources.lag', lagText(h.lagSeconds), 'lag'),
    ...item('sources.breaker', t('sources.breaker.' + h.breaker), 'breaker'),
    ...item('sources.watermark', page.when(h.watermark), 'watermark'),
    ...item('sources.counts', counts, 'counts'),
    ...item('sources.id', el('span', { class: 'mono' }, h.sourceId), 'id'));
  const conflicts = h.conflicts || [];
  $('source-conflicts').replaceChildren(...(conflicts.length ? [
    el('h4', {}, t('sources.conflicts')),
    el('ul', { class: 'conflicts' }, ...conflicts.map((c) => el('li', {}, `${page.when(c.at)} — ${c.detail}`))),
  ] : []));
}

async function loadDeadLetters() {
  const source = shown;
  try {
    const letters = await staffCall(`/api/v1/sources/${source.id}/dead-letters`);
    if (shown !== source) return;
    $('dead-letter-rows').replaceChildren(...letters.map((d) => el('tr',
      { dataset: { deadLetter: d.id, record: d.externalId } },
      el('td', { class: 'mono' }, d.externalId),
      el('td', { class: 'reason' }, d.reason),
      el('td', { class: 'nowrap' }, page.when(d.createdAt)),
      el('td', { class: 'row-actions' }, el('button', {
        type: 'button', class: 'small', dataset: { op: 'replay' },
        'aria-label': `${t('sources.replay')} ${d.externalId}`,
        onclick: () => replay(d),
      }, t('sources.replay'))))));
    $('no-dead-letters').hidden = letters.length > 0;
  } catch (e) {
    page.failed(e);
  }
}

async function replay(letter) {
  try {
    const result = await staffCall(`/api/v1/dead-letters/${letter.id}/replay`, { method: 'POST' });
    if (result.outcome === 'dead') page.failed({ message: t('sources.replayFailed', { reason: result.detail }) });
    else page.flash(t('sources.replayed', { record: letter.externalId, outcome: result.outcome }));
  } catch (e) {
    page.failed(e);
  }
  loadSources();
}

// --- CSV files: checked first (nothing written), then applied

function resetCsv(clearFile) {
  checkedFile = null;
  if (clearFile) $('csv-file').value = '';
  $('csv-apply').hidden = true;
  $('csv-summary').textContent = '';
  $('csv-report').hidden = true;
  $('csv-problem-rows').replaceChildren();
}

async function sendCsv(dryRun) {
  const file = $('csv-file').files[0];
  if (!file) {
    page.failed({ message: t('sources.csvChoose') });
    $('csv-file').focus();
    return null;
  }
  if (file.size === 0) {
    page.failed({ message: t('sources.csvEmpty') });
    return null;
  }
  const source = shown;
  try {
    const report = await staffCall(`/api/v1/sources/${source.id}/files${dryRun ? '?dryRun=true' : ''}`,
      { method: 'POST', file });
    if (shown !== source) return null;
    page.flash(''); // an earlier file's refusal no longer applies
    renderCsvProblems(report.problems || []);
    return { file, report };
  } catch (e) {
    page.failed(e);
    return null;
  }
}

function renderCsvProblems(problems) {
  $('csv-problem-rows').replaceChildren(...problems.map((p) => el('tr', { dataset: { row: String(p.row) } },
    el('td', {}, formatNumber(p.row)),
    el('td', {}, p.column || '—'),
    el('td', {}, p.problem))));
  $('csv-report').hidden = problems.length === 0;
}

async function checkCsv() {
  resetCsv(false);
  const sent = await sendCsv(true);
  if (!sent) return;
  const { rows, problems } = sent.report;
  $('csv-summary').textContent = problems.length
    ? t('sources.csvChecked', { rows: formatNumber(rows), bad: formatNumber(problems.length) })
    : t('sources.csvCheckedClean', { rows: formatNumber(rows) });
  checkedFile = sent.file;
  $('csv-apply').hidden = false;
}

async function applyCsv() {
  if ($('csv-file').files[0] !== checkedFile) {
    resetCsv(false);
    return;
  }
  $('csv-apply').disabled = true;
  $('csv-summary').textContent = t('sources.csvApplying');
  const sent = await sendCsv(false);
  $('csv-apply').disabled = false;
  if (!sent) return;
  const outcomes = Object.entries(sent.report.outcomes || {})
    .map(([outcome, n]) => `${outcome} ${formatNumber(n)}`).join(', ');
  $('csv-summary').textContent = t('sources.csvApplied', { rows: formatNumber(sent.report.rows), outcomes });
  checkedFile = null;
  $('csv-apply').hidden = true;
  loadSources();
}

// --- suggested patient matches

function person(p) {
  const ids = (p.identifiers || []).map((i) => i.value).join(', ');
  return [p.name, p.birthDate, ids].filter(Boolean).join(' · ');
}

async function loadReviews() {
  const site = siteId();
  try {
    const reviews = await staffCall(`/api/v1/sites/${encodeURIComponent(site)}/match-reviews`);
    if (site !== siteId()) return;
    $('review-rows').replaceChildren(...reviews.map((r) => el('tr', { dataset: { review: r.id } },
      el('td', {}, person(r.patient)),
      el('td', {}, person(r.candidate)),
      el('td', { class: 'nowrap' }, page.when(r.createdAt)),
      el('td', { class: 'row-actions' },
        el('button', {
          type: 'button', class: 'small', dataset: { op: 'same-patient' },
          'aria-label': t('sources.samePatientOf', { name: r.patient.name }),
          onclick: () => resolve(r, 'same-patient'),
        }, t('sources.samePatient')),
        el('button', {
          type: 'button', class: 'small secondary', dataset: { op: 'different-patients' },
          'aria-label': t('sources.differentPatientsOf', { name: r.patient.name }),
          onclick: () => resolve(r, 'different-patients'),
        }, t('sources.differentPatients'))))));
    $('no-reviews').hidden = reviews.length > 0;
  } catch (e) {
    page.failed(e);
  }
}

async function resolve(review, decision) {
  try {
    await staffCall(`/api/v1/sites/${encodeURIComponent(siteId())}/match-reviews/${review.id}`,
      { method: 'POST', body: { decision } });
    page.flash(t(decision === 'same-patient' ? 'sources.merged' : 'sources.keptApart', { name: review.patient.name }));
  } catch (e) {
    page.failed(e);
  }
  loadReviews();
}

/**
 * Wires the section once. {@code admin} is the page's shared behaviour: {@code flash(text)}, {@code failed(error)}
 * and {@code when(iso)}.
 */
export function setUpSources(admin) {
  page = admin;
  $('source-kind').replaceChildren(...Object.keys(KINDS).map((k) => el('option', { value: k }, k)));
  $('sources-site').addEventListener('change', () => {
    shown = null;
    $('source-detail').hidden = true;
    closeForm();
    loadSources();
  });
  $('source-new').addEventListener('click', () => openForm());
  $('source-kind').addEventListener('change', () => {
    showFields($('source-kind').value);
    fillNewMapping();
  });
  $('auth-type').addEventListener('change', showAuthFields);
  $('source-form').addEventListener('submit', submitForm);
  $('source-cancel').addEventListener('click', closeForm);
  $('source-delete-dialog').addEventListener('close', () => {
    if ($('source-delete-dialog').returnValue === 'go') deleteSource();
    else deleting = null;
  });
  $('csv-file').addEventListener('change', () => resetCsv(false));
  $('csv-check').addEventListener('click', checkCsv);
  $('csv-apply').addEventListener('click', applyCsv);
}

/** Redraws what is on screen in the page's language. */
export function translateSources() {
  renderSources();
  if (shown && !$('source-detail').hidden) {
    renderHealth(health.get(shown.id));
    loadDeadLetters();
  }
  if (!$('section-sources').hidden) loadReviews();
}
