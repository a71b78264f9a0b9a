// Service worker of the patient page (scope /visit/): keeps the page's shell for flaky networks and shows Web Push
// notifications. It never caches API answers or feeds: those are always live, or shown as "reconnecting".

const CACHE = 'waitline-shell-v2';
const SHELL = [
  '/patient.html',
  '/css/base.css',
  '/css/patient.css',
  '/js/patient.js',
  '/js/api.js',
  '/js/feed.js',
  '/js/i18n.js',
  '/i18n/en.json',
  '/i18n/es.json',
  '/i18n/fr.json',
  '/i18n/ar.json',
  '/js/push.js',
  '/icons/waitline.svg',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// network first, so a new release is picked up at once; the cached shell only when the network fails
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/') || url.pathname.endsWith('.webmanifest')) return;
  const isPage = request.mode === 'navigate' && url.pathname.startsWith('/visit/');
  const shellPath = isPage ? '/patient.html' : url.pathname;
  if (!isPage && !SHELL.includes(shellPath)) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(shellPath, copy));
    }
    return response;
  }).catch(() => caches.match(shellPath).then((cached) => cached || Response.error())));
});

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(self.registration.showNotification(data.title || 'Waitline', {
    body: data.body || '',
    tag: data.tag || 'waitline-visit',
    renotify: true,
    icon: '/icons/waitline.svg',
    badge: '/icons/waitline.svg',
    data: { url: data.url || null },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = event.notification.data && event.notification.data.url;
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => (target ? w.url === target : w.url.includes('/visit/')));
    if (open) return open.focus();
    return target ? self.clients.openWindow(target) : undefined;
  }));
});
