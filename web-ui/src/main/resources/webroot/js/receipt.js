// The printable receipt behind its unguessable address (/receipts/{token}): amount, date, clinic, card brand and
// last 4 — no more. It reads /api/v1/receipts/{token} without any credential.

import { api } from './api.js';
import { chooseLanguage, lang, t, translatePage } from './i18n.js';

const token = decodeURIComponent(location.pathname.split('/')[2] || '');
const $ = (id) => document.getElementById(id);

async function show() {
  chooseLanguage(null);
  translatePage();
  let r;
  try {
    r = await api(`/api/v1/receipts/${encodeURIComponent(token)}`, { anonymous: true });
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
    return;
  }
  document.title = t('receipt.title') + ' — ' + r.clinic;
  $('clinic').textContent = r.clinic;
  $('amount').textContent = r.amount;
  $('refunded').textContent = r.refunded || '—';
  $('date').textContent = new Intl.DateTimeFormat(lang(), { dateStyle: 'long', timeStyle: 'short',
    timeZone: r.timeZone }).format(new Date(r.paidAt));
  $('method').textContent = r.method === 'cash' ? t('receipt.cash')
    : `${(r.cardBrand || '').toUpperCase()} •••• ${r.cardLast4 || ''}`;
  $('ticket').textContent = r.ticket;
  $('reference').textContent = r.reference;
  $('print').addEventListener('click', () => window.print());
  $('receipt').hidden = false;
}

show();
