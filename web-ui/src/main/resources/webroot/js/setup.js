// First start (/setup): with the one-time code the server printed, create the first administrator, who is then
// signed in and goes on to the admin page. Once an administrator exists the page only says so.

import { api } from './api.js';
import { chooseLanguage, languagePicker, t, translatePage } from './i18n.js';
import { currentSession } from './session.js';

const $ = (id) => document.getElementById(id);

async function submit(event) {
  event.preventDefault();
  const password = $('setup-password').value;
  if (password.length < 12) {
    $('setup-error').textContent = t('admin.passwordShort');
    $('setup-password').focus();
    return;
  }
  if (password !== $('setup-password2').value) {
    $('setup-error').textContent = t('admin.passwordMismatch');
    $('setup-password2').focus();
    return;
  }
  $('setup-submit').disabled = true;
  $('setup-error').textContent = t('setup.working');
  try {
    await api('/api/v1/setup', {
      method: 'POST',
      body: {
        code: $('setup-code').value.trim(),
        username: $('setup-username').value.trim(),
        displayName: $('setup-name').value.trim(),
        password,
      },
    });
    location.assign('/admin');
  } catch (e) {
    $('setup-error').textContent = e.message;
    $('setup-submit').disabled = false;
  }
}

async function start() {
  chooseLanguage(null);
  languagePicker($('lang'));
  translatePage();
  let session = null;
  try {
    session = await currentSession();
  } catch (e) {
    $('setup-error').textContent = e.message;
  }
  if (session && !session.setupNeeded) {
    $('setup-done').hidden = false;
    return;
  }
  $('setup-form').hidden = false;
  $('setup-form').addEventListener('submit', submit);
  $('setup-code').focus();
}

start();
