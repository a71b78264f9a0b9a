// The waiting-room call: a two-tone chime (Web Audio, no sound files) then the sentence spoken by the browser's
// speech synthesis in the page's language. Calls are spoken one after another; at most a few wait their turn.

const MAX_PENDING = 4;

export class Announcer {
  constructor() {
    this.pending = [];
    this.busy = false;
    this.context = null;
    try {
      this.context = new AudioContext();
    } catch {
      this.context = null;
    }
  }

  /** True when the browser lets the page play sound without a tap (kiosk browsers are started to allow it). */
  get allowed() {
    return !this.context || this.context.state === 'running';
  }

  /** Call from a tap: unlocks audio and speech for the life of the page. */
  unlock() {
    if (this.context) this.context.resume();
    if ('speechSynthesis' in window) speechSynthesis.speak(new SpeechSynthesisUtterance(''));
  }

  say(text, language) {
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({ text, language });
    if (!this.busy) this.next();
  }

  async next() {
    const item = this.pending.shift();
    if (!item) {
      this.busy = false;
      return;
    }
    this.busy = true;
    await this.chime();
    await this.speak(item.text, item.language);
    this.next();
  }

  chime() {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return Promise.resolve();
    const start = ctx.currentTime + 0.05;
    [[880, 0], [660, 0.45]].forEach(([frequency, offset]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.65);
    });
    return new Promise((resolve) => setTimeout(resolve, 1200));
  }

  speak(text, language) {
    if (!('speechSynthesis' in window)) return Promise.resolve();
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = language;
      const voice = speechSynthesis.getVoices().find((v) => v.lang && v.lang.toLowerCase().startsWith(language));
      if (voice) utterance.voice = voice;
      utterance.rate = 0.9;
      const done = () => {
        clearTimeout(guard);
        resolve();
      };
      // some systems never report the end of speech (or have no voices): move on anyway
      const guard = setTimeout(done, 8000);
      utterance.onend = done;
      utterance.onerror = done;
      speechSynthesis.speak(utterance);
    });
  }
}
