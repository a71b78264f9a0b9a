// The admin page (/admin): staff accounts (admins), the TV screens and kiosks of each site (pairing codes and
// revocation for admins, the list for managers), the audit log, each queue's rota and the appointment sources
// (managers; js/admin-sources.js). Staff sign in first; each section
// shows only to the roles the server will accept, and every refusal is the server's own sentence.

import { el } from './api.js';
import { chooseLanguage, formatNumber, lang, languagePicker, onLanguageChange, t, translatePage } from './i18n.js';
import { loadSources, setUpSources, translateSources } from './admin-sources.js';
import { currentSession, isStaff, signInForm, signOut, staffCall, userName } from './session.js';

const $ = (id) => document.getElementById(id);
const ROLES = ['front-desk', 'clinician', 'manager', 'admin'];
const SECTIONS = ['staff', 'devices', 'audit', 'rota', 'sources'];
/** The rota's weekdays, as the API names them. */
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const AUDIT_PAGE = 50;

let session = null;
let sites = [];
let accounts = [];
let devices = [];
let audit = [];
let auditNext = null;
let revoking = null;
let resetting = null;

function roles() {
  return (session && session.user && session.user.roles) || [];
}

const isAdmin = () => roles().some((g) => g.role === 'admin');
const isManager = () => isAdmin() || roles().some((g) => g.role === 'manager');

function allowed(section) {
  return section === 'staff' ? isAdmin() : isManager();
}

function when(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

function flash(text) {
  $('error').textContent = '';
  $('flash').textContent = text;
}

async function failed(e) {
  if (e.status === 401) {
    await signInAgain(e.message);
    return;
  }
  $('flash').textContent = '';
  $('error').textContent = e.message;
}

function siteName(id) {
  const site = sites.find((s) => s.id === id);
  return site ? site.name : id;
}

function grantText(grant) {
  const role = t('role.' + grant.role);
  return grant.siteId ? t('admin.roleAt', { role, site: siteName(grant.siteId) }) : t('admin.roleEverywhere', { role });
}

// --- sections

function showSection() {
  const wanted = location.hash.slice(1);
  const open = SECTIONS.includes(wanted) && allowed(wanted) ? wanted : SECTIONS.find(allowed);
  for (const name of SECTIONS) {
    $('section-' + name).hidden = name !== open;
    $('tab-' + name).hidden = !allowed(name);
    if (name === open) $('tab-' + name).setAttribute('aria-current', 'page');
    else $('tab-' + name).removeAttribute('aria-current');
  }
  if (open === 'staff') loadAccounts();
  if (open === 'devices') loadDevices();
  if (open === 'audit' && !audit.length) searchAudit();
  if (open === 'rota' && !$('rota-queue').options.length) loadRotaQueues();
  if (open === 'sources') loadSources();
}

// --- staff accounts

async function loadAccounts() {
  try {
    accounts = await staffCall('/api/v1/staff');
    renderAccounts();
  } catch (e) {
    failed(e);
  }
}

function accountState(a) {
  const states = [];
  if (a.disabled) states.push(el('span', { class: 'badge' }, t('admin.disabled')));
  if (a.lockedUntil && Date.parse(a.lockedUntil) > Date.now()) {
    states.push(el('span', { class: 'badge' }, t('admin.lockedUntil', { time: when(a.lockedUntil) })));
    // sign-in is locked per client address: say which, so an admin can tell an attack from a forgetful colleague
    const from = (a.locks || []).map((l) => l.address).join(', ');
    if (from) states.push(' ', el('span', { class: 'mono', dataset: { role: 'locked-addresses' } }, from));
  }
  return states.length ? states : [t('admin.active')];
}

function renderAccounts() {
  $('staff-rows').replaceChildren(...accounts.map((a) => {
    const locked = a.lockedUntil && Date.parse(a.lockedUntil) > Date.now();
    return el('tr', { dataset: { username: a.username } },
      el('td', { class: 'mono' }, a.username),
      el('td', {}, a.displayName),
      el('td', {}, (a.roles || []).map(grantText).join(', ')),
      el('td', { class: 'state' }, ...accountState(a)),
      el('td', {}, when(a.lastSignInAt)),
      el('td', { class: 'row-actions' },
        el('button', {
          type: 'button', class: 'small', dataset: { op: a.disabled ? 'enable' : 'disable' },
          'aria-label': `${t(a.disabled ? 'admin.enable' : 'admin.disable')} ${a.username}`,
          onclick: () => updateAccount(a, { disabled: !a.disabled }),
        }, t(a.disabled ? 'admin.enable' : 'admin.disable')),
        locked ? el('button', {
          type: 'button', class: 'small', dataset: { op: 'unlock' },
          'aria-label': `${t('admin.unlock')} ${a.username}`,
          onclick: () => unlock(a),
        }, t('admin.unlock')) : null,
        el('button', {
          type: 'button', class: 'small secondary', dataset: { op: 'reset' },
          'aria-label': `${t('admin.resetPassword')} ${a.username}`,
          onclick: () => openReset(a),
        }, t('admin.resetPassword'))));
  }));
}

async function updateAccount(account, change) {
  try {
    const updated = await staffCall(`/api/v1/staff/${account.id}`, { method: 'PATCH', body: change });
    flash(t(updated.disabled ? 'admin.doneDisabled' : 'admin.doneEnabled', { username: updated.username }));
    loadAccounts();
  } catch (e) {
    failed(e);
  }
}

async function unlock(account) {
  try {
    const updated = await staffCall(`/api/v1/staff/${account.id}/unlock`, { method: 'POST' });
    flash(t('admin.doneUnlocked', { username: updated.username }));
    loadAccounts();
  } catch (e) {
    failed(e);
  }
}

function openReset(account) {
  resetting = account;
  $('password-title').textContent = t('admin.resetTitle', { username: account.username });
  $('password-form').reset();
  $('reset-error').textContent = '';
  $('password-dialog').showModal();
}

async function submitReset(event) {
  event.preventDefault();
  const password = $('reset-password').value;
  const problem = passwordProblem(password, $('reset-password2').value);
  if (problem) {
    $('reset-error').textContent = problem;
    return;
  }
  try {
    await staffCall(`/api/v1/staff/${resetting.id}/password`, { method: 'POST', body: { newPassword: password } });
    $('password-dialog').close();
    flash(t('admin.doneReset', { username: resetting.username }));
    resetting = null;
  } catch (e) {
    if (e.status === 401) {
      $('password-dialog').close();
      failed(e);
    } else {
      $('reset-error').textContent = e.message;
    }
  }
}

function passwordProblem(password, again) {
  if (password.length < 12) return t('admin.passwordShort');
  if (password !== again) return t('admin.passwordMismatch');
  return null;
}

function siteOptions(withEvery, everyLabel) {
  return [
    ...(withEvery ? [el('option', { value: '' }, everyLabel)] : []),
    ...sites.map((s) => el('option', { value: s.id }, s.name)),
  ];
}

let grantCount = 0;

function addGrant(role = 'front-desk', siteId = '') {
  const n = ++grantCount;
  const roleSelect = el('select', { id: 'grant-role-' + n, class: 'grant-role' },
    ...ROLES.map((r) => el('option', { value: r }, t('role.' + r))));
  roleSelect.value = role;
  const siteSelect = el('select', { id: 'grant-site-' + n, class: 'grant-site' }, ...siteOptions(true, t('admin.everySite')));
  siteSelect.value = siteId;
  const item = el('li', {},
    el('div', {}, el('label', { for: 'grant-role-' + n }, t('admin.role')), roleSelect),
    el('div', {}, el('label', { for: 'grant-site-' + n }, t('admin.site')), siteSelect),
    el('button', {
      type: 'button', class: 'small secondary remove-grant', 'aria-label': t('admin.removeRole'),
      onclick: () => {
        if ($('ns-grants').children.length > 1) item.remove();
      },
    }, t('admin.remove')));
  $('ns-grants').append(item);
  return roleSelect;
}

async function createAccount(event) {
  event.preventDefault();
  const password = $('ns-password').value;
  const problem = passwordProblem(password, $('ns-password2').value);
  if (problem) {
    $('ns-error').textContent = problem;
    $('ns-password').focus();
    return;
  }
  const grants = [...$('ns-grants').children].map((li) => {
    const grant = { role: li.querySelector('.grant-role').value };
    const siteId = li.querySelector('.grant-site').value;
    if (siteId) grant.siteId = siteId;
    return grant;
  });
  $('ns-error').textContent = '';
  $('ns-submit').disabled = true;
  try {
    const created = await staffCall('/api/v1/staff', {
      method: 'POST',
      body: { username: $('ns-username').value.trim(), displayName: $('ns-name').value.trim(), password, roles: grants },
    });
    flash(t('admin.doneCreated', { username: created.username }));
    $('new-staff').reset();
    $('ns-grants').replaceChildren();
    addGrant();
    loadAccounts();
  } catch (e) {
    if (e.status === 401) failed(e);
    else $('ns-error').textContent = e.message;
  } finally {
    $('ns-submit').disabled = false;
  }
}

// --- devices

function deviceSite() {
  return $('device-site').value;
}

async function loadDevices() {
  const siteId = deviceSite();
  if (!siteId) return;
  try {
    const list = await staffCall(`/api/v1/sites/${encodeURIComponent(siteId)}/devices`);
    if (siteId !== deviceSite()) return;
    devices = list;
    renderDevices();
  } catch (e) {
    failed(e);
  }
}

function renderDevices() {
  $('device-rows').replaceChildren(...devices.map((d) => el('tr', { dataset: { device: d.id, name: d.name } },
    el('td', {}, d.name),
    el('td', {}, t('admin.kind.' + d.kind)),
    el('td', {}, when(d.createdAt)),
    el('td', {}, when(d.lastSeenAt)),
    el('td', { class: 'state' }, d.revokedAt ? el('span', { class: 'badge' }, t('admin.revokedAt', { time: when(d.revokedAt) }))
      : t('admin.active')),
    el('td', { class: 'row-actions' }, isAdmin() && !d.revokedAt ? el('button', {
      type: 'button', class: 'small danger', dataset: { op: 'revoke' },
      'aria-label': `${t('admin.revoke')} ${d.name}`,
      onclick: () => openRevoke(d),
    }, t('admin.revoke')) : null))));
  $('no-devices').hidden = devices.length > 0;
}

async function createPairing(event) {
  event.preventDefault();
  const siteId = deviceSite();
  const kind = $('pairing-kind').value;
  try {
    const pairing = await staffCall(`/api/v1/sites/${encodeURIComponent(siteId)}/device-pairings`, {
      method: 'POST', body: { kind, name: $('pairing-name').value.trim() },
    });
    const page = `${location.origin}/${pairing.kind === 'kiosk' ? 'kiosk' : 'tv'}/${encodeURIComponent(pairing.siteId)}`;
    $('pairing-help').textContent = t('admin.pairHelp', { name: pairing.name, page });
    $('pairing-code').textContent = pairing.code;
    $('pairing-expiry').textContent = t('admin.pairExpiry', {
      time: new Intl.DateTimeFormat(lang(), { timeStyle: 'short' }).format(new Date(pairing.expiresAt)),
      minutes: formatNumber(Math.max(0, Math.round((Date.parse(pairing.expiresAt) - Date.now()) / 60000))),
    });
    $('pairing-result').hidden = false;
    $('pairing-result').scrollIntoView({ block: 'center' });
    $('pairing-name').value = '';
    loadDevices();
  } catch (e) {
    failed(e);
  }
}

function openRevoke(device) {
  revoking = device;
  $('revoke-title').textContent = t('admin.revokeTitle', { name: device.name });
  $('revoke-dialog').returnValue = '';
  $('revoke-dialog').showModal();
}

async function revoke() {
  const device = revoking;
  revoking = null;
  if (!device) return;
  try {
    const revoked = await staffCall(`/api/v1/devices/${device.id}`, { method: 'DELETE' });
    flash(t('admin.doneRevoked', { name: revoked.name }));
    loadDevices();
  } catch (e) {
    failed(e);
  }
}

// --- audit log

function auditQuery(before) {
  const q = new URLSearchParams({ limit: String(AUDIT_PAGE) });
  const add = (name, value) => {
    if (value) q.set(name, value);
  };
  add('siteId', $('audit-site').value);
  add('entryId', $('audit-entry').value.trim());
  add('actorId', $('audit-actor').value.trim());
  add('action', $('audit-action').value.trim());
  // datetime-local is the browser's local time; the API takes instants
  if ($('audit-from').value) add('from', new Date($('audit-from').value).toISOString());
  if ($('audit-to').value) add('to', new Date($('audit-to').value).toISOString());
  if (before) q.set('before', String(before));
  return q;
}

async function searchAudit(event, before) {
  if (event) event.preventDefault();
  try {
    const page = await staffCall('/api/v1/audit?' + auditQuery(before));
    audit = before ? [...audit, ...page.items] : page.items;
    auditNext = page.nextBefore;
    renderAudit();
  } catch (e) {
    failed(e);
  }
}

function patientText(p) {
  if (!p) return '';
  return [p.name, p.mrn, p.ticket].filter(Boolean).join(' · ');
}

function renderAudit() {
  $('audit-rows').replaceChildren(...audit.map((r) => el('tr', { dataset: { action: r.action, record: String(r.id) } },
    el('td', { class: 'nowrap' }, when(r.at)),
    el('td', {}, r.actorName || r.actorId || '', el('small', {}, ' (' + t('actor.' + r.actorKind) + ')')),
    el('td', { class: 'mono' }, r.action),
    el('td', {}, r.siteId ? siteName(r.siteId) : ''),
    el('td', {}, patientText(r.patient)),
    el('td', { class: r.outcome >= 400 ? 'refused' : '' }, String(r.outcome)),
    el('td', { class: 'mono' }, r.remoteAddress || ''))));
  $('no-audit').hidden = audit.length > 0;
  $('audit-older').hidden = !auditNext;
}

// --- rota

/** A weekday's name in the page's language (1 January 2024 was a Monday). */
function dayName(day) {
  const date = new Date(Date.UTC(2024, 0, 1 + DAYS.indexOf(day)));
  return new Intl.DateTimeFormat(lang(), { weekday: 'long', timeZone: 'UTC' }).format(date);
}

async function loadRotaQueues() {
  const siteId = $('rota-site').value;
  if (!siteId) return;
  try {
    const queues = await staffCall(`/api/v1/sites/${encodeURIComponent(siteId)}/queues`);
    if (siteId !== $('rota-site').value) return;
    $('rota-queue').replaceChildren(...queues.map((q) => el('option', { value: q.id }, q.name)));
    loadRota();
  } catch (e) {
    failed(e);
  }
}

async function loadRota() {
  const queueId = $('rota-queue').value;
  $('rota-error').textContent = '';
  if (!queueId) {
    renderRota([]);
    return;
  }
  try {
    const rota = await staffCall(`/api/v1/queues/${encodeURIComponent(queueId)}/rota`);
    if (queueId === $('rota-queue').value) renderRota(rota.shifts);
  } catch (e) {
    failed(e);
  }
}

/** The shifts as the form holds them now, edits included. */
function rotaShifts() {
  return [...$('rota-rows').querySelectorAll('tr')].map((row) => ({
    day: row.querySelector('.rota-day').value,
    desk: row.querySelector('.rota-desk').value.trim(),
    from: row.querySelector('.rota-from').value,
    to: row.querySelector('.rota-to').value,
  }));
}

function shiftRow(shift) {
  const day = el('select', { class: 'rota-day', 'aria-label': t('admin.rotaDay') },
    ...DAYS.map((d) => el('option', { value: d }, dayName(d))));
  day.value = shift.day;
  const time = (cls, label, value) => el('input', {
    class: cls, type: 'time', required: true, value, 'aria-label': t(label),
  });
  return el('tr', {},
    el('td', {}, day),
    el('td', {}, el('input', {
      class: 'rota-desk', required: true, maxlength: '40', value: shift.desk, autocomplete: 'off',
      'aria-label': t('admin.rotaDesk'),
    })),
    el('td', {}, time('rota-from', 'admin.rotaStarts', shift.from)),
    el('td', {}, time('rota-to', 'admin.rotaEnds', shift.to)),
    el('td', { class: 'row-actions' }, el('button', {
      type: 'button', class: 'small', dataset: { op: 'remove-shift' },
      onclick: (event) => {
        event.target.closest('tr').remove();
        $('no-rota').hidden = $('rota-rows').rows.length > 0;
      },
    }, t('admin.remove'))));
}

function renderRota(shifts) {
  $('rota-rows').replaceChildren(...shifts.map(shiftRow));
  $('no-rota').hidden = shifts.length > 0;
}

function addShift() {
  // a new shift starts as a copy of the last one, a day later: most rotas repeat
  const rows = rotaShifts();
  const last = rows[rows.length - 1];
  const next = last ? { ...last, day: DAYS[(DAYS.indexOf(last.day) + 1) % 7] }
    : { day: 'monday', desk: '', from: '08:00', to: '12:00' };
  const row = shiftRow(next);
  $('rota-rows').append(row);
  $('no-rota').hidden = true;
  row.querySelector('.rota-desk').focus();
}

async function saveRota(event) {
  event.preventDefault();
  const queue = $('rota-queue').selectedOptions[0];
  if (!queue) return;
  $('rota-error').textContent = '';
  try {
    const saved = await staffCall(`/api/v1/queues/${encodeURIComponent(queue.value)}/rota`, {
      method: 'PUT', body: { shifts: rotaShifts() },
    });
    renderRota(saved.shifts);
    flash(t('admin.rotaSaved', { queue: queue.textContent }));
  } catch (e) {
    if (e.status === 401) failed(e);
    else $('rota-error').textContent = e.message;
  }
}

// --- signing in

function showUser() {
  $('who').textContent = t('signin.as', { name: userName(session) });
  $('who').hidden = false;
  $('sign-out').hidden = false;
}

async function signInAgain(reason) {
  $('app').hidden = true;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  let current = null;
  try {
    current = await currentSession();
  } catch {
    // the form says what the server answers
  }
  session = await signInForm($('signin'), { session: current, reason, returnTo: '/admin' });
  $('signin').replaceChildren();
  enter();
}

function enter() {
  showUser();
  if (!isManager()) {
    $('no-access').hidden = false;
    return;
  }
  $('no-access').hidden = true;
  $('app').hidden = false;
  showSection();
}

function fillSites() {
  $('device-site').replaceChildren(...siteOptions(false));
  $('audit-site').replaceChildren(...siteOptions(true, t('admin.allSites')));
  $('rota-site').replaceChildren(...siteOptions(false));
  $('sources-site').replaceChildren(...siteOptions(false));
  if (sites.length) $('device-site').value = sites[0].id;
  if (sites.length) $('rota-site').value = sites[0].id;
  if (sites.length) $('sources-site').value = sites[0].id;
}

async function start() {
  chooseLanguage(null);
  languagePicker($('lang'));
  translatePage();
  let current = null;
  try {
    current = await currentSession();
  } catch (e) {
    $('signin').replaceChildren(el('p', { class: 'card error narrow', role: 'alert' }, e.message));
  }
  if (current && current.setupNeeded) {
    location.replace('/setup');
    return;
  }
  session = isStaff(current) ? current : await signInForm($('signin'), { session: current, returnTo: '/admin' });
  $('signin').replaceChildren();
  try {
    sites = await staffCall('/api/v1/sites');
  } catch (e) {
    failed(e);
  }
  fillSites();
  addGrant();
  $('pairing-form').hidden = !isAdmin();

  $('sign-out').addEventListener('click', async () => {
    try {
      await signOut();
    } catch {
      // signed out here either way
    }
    location.reload();
  });
  window.addEventListener('hashchange', showSection);
  $('new-staff').addEventListener('submit', createAccount);
  $('ns-add-grant').addEventListener('click', () => addGrant().focus());
  $('password-form').addEventListener('submit', submitReset);
  $('reset-cancel').addEventListener('click', () => $('password-dialog').close());
  $('device-site').addEventListener('change', () => {
    $('pairing-result').hidden = true;
    loadDevices();
  });
  $('pairing-form').addEventListener('submit', createPairing);
  $('revoke-dialog').addEventListener('close', () => {
    if ($('revoke-dialog').returnValue === 'go') revoke();
    else revoking = null;
  });
  $('audit-form').addEventListener('submit', (event) => searchAudit(event));
  $('audit-older').addEventListener('click', () => searchAudit(null, auditNext));
  $('rota-site').addEventListener('change', loadRotaQueues);
  $('rota-queue').addEventListener('change', loadRota);
  $('rota-add').addEventListener('click', addShift);
  $('rota-form').addEventListener('submit', saveRota);
  setUpSources({ flash, failed, when });
  onLanguageChange(() => {
    showUser();
    fillSitesKeepingChoice();
    renderAccounts();
    renderDevices();
    renderAudit();
    if ($('rota-queue').options.length) renderRota(rotaShifts());
    translateSources();
  });
  enter();
}

function fillSitesKeepingChoice() {
  const device = $('device-site').value;
  const auditSite = $('audit-site').value;
  const rotaSite = $('rota-site').value;
  const sourcesSite = $('sources-site').value;
  fillSites();
  $('device-site').value = device;
  $('audit-site').value = auditSite;
  $('rota-site').value = rotaSite;
  $('sources-site').value = sourcesSite;
}

start();
