// The front desk (/desk/{siteId}): today's list with live statuses and time-in-status alerts, search, check-in,
// call next for this desk, recall, no-show, transfer, undo, pause and staff on duty; each visit's co-pay (card on the
// desk reader, cash, refund, receipt). Every action is answered on
// the page; a refusal shows the server's own sentence. Staff sign in first; when the session ends mid-shift the
// sign-in form comes back and whatever was typed into the forms stays.

import { el } from './api.js';
import { SeqFeed } from './feed.js';
import { applyDelta, placesOf, viewOf } from './queue-view.js';
import { chooseLanguage, formatNumber, formatTime, languagePicker, onLanguageChange, t, translatePage } from './i18n.js';
import { currentSession, isStaff, signInForm, signOut, staffCall, userName } from './session.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const $ = (id) => document.getElementById(id);
const PREFS = 'waitline.desk.' + siteId;

const ACTIONS = {
  expected: ['arrive', 'no-show', 'cancel'],
  waiting: ['transfer', 'leave', 'cancel'],
  called: ['recall', 'start', 'no-show', 'requeue', 'transfer', 'undo'],
  in_service: ['complete', 'requeue', 'transfer', 'undo'],
  no_show: ['requeue', 'cancel', 'undo'],
  completed: ['undo'],
  cancelled: ['undo'],
  left: ['undo'],
  transferred: [],
};
const RANK = { called: 0, in_service: 1, waiting: 2, expected: 3, no_show: 4 };
const FINISHED = new Set(['completed', 'cancelled', 'left', 'transferred']);

let site = null;
let signingIn = null;
let session = null;
let feed = null;
const queues = new Map(); // id → queue
const positions = new Map(); // entry id → position
const views = new Map(); // queueId → the staff feed's view of it (queue-view.js)
const waitingCount = new Map(); // queue id → number waiting
let entries = [];
let payments = {}; // entry id → its payments, oldest first
let loadSeq = 0;
let reloadTimer = null;
/** Entries that events brought while the list was being read: the answer may predate them. */
let arrivedDuringLoad = null;
/** The site's day the list is of; when the day turns, the list is read again. */
let listDay = null;

function prefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS) || '{}');
  } catch {
    return {};
  }
}

function savePrefs(change) {
  try {
    localStorage.setItem(PREFS, JSON.stringify({ ...prefs(), ...change }));
  } catch {
    // kept for this page only
  }
}

const call = staffCall;

function flash(text, undoEntry) {
  $('error').textContent = '';
  const parts = [el('span', {}, text)];
  if (undoEntry) {
    parts.push(el('button', {
      type: 'button', class: 'secondary small', id: 'flash-undo',
      onclick: () => act(undoEntry, 'undo'),
    }, t('act.undo')));
  }
  $('flash').replaceChildren(...parts);
}

async function failed(e) {
  if (e.status === 401) {
    signInAgain(e.message);
    return;
  }
  $('flash').replaceChildren();
  $('error').textContent = e.message;
}

// --- who is signed in

function showUser(signedIn) {
  session = signedIn;
  $('who').textContent = t('signin.as', { name: userName(session) });
  $('who').hidden = false;
  $('sign-out').hidden = false;
}

/** Asks for credentials until a staff member signs in; the forms and their typed values stay as they were. */
async function signIn(reason) {
  let current = null;
  try {
    current = await currentSession();
  } catch {
    // the form still works; it says what the server answers
  }
  if (isStaff(current) && !reason) return current;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  return signInForm($('signin'), { session: current, reason, returnTo: location.pathname });
}

/** The session ended mid-shift: hide the patients, sign in again, then carry on with the same page. */
function signInAgain(reason) {
  if (signingIn) return signingIn;
  if (feed) feed.stop();
  $('conn').hidden = true; // not reconnecting: waiting for a sign-in
  entries = [];
  renderRows();
  $('app').hidden = true;
  signingIn = signIn(reason).then((signedIn) => {
    signingIn = null;
    showUser(signedIn);
    $('signin').replaceChildren();
    $('app').hidden = false;
    if (feed) feed.start();
    reload();
  });
  return signingIn;
}

/** Before each feed connection: the feed only follows a live session. */
async function sessionAlive() {
  if (isStaff(await currentSession())) return true;
  signInAgain(t('signin.ended'));
  return false;
}

function nameOf(entry) {
  return (entry.patient && entry.patient.name) || entry.initials || '';
}

function statusText(status) {
  return t('status.' + status);
}

// --- the list: read once (and again on a search, a snapshot or a new day), then kept by the feed's events

function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(reload, 150);
}

async function reload() {
  const mine = ++loadSeq;
  const q = $('search').value.trim();
  const day = dayOf();
  arrivedDuringLoad = [];
  try {
    const list = await call(`/api/v1/sites/${encodeURIComponent(siteId)}/entries` + (q ? '?q=' + encodeURIComponent(q) : ''));
    // a role without payments (or a server without them) still gets the list
    const paid = await call(`/api/v1/sites/${encodeURIComponent(siteId)}/payments`).catch(() => ({}));
    if (mine !== loadSeq) return; // a newer search answered already
    entries = list;
    listDay = day;
    payments = paid;
    for (const entry of arrivedDuringLoad) upsert(entry);
    renderRows();
  } catch (e) {
    failed(e);
  } finally {
    if (mine === loadSeq) arrivedDuringLoad = null;
  }
}

/** The site's local date (YYYY-MM-DD) of an instant, by default now. */
function dayOf(instant = new Date()) {
  const options = { year: 'numeric', month: '2-digit', day: '2-digit' };
  try {
    return new Intl.DateTimeFormat('en-CA', { ...options, timeZone: site.timeZone }).format(new Date(instant));
  } catch {
    return new Intl.DateTimeFormat('en-CA', options).format(new Date(instant)); // a zone this browser does not know
  }
}

/** Whether an entry the list does not have yet belongs in it, as the server's search would find it (QueueStore). */
function belongs(entry) {
  if (dayOf(entry.placeAt) !== listDay) return false;
  const q = $('search').value.trim();
  if (!q) return true;
  const patient = entry.patient || {};
  return (patient.name || '').toLowerCase().includes(q.toLowerCase()) || patient.mrn === q
    || (entry.ticket || '').toLowerCase() === q.toLowerCase() || patient.birthDate === q;
}

/** Puts an entry as an event shows it into the list: replaces the row it had, or adds it if it belongs there. */
function upsert(entry) {
  const i = entries.findIndex((e) => e.id === entry.id);
  if (i >= 0) entries[i] = entry;
  else if (belongs(entry)) entries.push(entry);
  if (arrivedDuringLoad) arrivedDuringLoad.push(entry);
}

/** Every 15 s: time in status moves on, and at the site's midnight the list becomes the new day's. */
function tick() {
  if (listDay && dayOf() !== listDay) reload();
  else renderRows();
}

function minutesIn(entry) {
  return Math.max(0, Math.floor((Date.now() - Date.parse(entry.statusSince)) / 60000));
}

function renderRows() {
  const showFinished = $('show-finished').checked;
  const waitAlert = alertMinutes($('wait-alert'), 20);
  const calledAlert = alertMinutes($('called-alert'), 5);
  const rows = entries
    .filter((e) => showFinished || !FINISHED.has(e.status))
    .sort((a, b) => {
      const ra = RANK[a.status] ?? 9;
      const rb = RANK[b.status] ?? 9;
      if (ra !== rb) return ra - rb;
      const pa = positions.get(a.id) ?? 1e9;
      const pb = positions.get(b.id) ?? 1e9;
      if (pa !== pb) return pa - pb;
      return (a.appointmentAt || a.placeAt || '').localeCompare(b.appointmentAt || b.placeAt || '');
    })
    .map((e) => {
      const minutes = minutesIn(e);
      const limit = e.status === 'waiting' ? waitAlert : e.status === 'called' ? calledAlert : null;
      const alert = limit !== null && minutes >= limit;
      const who = e.ticket || nameOf(e);
      const patient = e.patient || {};
      return el('tr', { class: `status-${e.status}` + (alert ? ' alert' : ''), dataset: { entry: e.id, ticket: e.ticket || '' } },
        el('td', { class: 'ticket' }, e.ticket || '—'),
        el('td', {},
          el('bdi', { class: 'name' }, patient.name || ''),
          patient.birthDate ? el('small', {}, ' ', el('bdi', {}, patient.birthDate)) : null,
          patient.mrn ? el('small', {}, ' · ', el('bdi', {}, patient.mrn)) : null,
          e.runningLate ? el('span', { class: 'badge' }, t('desk.late')) : null),
        el('td', {}, (queues.get(e.queueId) || {}).name || e.queueId),
        el('td', { class: 'status' }, statusText(e.status), e.calledTo && (e.status === 'called' || e.status === 'in_service') ? ' · ' + e.calledTo : ''),
        el('td', { class: 'since' }, t('desk.minutes', { n: formatNumber(minutes) }),
          alert ? el('strong', { class: 'over' }, ' ⚠ ' + t('desk.over', { n: formatNumber(limit) })) : null),
        el('td', { 'data-label': t('desk.col.place') },
          positions.has(e.id) && e.status === 'waiting' ? formatNumber(positions.get(e.id)) : ''),
        copayCell(e, who),
        el('td', { class: 'row-actions' }, ...(ACTIONS[e.status] || []).map((op) => el('button', {
          type: 'button',
          class: op === 'undo' ? 'secondary small' : 'small',
          dataset: { op },
          'aria-label': `${t('act.' + op)} ${who}`,
          onclick: () => (op === 'transfer' ? openTransfer(e) : act(e, op)),
        }, t('act.' + op)))));
    });
  $('rows').replaceChildren(...rows);
  $('empty').hidden = rows.length > 0;
}

/**
 * A threshold field's minutes: a whole number within the field's min and max, else its default (which the field then
 * shows, so what it says is what the rows use).
 */
function alertMinutes(input, fallback) {
  const n = Number(input.value);
  if (Number.isInteger(n) && n >= Number(input.min) && n <= Number(input.max)) return n;
  input.value = String(fallback);
  return fallback;
}

// --- co-pays

/** The visit's latest payment and what the desk can do with it. */
function copayCell(entry, who) {
  const list = payments[entry.id] || [];
  const p = list[list.length - 1];
  const button = (op, label, onclick) => el('button', {
    type: 'button', class: 'small secondary', dataset: { op }, 'aria-label': `${label} ${who}`, onclick }, label);
  const parts = [];
  if (p) {
    parts.push(el('span', { class: 'badge pay-' + p.state, dataset: { payment: p.id } },
      `${p.amount} · ${t('pay.state.' + p.state)}`));
    if (p.refundedMinor > 0) parts.push(el('small', {}, ' ' + t('pay.refundedPart')));
  }
  if (!p || ['canceled', 'failed', 'declined', 'ready', 'created'].includes(p.state)) {
    parts.push(button('pay-card', t('pay.card'), () => payByCard(entry)));
    if (!p || ['canceled', 'failed'].includes(p.state)) parts.push(button('pay-cash', t('pay.cash'), () => payCash(entry)));
  }
  if (p && p.state === 'succeeded') {
    parts.push(button('pay-receipt', t('pay.receipt'), () => receipt(p)));
    if (p.refundableMinor > 0) parts.push(button('pay-refund', t('pay.refund'), () => refund(p)));
  }
  return el('td', { class: 'copay' }, ...parts);
}

async function payByCard(entry) {
  try {
    const p = await call(`/api/v1/entries/${entry.id}/payments`, { method: 'POST', body: { station: 'desk' } });
    flash(p.state === 'declined' ? p.failure : t('pay.onReader', { amount: p.amount }));
    followPayment(p);
  } catch (e) {
    failed(e);
  }
}

/** Puts a payment as the server answered it into its visit's row (replacing the one it had), without a reload. */
function applyPayment(p) {
  if (!p || !p.entryId) return;
  const list = (payments[p.entryId] || []).filter((q) => q.id !== p.id);
  list.push(p); // the latest is the one the desk acts on
  payments[p.entryId] = list;
  renderRows();
}

/** Asks about a payment on the desk reader until it is settled, updating its row as it moves. */
function followPayment(p) {
  applyPayment(p);
  if (!['created', 'ready', 'processing', 'authorized', 'unknown'].includes(p.state)) {
    if (p.state === 'succeeded') flash(t('pay.paid', { amount: p.amount }));
    if (p.state === 'declined') flash(p.failure);
    return;
  }
  setTimeout(() => call(`/api/v1/payments/${p.id}`).then(followPayment, failed), 1000);
}

async function payCash(entry) {
  try {
    const p = await call(`/api/v1/entries/${entry.id}/cash-payments`, { method: 'POST', body: {} });
    flash(t('pay.paid', { amount: p.amount }));
    applyPayment(p);
  } catch (e) {
    failed(e);
  }
}

async function receipt(p) {
  try {
    const sent = await call(`/api/v1/payments/${p.id}/receipt`, { method: 'POST' });
    window.open(sent.receiptUrl, '_blank', 'noopener');
    flash(t('pay.receiptSent'));
  } catch (e) {
    failed(e);
  }
}

/** A manager's refund: the amount in the currency's units (e.g. 5.00) and a reason. */
async function refund(p) {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: p.currency.toUpperCase() })
    .resolvedOptions().maximumFractionDigits;
  const asked = window.prompt(t('pay.refundAmount', { max: (p.refundableMinor / 10 ** digits).toFixed(digits) }));
  if (!asked) return;
  const minor = Math.round(Number(asked.replace(',', '.')) * 10 ** digits);
  const reason = window.prompt(t('pay.refundReason'));
  if (!reason) return;
  try {
    await call(`/api/v1/payments/${p.id}/refunds`, { method: 'POST', body: { amountMinor: minor, reason } });
    flash(t('pay.refunded', { amount: asked }));
    applyPayment(await call(`/api/v1/payments/${p.id}`)); // the refunded and refundable amounts as now recorded
  } catch (e) {
    failed(e);
  }
}

// --- actions

async function act(entry, op) {
  try {
    const result = await call(`/api/v1/entries/${entry.id}/${op}`, { method: 'POST' });
    flash(t('desk.doneAction', { ticket: result.ticket || nameOf(result), status: statusText(result.status) }),
      op === 'undo' ? null : result);
  } catch (e) {
    failed(e);
  }
}

let transferring = null;

function openTransfer(entry) {
  transferring = entry;
  $('transfer-title').textContent = t('desk.transferTitle', { ticket: entry.ticket || nameOf(entry) });
  $('transfer-queue').replaceChildren(...[...queues.values()].filter((q) => q.id !== entry.queueId)
    .map((q) => el('option', { value: q.id }, q.name)));
  $('transfer-priority').value = '';
  $('transfer-dialog').showModal();
}

async function transfer() {
  const entry = transferring;
  transferring = null;
  if (!entry || !$('transfer-queue').value) return;
  const body = { queueId: $('transfer-queue').value };
  if ($('transfer-priority').value) body.priority = $('transfer-priority').value;
  try {
    const moved = await call(`/api/v1/entries/${entry.id}/transfer`, { method: 'POST', body });
    flash(t('desk.doneAction', { ticket: moved.ticket, status: (queues.get(moved.queueId) || {}).name || moved.queueId }));
  } catch (e) {
    failed(e);
  }
}

async function callNext(event) {
  event.preventDefault();
  const queueId = $('call-queue').value;
  const calledTo = $('called-to').value.trim();
  savePrefs({ queue: queueId, room: calledTo });
  try {
    const entry = await call(`/api/v1/queues/${encodeURIComponent(queueId)}/call-next`, { method: 'POST', body: { calledTo } });
    flash(t('desk.doneCall', { ticket: entry.ticket, name: nameOf(entry), room: entry.calledTo }), entry);
  } catch (e) {
    failed(e);
  }
}

async function checkIn(event) {
  event.preventDefault();
  const patient = { name: $('ci-name').value.trim() };
  if ($('ci-dob').value) patient.birthDate = $('ci-dob').value;
  if ($('ci-mrn').value.trim()) patient.mrn = $('ci-mrn').value.trim();
  if ($('ci-phone').value.trim()) patient.phone = $('ci-phone').value.trim();
  const queueId = $('ci-queue').value;
  try {
    const entry = await call(`/api/v1/queues/${encodeURIComponent(queueId)}/check-ins`, {
      method: 'POST', body: { patient, priority: $('ci-priority').value },
    });
    flash(t('desk.doneCheckIn', { name: patient.name, ticket: entry.ticket }), entry);
    $('ci-result').replaceChildren(t('desk.patientLink') + ': ',
      el('a', { id: 'ci-link', href: entry.patientLink, target: '_blank', rel: 'noopener' }, entry.ticket));
    $('checkin-form').reset();
    $('ci-queue').value = queueId;
    $('ci-name').focus();
  } catch (e) {
    failed(e);
  }
}

async function setPaused(queue, paused) {
  try {
    const q = await call(`/api/v1/queues/${encodeURIComponent(queue.id)}/${paused ? 'pause' : 'resume'}`, { method: 'POST' });
    queues.set(q.id, q);
    flash(t(paused ? 'desk.donePause' : 'desk.doneResume', { queue: q.name }));
    renderQueues();
  } catch (e) {
    failed(e);
  }
}

async function setStaff(queue, input) {
  // an emptied field is not zero staff: say what it takes instead of sending a guess
  if (!/^\d+$/.test(input.value.trim()) || Number(input.value) > 500) {
    failed({ message: t('desk.badStaff') });
    input.focus();
    return;
  }
  try {
    const q = await call(`/api/v1/queues/${encodeURIComponent(queue.id)}/staff-on-duty`, {
      method: 'PUT', body: { staffOnDuty: Number(input.value) },
    });
    queues.set(q.id, q);
    flash(t('desk.doneStaff', { queue: q.name, n: formatNumber(q.staffOnDuty) }));
    renderQueues();
  } catch (e) {
    failed(e);
  }
}

function renderQueues() {
  $('queues').replaceChildren(...[...queues.values()].map((q) => {
    const staff = el('input', { type: 'number', min: '0', max: '500', value: String(q.staffOnDuty), id: 'staff-' + q.id, class: 'staff' });
    return el('li', { dataset: { queue: q.id }, class: q.paused ? 'paused' : '' },
      el('div', { class: 'q-head' },
        el('strong', {}, q.name),
        el('span', {}, t('desk.waitingCount', { n: formatNumber(waitingCount.get(q.id) || 0) })),
        q.paused ? el('span', { class: 'badge' }, t('desk.paused')) : null),
      el('div', { class: 'q-tools' },
        el('button', {
          type: 'button', class: 'small', id: 'pause-' + q.id,
          onclick: () => setPaused(q, !q.paused),
        }, q.paused ? t('desk.resume') : t('desk.pause')),
        el('label', { for: 'staff-' + q.id, class: 'inline' }, t('desk.staff')),
        staff,
        el('button', { type: 'button', class: 'small secondary', onclick: () => setStaff(q, staff) }, t('desk.set'))));
  }));
}

function fillQueueSelects() {
  const options = () => [...queues.values()].map((q) => el('option', { value: q.id }, q.name));
  $('call-queue').replaceChildren(...options());
  $('ci-queue').replaceChildren(...options());
  const p = prefs();
  if (p.queue && queues.has(p.queue)) $('call-queue').value = p.queue;
  if (p.room) $('called-to').value = p.room;
  $('ci-queue').value = $('call-queue').value;
}

// --- live: the site's staff feed; a snapshot (first, or after a gap too long to replay) reads the list again

function onSnapshot(snapshot) {
  const before = views.get(snapshot.queue.id);
  if (before) for (const id of before.line) positions.delete(id);
  showLine(viewOf(snapshot));
  renderQueues();
  scheduleReload();
}

function onDelta(delta) {
  const view = views.get(delta.queueId);
  for (const id of view.line) positions.delete(id);
  showLine(applyDelta(view, delta));
  if (delta.entry) upsert(delta.entry);
  renderQueues();
  renderRows();
}

/** Takes a queue's view as the feed has it: its settings, and the places and count of those waiting. */
function showLine(view) {
  views.set(view.queue.id, view);
  queues.set(view.queue.id, { ...(queues.get(view.queue.id) || {}), ...view.queue });
  for (const [id, position] of placesOf(view)) positions.set(id, position);
  waitingCount.set(view.queue.id, view.line.length);
}

function onState(state) {
  const conn = $('conn');
  conn.hidden = Boolean(signingIn);
  conn.textContent = state === 'live' ? t('common.live') : state === 'connecting' ? t('common.connecting') : t('common.reconnecting');
  conn.className = 'conn ' + (state === 'live' ? 'live' : 'down');
  document.body.dataset.feed = state;
}

function keys(event) {
  const tag = (event.target && event.target.tagName) || '';
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector('dialog[open]')) return;
  if (event.key === '/') {
    event.preventDefault();
    $('search').focus();
  } else if (event.key === 'n' || event.key === 'N') {
    event.preventDefault();
    $('call-form').requestSubmit();
  } else if (event.key === 'c' || event.key === 'C') {
    event.preventDefault();
    $('ci-name').focus();
  }
}

// the appointment sources' state: the desk works on what it has when a source is down, and says so
let sources = [];

async function refreshSources() {
  try {
    sources = await call(`/api/v1/sites/${encodeURIComponent(siteId)}/source-status`);
  } catch {
    return; // the banner keeps what it showed; the list itself reports a lost connection
  }
  renderSources();
}

function renderSources() {
  const banner = $('sources');
  banner.replaceChildren(...sources.map((s) => el('p', { class: 'source ' + s.state.toLowerCase() },
    s.lastSuccessAt
      ? t('desk.sourceUpdated', { name: s.name, time: formatTime(new Date(s.lastSuccessAt), site.timeZone) })
      : t('desk.sourceNever', { name: s.name }))));
  banner.hidden = sources.length === 0;
}

async function start() {
  chooseLanguage(null);
  languagePicker($('lang'));
  translatePage();
  try {
    localStorage.removeItem('waitline.staffToken'); // the credential of earlier versions, no longer used
  } catch {
    // nothing kept
  }
  // the site and its queues are public: the sign-in form then speaks the site's language
  for (;;) {
    try {
      site = await call(`/api/v1/sites/${encodeURIComponent(siteId)}`);
      for (const q of await call(`/api/v1/sites/${encodeURIComponent(siteId)}/queues`)) queues.set(q.id, q);
      break;
    } catch (e) {
      $('signin').replaceChildren(el('p', { class: 'card error', role: 'alert' }, e.message));
      if (e.status === 404) return;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
  $('signin').replaceChildren();
  chooseLanguage(site.language);
  $('site-name').textContent = site.name;
  document.title = `${site.name} — ${t('desk.title')}`;
  showUser(await signIn());
  $('signin').replaceChildren();
  onLanguageChange(() => {
    showUser(session);
    renderQueues();
    renderRows();
    renderSources();
  });
  $('app').hidden = false;
  $('sign-out').addEventListener('click', async () => {
    try {
      await signOut();
    } catch {
      // signed out here either way: the page forgets everything it showed
    }
    location.reload();
  });
  const p = prefs();
  if (p.waitAlert) $('wait-alert').value = p.waitAlert;
  if (p.calledAlert) $('called-alert').value = p.calledAlert;
  fillQueueSelects();
  renderQueues();

  $('call-form').addEventListener('submit', callNext);
  $('checkin-form').addEventListener('submit', checkIn);
  let searchTimer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(reload, 250);
  });
  $('show-finished').addEventListener('change', renderRows);
  for (const id of ['wait-alert', 'called-alert']) {
    $(id).addEventListener('change', () => {
      savePrefs({ waitAlert: $('wait-alert').value, calledAlert: $('called-alert').value });
      renderRows();
    });
  }
  $('transfer-dialog').addEventListener('close', () => {
    if ($('transfer-dialog').returnValue === 'go') transfer();
    else transferring = null;
  });
  document.addEventListener('keydown', keys);
  setInterval(tick, 15_000);
  refreshSources();
  setInterval(refreshSources, 60_000);

  feed = new SeqFeed({
    path: `/ws/sites/${encodeURIComponent(siteId)}`,
    params: () => ({ view: 'staff' }),
    beforeConnect: sessionAlive,
    onSnapshot,
    onDelta,
    onState,
  });
  feed.start();
  reload();
}

start();
