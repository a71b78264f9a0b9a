// The waiting-room board (/tv/{siteId}?queues=a,b): who is called to which room, who is next, who was called
// recently; ticket codes or initials as the site chose, never names. Runs unattended: reconnects and resyncs by
// seq, marks the board when the feed is lost, keeps bounded state, and reloads itself once a day at night. It shows
// the board only as an enrolled display: until paired, or once revoked, it shows the pairing screen.

import { api, el } from './api.js';
import { forgetDevice, homeOf, pairDevice, stillEnrolled, storedDevice } from './device.js';
import { SeqFeed } from './feed.js';
import { applyDelta, viewOf } from './queue-view.js';
import { chooseLanguage, formatTime, lang, onLanguageChange, t, translatePage } from './i18n.js';
import { Announcer } from './sound.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const params = new URLSearchParams(location.search);
const only = params.get('queues') ? new Set(params.get('queues').split(',').map((s) => s.trim()).filter(Boolean)) : null;
const $ = (id) => document.getElementById(id);

const NOW_MAX = 3;
const NEXT_MAX = 6;
const RECENT_MAX = 5;
const RECENT_KEPT = 12;

let site = null;
let device = null;
let feed = null;
let live = false;
const queues = new Map(); // queueId → its view (queue-view.js): { queue, seq, entries: Map(id → entry), line: [id] }
// the board's recent calls survive a reload (the nightly one, a power cut): kept on this display, an hour at most
const RECENT_STORE = 'waitline.tv.recent.' + siteId;
const RECENT_FOR_MS = 60 * 60 * 1000;
let recent = keptRecent(); // newest first: { id, queueId, ticket, initials, calledTo, at }
let newCall = null;
let renderPending = false;
const announcer = new Announcer();
const loadedAt = Date.now();

function shown(queueId) {
  return !only || only.has(queueId);
}

function label(entry) {
  return site && site.displayMode === 'initials' && entry.initials ? entry.initials : entry.ticket;
}

function remember(entry, at, queueId) {
  recent = [{ id: entry.id, queueId, ticket: entry.ticket, initials: entry.initials,
    calledTo: entry.calledTo, at }, ...recent.filter((r) => r.id !== entry.id)].slice(0, RECENT_KEPT);
  keepRecent();
}

function keptRecent() {
  try {
    const since = Date.now() - RECENT_FOR_MS;
    const kept = JSON.parse(localStorage.getItem(RECENT_STORE) || '[]');
    return kept.filter((r) => Date.parse(r.at) >= since && shown(r.queueId)).slice(0, RECENT_KEPT);
  } catch {
    return [];
  }
}

function keepRecent() {
  try {
    if (recent.length) localStorage.setItem(RECENT_STORE, JSON.stringify(recent));
    else localStorage.removeItem(RECENT_STORE);
  } catch {
    // a display without storage only forgets its recent calls on a reload
  }
}

function onSnapshot(q) {
  const view = viewOf(q);
  queues.set(q.queue.id, view);
  if (shown(q.queue.id)) {
    [...view.entries.values()].filter((e) => e.status === 'called' || e.status === 'in_service')
      .sort((a, b) => a.statusSince.localeCompare(b.statusSince))
      .forEach((e) => { if (!recent.some((r) => r.id === e.id)) remember(e, e.statusSince, q.queue.id); });
  }
  scheduleRender();
}

function onDelta(delta) {
  applyDelta(queues.get(delta.queueId), delta);
  const e = delta.entry;
  if (e && (delta.event === 'called' || delta.event === 'recalled') && shown(delta.queueId)) {
    remember(e, delta.at, delta.queueId);
    newCall = e;
    announce(e);
  }
  scheduleRender();
}

function announce(entry) {
  const ticket = (entry.ticket || '').replace(/-0*/, ' ');
  const text = entry.calledTo ? t('tv.announce', { ticket, room: entry.calledTo }) : t('tv.announceNoRoom', { ticket });
  $('announcement').textContent = text;
  document.body.dataset.lastAnnouncement = text;
  announcer.say(text, lang());
}

function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    render();
  }, 0);
}

function render() {
  const visible = [...queues.values()].filter((q) => shown(q.queue.id));
  const several = visible.length > 1;
  const queueName = (id) => (queues.get(id) && queues.get(id).queue.name) || '';

  const calling = visible.flatMap((q) => [...q.entries.values()].filter((e) => e.status === 'called'))
    .sort((a, b) => b.statusSince.localeCompare(a.statusSince)).slice(0, NOW_MAX);
  $('now-calling').replaceChildren(...calling.map((e, i) => el('li', {
    class: i === 0 ? 'call latest' : 'call',
    dataset: { ticket: e.ticket || '', entry: e.id },
  },
  el('span', { class: 'who' }, label(e),
    site && site.displayMode === 'initials' && e.initials ? el('small', {}, ' ' + e.ticket) : null),
  el('span', { class: 'arrow', 'aria-hidden': 'true' }, document.documentElement.dir === 'rtl' ? '←' : '→'),
  el('span', { class: 'room' }, e.calledTo || t('tv.frontDesk')))));
  $('none-called').hidden = calling.length > 0;
  if (newCall && calling.some((e) => e.id === newCall.id)) {
    $('now-calling').dataset.shownAt = String(Date.now());
    $('now-calling').dataset.lastTicket = newCall.ticket || '';
    newCall = null;
  }

  const perQueue = several ? Math.max(2, Math.floor(NEXT_MAX / visible.length)) : NEXT_MAX;
  const next = visible
    .flatMap((q) => q.line.slice(0, perQueue).map((id) => ({ entry: q.entries.get(id), queueId: q.queue.id })))
    .slice(0, NEXT_MAX);
  $('next').replaceChildren(...next.map(({ entry, queueId }) => el('li', { dataset: { ticket: entry.ticket || '' } },
    el('span', { class: 'who' }, label(entry)),
    several ? el('span', { class: 'queue' }, queueName(queueId)) : null)));
  $('none-waiting').hidden = next.length > 0;

  const callingIds = new Set(calling.map((e) => e.id));
  const past = recent.filter((r) => !callingIds.has(r.id)).slice(0, RECENT_MAX);
  $('recent').replaceChildren(...past.map((r) => el('li', { dataset: { ticket: r.ticket || '' } },
    el('span', { class: 'who' }, site && site.displayMode === 'initials' && r.initials ? r.initials : r.ticket),
    el('span', { class: 'room' }, r.calledTo || ''))));

  const paused = visible.filter((q) => q.queue.paused).map((q) => t('tv.paused', { queue: q.queue.name }));
  $('paused-queues').textContent = paused.join(' · ');
}

function setLive(state) {
  live = state === 'live';
  document.body.classList.toggle('feed-lost', !live);
  document.body.dataset.feed = state;
  $('feed-lost').hidden = live;
}

function tick() {
  const now = new Date();
  $('clock').textContent = formatTime(now, site && site.timeZone);
  // a fresh page once a day, at night and only while the server is reachable
  if (live && Date.now() - loadedAt > 20 * 3600_000) {
    const hour = Number(new Intl.DateTimeFormat('en', { hour: 'numeric', hourCycle: 'h23', timeZone: site.timeZone }).format(now));
    if (hour === 3) location.reload();
  }
}

/** The site, retried while the server is unreachable; null when the device's token no longer works. */
async function loadSite() {
  for (;;) {
    try {
      return await api(`/api/v1/sites/${encodeURIComponent(siteId)}`, { token: device.token, anonymous: true });
    } catch (e) {
      if (e.status === 401) return null;
      setLive('connecting');
      $('site-name').textContent = e.status === 404 ? e.message : 'Waitline';
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

/** Shows the pairing screen (with why, after a revocation) until a code is accepted; nothing of the board stays. */
async function pair(reason) {
  if (feed) feed.stop();
  feed = null;
  forgetDevice('display');
  queues.clear();
  recent = [];
  keepRecent();
  render();
  document.body.classList.add('pairing');
  document.body.dataset.feed = 'unpaired';
  device = await pairDevice($('pair'), 'display', reason);
  $('pair').replaceChildren();
  document.body.classList.remove('pairing');
  follow();
}

/** Checked before every (re)connection: a revoked display goes back to the pairing screen. */
async function enrolled() {
  if (await stillEnrolled(device)) return true;
  pair(t('pair.revoked'));
  return false;
}

async function follow() {
  if (device.siteId !== siteId) {
    location.replace(homeOf('display', device) + location.search);
    return;
  }
  setLive('connecting');
  site = await loadSite();
  if (!site) {
    pair(t('pair.revoked'));
    return;
  }
  chooseLanguage(site.language);
  $('site-name').textContent = site.name;
  document.title = site.name + ' — Waitline';
  tick();
  feed = new SeqFeed({
    path: `/ws/sites/${encodeURIComponent(siteId)}`,
    params: () => ({ view: 'display', access_token: device.token }),
    beforeConnect: enrolled,
    onSnapshot,
    onDelta,
    onState: setLive,
  });
  feed.start();
}

async function start() {
  chooseLanguage(null);
  translatePage();
  setLive('connecting');
  tick();
  setInterval(tick, 1000);
  onLanguageChange(render);

  if (!announcer.allowed) {
    const button = $('sound');
    button.hidden = false;
    button.addEventListener('click', () => {
      announcer.unlock();
      button.hidden = true;
    });
  }

  device = storedDevice('display');
  if (device) {
    follow();
    return;
  }
  await siteLanguage();
  pair();
}

/** The pairing screen speaks the site's language when the server can say which it is. */
async function siteLanguage() {
  try {
    chooseLanguage((await api(`/api/v1/sites/${encodeURIComponent(siteId)}`, { anonymous: true })).language);
  } catch {
    // English, or this device's choice
  }
}

start();
