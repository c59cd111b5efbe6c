import { pollDelayMs } from '../../src/jobs/reconciler';
import { backoffMs } from '../../src/jobs/worker';

describe('polling and backoff intervals', () => {
  it('polls quickly at first, slower as a render drags on, and always quickly while someone watches', () => {
    expect([0, 60_000, 300_000, 3_600_000].map((age) => pollDelayMs(age, false))).toEqual([1000, 3000, 10_000, 30_000]);
    expect([0, 60_000, 300_000, 3_600_000].map((age) => pollDelayMs(age, true))).toEqual([1000, 1000, 1000, 1000]);
  });

  it('backs off exponentially after errors, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(300_000);
  });
});
