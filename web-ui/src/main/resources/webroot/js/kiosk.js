// The self check-in kiosk (/kiosk/{siteId}?idle=seconds): check in by the QR code of the appointment message
// (it holds the entry id; a handheld scanner types it, or the camera reads it where the browser can) or by name and
// date of birth; then the ticket, a QR code of the patient's own page, and the co-pay step. Starts over after
// inactivity, so the next patient never sees the previous one. It works as an enrolled kiosk: until paired, or once
// revoked, it shows the pairing screen.

import { api, el } from './api.js';
import { renderCopay } from './copay.js';
import { forgetDevice, homeOf, pairDevice, stillEnrolled, storedDevice } from './device.js';
import { chooseLanguage, lang, languagePicker, onLanguageChange, t, translatePage } from './i18n.js';
import { qrSvg } from './qr.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const params = new URLSearchParams(location.search);
const IDLE_MS = Math.max(3, Number(params.get('idle')) || 60) * 1000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const $ = (id) => document.getElementById(id);

let device = null;
let site = null;
const queueNames = new Map();
let idleTimer = null;
let camera = null;

function call(path, options = {}) {
  return api(path, { ...options, token: device.token, anonymous: true });
}

/** Whether the stored device still works; while the server cannot say, it is taken to (check-ins will tell). */
async function enrolled(stored) {
  try {
    return await stillEnrolled(stored);
  } catch {
    return true;
  }
}

/** A token that stopped working (the kiosk was revoked): forget it and show the pairing screen again. */
function revoked(e) {
  if (e.status !== 401) return false;
  forgetDevice('kiosk');
  location.reload();
  return true;
}

function show(name) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== 'screen-' + name;
  document.body.dataset.screen = name;
  if (name !== 'scan') stopCamera();
  const focus = { scan: 'scan-code', find: 'find-name', ticket: 'done', welcome: 'go-scan' }[name];
  if (focus) $(focus).focus();
  touch();
}

function touch() {
  clearTimeout(idleTimer);
  if (document.body.dataset.screen !== 'welcome') idleTimer = setTimeout(reset, IDLE_MS);
}

/** Back to the welcome screen with nothing of the last patient left on it. */
function reset() {
  for (const form of document.querySelectorAll('#app form')) form.reset();
  $('scan-error').textContent = '';
  $('find-error').textContent = '';
  $('ticket-code').textContent = '';
  $('ticket-queue').textContent = '';
  $('ticket-qr').replaceChildren();
  $('copay').replaceChildren();
  fillMonths();
  show('welcome');
}

function busy(on) {
  $('working').hidden = !on;
  for (const b of document.querySelectorAll('#app button')) b.disabled = on;
}

function fillMonths() {
  const format = new Intl.DateTimeFormat(lang(), { month: 'long', timeZone: 'UTC' });
  const select = $('dob-month');
  const value = select.value;
  select.replaceChildren(el('option', { value: '' }, '—'), ...Array.from({ length: 12 }, (_, i) =>
    el('option', { value: String(i + 1) }, format.format(new Date(Date.UTC(2000, i, 1))))));
  select.value = value;
}

function showTicket(entry) {
  $('ticket-code').textContent = entry.ticket;
  $('ticket-queue').textContent = queueNames.get(entry.queueId) || '';
  $('ticket-qr').replaceChildren(qrSvg(entry.patientLink, { size: 260, label: t('kiosk.phone') }));
  renderCopay($('copay'), entry, { call, touch });
  show('ticket');
}

async function checkInByCode(code) {
  const match = UUID.exec(code || '');
  if (!match) {
    $('scan-error').textContent = t('kiosk.badCode');
    $('scan-code').select();
    return;
  }
  busy(true);
  try {
    showTicket(await call(`/api/v1/sites/${encodeURIComponent(siteId)}/kiosk/check-ins`, {
      method: 'POST', body: { appointment: match[0] },
    }));
  } catch (e) {
    if (revoked(e)) return;
    // a well-formed code that finds nothing: no appointment today here, or one already checked in
    $('scan-error').textContent = e.status === 404 ? t('kiosk.noAppointment') : e.message;
    $('scan-code').select();
  } finally {
    busy(false);
  }
}

async function checkInByName(event) {
  event.preventDefault();
  const day = Number($('dob-day').value);
  const month = Number($('dob-month').value);
  const year = Number($('dob-year').value);
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid = year >= 1900 && year <= new Date().getFullYear() && month >= 1 && day >= 1
    && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!valid) {
    $('find-error').textContent = t('kiosk.badDate');
    return;
  }
  const birthDate = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  busy(true);
  try {
    showTicket(await call(`/api/v1/sites/${encodeURIComponent(siteId)}/kiosk/check-ins`, {
      method: 'POST', body: { name: $('find-name').value.trim(), birthDate },
    }));
  } catch (e) {
    if (revoked(e)) return;
    $('find-error').textContent = e.message;
  } finally {
    busy(false);
  }
}

async function startCamera() {
  try {
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    const video = $('camera');
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    camera = { stream, timer: setInterval(async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        stopCamera();
        checkInByCode(codes[0].rawValue);
      }
    }, 400) };
  } catch {
    $('use-camera').hidden = true;
  }
}

function stopCamera() {
  if (!camera) return;
  clearInterval(camera.timer);
  camera.stream.getTracks().forEach((track) => track.stop());
  $('camera').hidden = true;
  camera = null;
}

async function start() {
  chooseLanguage(null);
  languagePicker($('lang'));
  translatePage();
  device = storedDevice('kiosk');
  if (!device) {
    // the pairing screen speaks the site's language when the server can say which it is
    try {
      chooseLanguage((await api(`/api/v1/sites/${encodeURIComponent(siteId)}`, { anonymous: true })).language);
    } catch {
      // English, or this device's choice
    }
  }
  if (device && !(await enrolled(device))) {
    forgetDevice('kiosk');
    device = await pairDevice($('connect'), 'kiosk', t('pair.revoked'));
  }
  if (!device) device = await pairDevice($('connect'), 'kiosk');
  if (device.siteId !== siteId) {
    location.replace(homeOf('kiosk', device) + location.search);
    return;
  }
  for (;;) {
    try {
      site = await call(`/api/v1/sites/${encodeURIComponent(siteId)}`);
      for (const q of await call(`/api/v1/sites/${encodeURIComponent(siteId)}/queues`)) queueNames.set(q.id, q.name);
      break;
    } catch (e) {
      if (revoked(e)) return;
      $('connect').replaceChildren(el('p', { class: 'card error' }, e.message));
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
  $('connect').replaceChildren();
  chooseLanguage(site.language);
  $('site-name').textContent = site.name;
  document.title = site.name + ' — Waitline';
  fillMonths();
  onLanguageChange(fillMonths);

  $('go-scan').addEventListener('click', () => show('scan'));
  $('go-find').addEventListener('click', () => show('find'));
  for (const b of document.querySelectorAll('button.back')) b.addEventListener('click', reset);
  $('done').addEventListener('click', reset);
  $('scan-form').addEventListener('submit', (event) => {
    event.preventDefault();
    checkInByCode($('scan-code').value.trim());
  });
  $('find-form').addEventListener('submit', checkInByName);
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    $('use-camera').hidden = false;
    $('use-camera').addEventListener('click', startCamera);
  }
  for (const type of ['pointerdown', 'keydown', 'input']) document.addEventListener(type, touch, { passive: true });
  $('app').hidden = false;
  reset();
}

start();
