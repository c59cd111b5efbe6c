import { ConfigError, loadConfig } from '../../src/config';

describe('task lease configuration', () => {
  it('defaults to short leases renewed by a heartbeat', () => {
    expect(loadConfig({}).jobs).toMatchObject({ leaseMs: 8000, heartbeatMs: 2000 });
    // A short lease brings the heartbeat down with it, so two beats may still be missed.
    expect(loadConfig({ JOBS_LEASE_MS: '3000' }).jobs).toMatchObject({ leaseMs: 3000, heartbeatMs: 1000 });
  });

  it('refuses a heartbeat that would let a live lease lapse', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ JOBS_LEASE_MS: '5000', JOBS_HEARTBEAT_MS: '2000' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      'JOBS_HEARTBEAT_MS (2000) must be at most a third of JOBS_LEASE_MS (5000), so a lease outlives two missed heartbeats',
    ]);
  });
});
