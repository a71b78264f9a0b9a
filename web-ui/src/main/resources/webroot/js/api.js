// Calls to the REST API. A refusal becomes an ApiError whose message is the server's own sentence (`detail`).

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

const SAFE = new Set(['GET', 'HEAD']);

/**
 * JSON in, JSON out. {@code token} is a bearer credential (an enrolled device's); {@code csrf} is the signed-in
 * session's CSRF token, sent with every change, since the session itself travels as its same-origin cookie.
 * {@code anonymous} leaves the cookie out (the patient's pages need none). {@code file} (a File or Blob) is sent
 * as its bytes, as text/csv, instead of a JSON body. Network failures have status 0.
 */
export async function api(path, { method = 'GET', body, file, token, csrf, anonymous = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (file !== undefined) headers['Content-Type'] = 'text/csv';
  if (token) headers.Authorization = 'Bearer ' + token;
  if (csrf && !SAFE.has(method)) headers['X-CSRF-Token'] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: file !== undefined ? file : body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: anonymous ? 'omit' : 'same-origin',
    });
  } catch {
    throw new ApiError(0, t('common.offline'), null);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, (json && json.detail) || t('common.httpError', { status: response.status }), json);
  }
  return json;
}

/** An element with text, for building the page without HTML strings. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
