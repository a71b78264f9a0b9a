// A manager's end-of-day payment report (/payments/{siteId}): for a day in the site's time zone, every payment and
// refund Waitline recorded next to what the processor booked, every mismatch as the server's sentence, and the CSV.

import { api, el } from './api.js';
import { lang, t } from './i18n.js';
import { openStaffPage, staffCall } from './session.js';

const siteId = decodeURIComponent(location.pathname.split('/')[2] || '');
const $ = (id) => document.getElementById(id);

function money(minor, currency) {
  if (minor === null || minor === undefined) return '—';
  const f = new Intl.NumberFormat(lang(), { style: 'currency', currency: currency.toUpperCase() });
  return f.format(minor / 10 ** f.resolvedOptions().maximumFractionDigits);
}

async function show(event) {
  if (event) event.preventDefault();
  const day = $('day').value;
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/reconciliation?day=${day}`;
  $('csv').href = path + '&format=csv';
  $('error').textContent = '';
  try {
    const r = await staffCall(path);
    $('matches').hidden = !r.matches;
    $('mismatches').replaceChildren(...r.mismatches.map((m) => el('li', {}, m)));
    $('totals').replaceChildren(
      el('dt', {}, t('report.card')), el('dd', { id: 'total-card' }, money(r.cardMinor, r.currency)),
      el('dt', {}, t('report.cash')), el('dd', { id: 'total-cash' }, money(r.cashMinor, r.currency)),
      el('dt', {}, t('report.refunded')), el('dd', {}, money(r.refundedMinor, r.currency)),
      el('dt', {}, t('report.net')), el('dd', {}, money(r.processorNetMinor, r.currency)),
      el('dt', {}, t('report.paidOut')), el('dd', { id: 'total-paid-out' }, money(r.paidOutMinor, r.currency)));
    const time = new Intl.DateTimeFormat(lang(), { timeStyle: 'short' });
    $('lines').replaceChildren(...r.lines.map((l) => el('tr', { class: l.note === 'not recorded by Waitline' ? 'alert' : '' },
      el('td', {}, time.format(new Date(l.at))), el('td', {}, text('report.kind.', l.kind)), el('td', {}, l.ticket || '—'),
      el('td', {}, text('report.method.', l.method)),
      // data-label: each amount's and the reference's column name, which a phone's card shows beside it
      el('td', { 'data-label': t('report.col.recorded') }, money(l.recordedMinor, r.currency)),
      el('td', { 'data-label': t('report.col.processor') }, money(l.processorMinor, r.currency)),
      el('td', { 'data-label': t('report.col.reference') }, l.reference || ''))));
  } catch (e) {
    $('error').textContent = e.message;
  }
}

/** The text of a value the server sends (a kind, a method) in the page's language; the value itself if unknown. */
function text(prefix, value) {
  const translated = t(prefix + value);
  return translated === prefix + value ? value : translated;
}

async function start() {
  $('site-name').textContent = siteId;
  await openStaffPage();
  // the site's name where it can be read; its id otherwise (the day's payments then say why they cannot be shown)
  api(`/api/v1/sites/${encodeURIComponent(siteId)}`).then((site) => { $('site-name').textContent = site.name; },
    () => {});
  $('day').value = new Date().toISOString().slice(0, 10);
  $('day-form').addEventListener('submit', show);
  show();
}

start();
