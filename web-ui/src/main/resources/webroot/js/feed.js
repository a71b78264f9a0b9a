// Live feeds over WebSocket that survive flaky networks and server restarts: reconnect with backoff and jitter,
// treat a silent connection (no heartbeat) as lost, and resume queue feeds from the last seq seen.

/** Server heartbeats come every 15 s; this long without any message means the connection is dead. */
const SILENCE_MS = 40_000;
const CONNECT_TIMEOUT_MS = 10_000;

function wsUrl(path) {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * One WebSocket that keeps itself connected. State goes 'connecting' → 'live' (first message received) →
 * 'reconnecting' when lost. {@code beforeConnect} may return false to stop for good (e.g. the visit has ended),
 * or throw to retry later.
 */
export class ReconnectingSocket {
  constructor({ url, onMessage, onState = () => {}, beforeConnect = null, maxDelayMs = 5000 }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onState = onState;
    this.beforeConnect = beforeConnect;
    this.maxDelayMs = maxDelayMs;
    this.ws = null;
    this.state = null;
    this.attempts = 0;
    this.stopped = true;
    this.everLive = false;
    this.retryTimer = null;
    this.lastMessageAt = 0;
    this.openedAt = 0;
    this.kick = () => {
      if (!this.stopped && !this.ws) this.connect();
    };
    this.onVisible = () => {
      if (document.visibilityState === 'visible') this.kick();
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.kick);
    document.addEventListener('visibilitychange', this.onVisible);
    this.watchdog = setInterval(() => this.check(), 5000);
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    window.removeEventListener('online', this.kick);
    document.removeEventListener('visibilitychange', this.onVisible);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close();
  }

  /** Drops the current connection and connects again at once (e.g. after a gap in seq). */
  reconnectNow() {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close();
    this.attempts = 0;
    this.connect();
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }

  async connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.setState(this.everLive ? 'reconnecting' : 'connecting');
    if (this.beforeConnect) {
      let proceed;
      try {
        proceed = await this.beforeConnect();
      } catch {
        this.schedule();
        return;
      }
      if (proceed === false) {
        this.stop();
        return;
      }
      if (this.stopped || this.ws) return;
    }
    let ws;
    try {
      ws = new WebSocket(wsUrl(this.url()));
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    this.openedAt = Date.now();
    this.lastMessageAt = 0;
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastMessageAt = Date.now();
      this.attempts = 0;
      this.everLive = true;
      this.setState('live');
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onMessage(message);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      if (this.stopped) return;
      this.setState(this.everLive ? 'reconnecting' : 'connecting');
      this.schedule();
    };
    ws.onerror = () => {}; // a close follows
  }

  schedule() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const base = Math.min(this.maxDelayMs, 500 * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 10);
    this.retryTimer = setTimeout(() => this.connect(), base * (0.8 + Math.random() * 0.4));
  }

  /** A socket that is silent past the heartbeat, or stuck connecting, is dropped and replaced. */
  check() {
    const ws = this.ws;
    if (!ws) return;
    const now = Date.now();
    const silentSince = this.lastMessageAt || this.openedAt;
    const stuck = ws.readyState === WebSocket.CONNECTING && now - this.openedAt > CONNECT_TIMEOUT_MS;
    if (stuck || (ws.readyState === WebSocket.OPEN && now - silentSince > SILENCE_MS)) {
      this.ws = null;
      ws.close();
      this.setState('reconnecting');
      this.schedule();
    }
  }
}

/**
 * A queue or site feed in protocol 2: a snapshot, then each queue's deltas in seq order (queue-view.js applies them).
 * Remembers each queue's seq, drops duplicates, and on a gap reconnects with since= so the server replays what was
 * missed (or sends a fresh snapshot). {@code beforeConnect} is as for ReconnectingSocket: e.g. a check that the
 * credential still works.
 */
export class SeqFeed {
  constructor({ path, params = () => ({}), onSnapshot, onDelta, onState, beforeConnect = null }) {
    this.seqs = new Map();
    this.onSnapshot = onSnapshot;
    this.onDelta = onDelta;
    this.socket = new ReconnectingSocket({
      url: () => {
        const query = new URLSearchParams({ ...params(), protocol: '2' });
        if (this.seqs.size) query.set('since', [...this.seqs].map(([queue, seq]) => queue + ':' + seq).join(','));
        return path + '?' + query.toString();
      },
      onMessage: (message) => this.handle(message),
      onState,
      beforeConnect,
    });
  }

  start() {
    this.socket.start();
  }

  stop() {
    this.socket.stop();
  }

  handle(message) {
    if (message.type === 'snapshot') {
      for (const q of message.queues) {
        this.seqs.set(q.queue.id, q.seq);
        this.onSnapshot(q);
      }
    } else if (message.type === 'delta') {
      const known = this.seqs.get(message.queueId);
      if (known !== undefined && message.seq <= known) return; // already applied
      if (known === undefined || message.seq !== known + 1) {
        this.socket.reconnectNow(); // a gap (or a queue without its snapshot): resume from what we have
        return;
      }
      this.seqs.set(message.queueId, message.seq);
      this.onDelta(message);
    }
  }
}
