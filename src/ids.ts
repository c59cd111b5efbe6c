import { randomBytes } from 'node:crypto';

/** Crockford's base32 alphabet: no I, L, O or U, so ids survive being read aloud or retyped. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * Returns a ULID: 26 characters, 48 bits of millisecond time then 80 random bits.
 *
 * Ids sort by creation time, so "newest first" is `ORDER BY id DESC` and a cursor is just an id.
 * Within one millisecond the random part is incremented (monotonic ULID), so ids made by one
 * process never tie and keep their creation order.
 */
export function ulid(now: number = Date.now()): string {
  if (now <= lastTime) {
    incrementRandom();
  } else {
    lastTime = now;
    lastRandom = Array.from(randomBytes(16)).slice(0, 16).map((b) => b & 31);
  }
  let time = '';
  let t = lastTime;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + lastRandom.map((d) => ALPHABET[d]).join('');
}

function incrementRandom(): void {
  for (let i = lastRandom.length - 1; i >= 0; i--) {
    if (lastRandom[i] < 31) {
      lastRandom[i]++;
      return;
    }
    lastRandom[i] = 0;
  }
}

/** True when `value` has the shape of a ULID (used to reject malformed ids before any query). */
export function isUlid(value: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
