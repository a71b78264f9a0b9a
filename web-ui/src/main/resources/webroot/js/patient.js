// The patient's phone page (/visit/{token}): their own ticket, place, people ahead and wait, live; where to go
// when called; "running late" and "leave the queue". While the feed is down it says so and shows no numbers.

import { api } from './api.js';
import { ReconnectingSocket } from './feed.js';
import { chooseLanguage, formatNumber, formatTime, formatWait, languagePicker, onLanguageChange, t, translatePage } from './i18n.js';
import { offerPush } from './push.js';

const token = decodeURIComponent(location.pathname.split('/')[2] || '');
const $ = (id) => document.getElementById(id);

let visit = null;
let live = false;
let updatedAt = null;
let ended = null;
let siteLanguageApplied = false;
let calledKey = null;

function apply(next) {
  if (visit && next.queueId === visit.queueId && next.seq < visit.seq) return; // an older state arriving late
  if (!siteLanguageApplied) {
    siteLanguageApplied = true;
    chooseLanguage(next.language);
  }
  const wasCalled = visit && visit.status === 'called' ? calledKey : null;
  visit = next;
  updatedAt = new Date();
  render();
  const key = next.status === 'called' ? next.calledTo + '|' + next.seq : null;
  if (key && !wasCalled) announceCall();
  calledKey = key;
}

function announceCall() {
  $('called').dataset.shownAt = String(Date.now());
  if (navigator.vibrate) {
    try {
      navigator.vibrate([300, 150, 300]);
    } catch {
      // not allowed without a tap
    }
  }
  // a phone with the page in the background still hears about it
  if (document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted'
      && navigator.serviceWorker) {
    navigator.serviceWorker.ready.then((r) => r.showNotification(t('patient.notifyTitle'), {
      body: visit.calledTo ? t('patient.goTo', { room: visit.calledTo }) : t('patient.goToDesk'),
      tag: 'waitline-visit',
      renotify: true,
      icon: '/icons/waitline.svg',
    })).catch(() => {});
  }
}

function end(kind, message) {
  ended = { kind, message };
  socket.stop();
  render();
}

function render() {
  const conn = $('conn');
  if (ended) {
    $('visit').hidden = true;
    $('ended').hidden = false;
    conn.textContent = '';
    conn.className = 'conn';
    $('ended-message').textContent = ended.kind === 'left' ? t('patient.left')
      : ended.kind === 'expired' ? t('patient.expired')
      : ended.kind === 'invalid' ? t('patient.invalid') : t('patient.ended');
    document.body.dataset.status = 'ended';
    return;
  }
  conn.textContent = live ? t('common.live') : visit ? t('patient.reconnecting') : t('common.connecting');
  conn.className = 'conn ' + (live ? 'live' : 'down');
  document.body.dataset.live = String(live);
  if (!visit) return;

  $('visit').hidden = false;
  $('where').textContent = `${visit.siteName} · ${visit.queueName}`;
  $('ticket').textContent = visit.ticket || t('patient.noTicket');
  $('ticket').classList.toggle('none', !visit.ticket);
  document.body.dataset.status = visit.status;

  const s = visit.status;
  const called = $('called');
  called.hidden = s !== 'called';
  if (s === 'called') {
    $('called-title').textContent = t('patient.called');
    $('called-to').textContent = visit.calledTo ? t('patient.goTo', { room: visit.calledTo }) : t('patient.goToDesk');
  }

  // numbers only from a live feed: never stale ones
  const numbers = $('numbers');
  numbers.hidden = s !== 'waiting';
  numbers.classList.toggle('stale', !live);
  const fresh = live && s === 'waiting';
  $('position').textContent = fresh && visit.position != null ? formatNumber(visit.position) : '—';
  $('ahead').textContent = fresh && visit.peopleAhead != null ? formatNumber(visit.peopleAhead) : '—';
  $('estimate').textContent = fresh ? formatWait(visit.estimate) : '—';
  // a number is a likely range, not a promise; past 2 h the range itself says there is no number
  $('estimate-note').hidden = !(fresh && visit.estimate && visit.estimate.p90Minutes <= 120);

  const messages = {
    waiting: t('patient.waiting'),
    in_service: visit.calledTo ? t('patient.inService', { room: visit.calledTo }) : t('patient.inServiceNoRoom'),
    expected: t('patient.expected'),
    no_show: t('patient.noShow'),
  };
  $('message').textContent = messages[s] || '';
  $('paused').hidden = !(visit.queuePaused && s === 'waiting');
  $('late-noted').hidden = !(visit.runningLate && (s === 'waiting' || s === 'expected'));
  $('late').hidden = !(!visit.runningLate && (s === 'waiting' || s === 'expected'));
  $('leave').hidden = !(s === 'waiting' || s === 'called');
  $('updated').textContent = updatedAt ? t('patient.updated', { time: formatTime(updatedAt) }) : '';
}

const socket = new ReconnectingSocket({
  url: () => `/ws/visits/${encodeURIComponent(token)}` + (visit ? `?since=${visit.seq}` : ''),
  // a fresh read before each connection: the page learns at once when the visit is over or the link has expired
  beforeConnect: async () => {
    try {
      apply(await api(`/api/v1/visits/${encodeURIComponent(token)}`, { anonymous: true }));
      return true;
    } catch (e) {
      if (e.status === 410) {
        end(e.problem && String(e.problem.type).endsWith('/link-expired') ? 'expired' : 'ended');
        return false;
      }
      if (e.status === 404 || e.status === 400) {
        end('invalid');
        return false;
      }
      throw e;
    }
  },
  onMessage: (message) => {
    if (message.type === 'visit') apply(message.visit);
    else if (message.type === 'ended') end('ended', message.message);
  },
  onState: (state) => {
    live = state === 'live';
    render();
  },
});

async function post(action) {
  $('error').textContent = '';
  try {
    return await api(`/api/v1/visits/${encodeURIComponent(token)}/${action}`, { method: 'POST', anonymous: true });
  } catch (e) {
    $('error').textContent = e.message;
    return null;
  }
}

function start() {
  chooseLanguage(null);
  languagePicker($('lang'));
  onLanguageChange(render);
  translatePage();

  const manifest = document.createElement('link');
  manifest.rel = 'manifest';
  manifest.href = `/visit/${encodeURIComponent(token)}/manifest.webmanifest`;
  document.head.append(manifest);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/visit/' }).catch(() => {});
  }

  $('late').addEventListener('click', async () => {
    const next = await post('running-late');
    if (next) apply(next);
  });
  const dialog = $('leave-dialog');
  $('leave').addEventListener('click', () => dialog.showModal());
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'yes') return;
    if (await post('leave')) end('left');
  });

  render();
  socket.start();
  offerPush(token, $('push'), $('push-status')).catch(() => {});
}

start();
