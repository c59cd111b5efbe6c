import { ConfigError, loadConfig } from '../../src/config';
import { withJitter } from '../../src/modules/webhook-endpoints/webhook-sender';

describe('outbound webhook configuration', () => {
  it('defaults: private targets refused, 10 endpoints, about 23 h of retries, 5 days to disable', () => {
    const { outboundWebhooks } = loadConfig({});
    expect(outboundWebhooks).toMatchObject({ allowPrivate: false, maxEndpoints: 10, timeoutMs: 10_000, disableAfterDays: 5, secretOverlapSeconds: 86_400, referenceTimeoutMs: 15_000 });
    expect(outboundWebhooks.retryScheduleMs.slice(0, 4)).toEqual([5_000, 30_000, 120_000, 600_000]);
    const total = outboundWebhooks.retryScheduleMs.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(22);
    expect(total / 3_600_000).toBeLessThan(25);
  });

  it('reads a schedule in ms, s, m and h, and names a malformed one', () => {
    expect(loadConfig({ OUTBOUND_WEBHOOKS_RETRY_SCHEDULE: '250ms, 2s,1m,1h' }).outboundWebhooks.retryScheduleMs).toEqual([250, 2000, 60_000, 3_600_000]);
    expect(() => loadConfig({ OUTBOUND_WEBHOOKS_RETRY_SCHEDULE: '5s,soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ OUTBOUND_WEBHOOKS_RETRY_SCHEDULE: '5s,soon' })).toThrow(/OUTBOUND_WEBHOOKS_RETRY_SCHEDULE must be 1 to 50 comma-separated durations/);
  });

  it('jitters each wait by at most 20 % either way', () => {
    expect(withJitter(1000, () => 0)).toBe(800);
    expect(withJitter(1000, () => 0.5)).toBe(1000);
    expect(withJitter(1000, () => 0.999999)).toBe(1200);
  });
});
