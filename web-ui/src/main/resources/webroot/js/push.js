// Web Push opt-in for the patient page. The button appears only when the server offers a VAPID public key
// (GET /api/v1/web-push/public-key); the subscription goes to POST /api/v1/visits/{token}/web-push.

import { api } from './api.js';
import { t } from './i18n.js';

function keyBytes(base64url) {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function publicKey() {
  const response = await fetch('/api/v1/web-push/public-key', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) return null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    const json = await response.json();
    return (json && (json.publicKey || json.key || json.applicationServerKey)) || null;
  }
  return (await response.text()).trim() || null;
}

/** Shows {@code button} if Web Push is offered and this browser can do it; a click subscribes this visit. */
export async function offerPush(token, button, status) {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  let key;
  try {
    key = await publicKey();
  } catch {
    return;
  }
  if (!key) return;
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  if (existing && Notification.permission === 'granted') {
    status.textContent = t('patient.pushOn');
  }
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        status.textContent = t('patient.pushDenied');
        return;
      }
      const subscription = existing || await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key),
      });
      await api(`/api/v1/visits/${token}/web-push`, { method: 'POST', body: subscription.toJSON(), anonymous: true });
      status.textContent = t('patient.pushOn');
      button.hidden = true;
    } catch (e) {
      status.textContent = e && e.status ? e.message : t('patient.pushFailed');
    } finally {
      button.disabled = false;
    }
  });
}
