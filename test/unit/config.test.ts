import { ConfigError, loadConfig } from '../../src/config';

describe('config', () => {
  it('defaults to the embedded mode on loopback with SQLite', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', upstream: { mode: 'embedded' }, database: { kind: 'sqlite' }, redisUrl: undefined });
  });

  it('reads a remote upstream and PostgreSQL', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'https://gateway.example/v1/', DATABASE_URL: 'postgresql://u@h/db' });
    expect(config.upstream).toEqual({ mode: 'remote', baseURL: 'https://gateway.example/v1', apiKey: 'sk-test' });
    expect(config.database).toEqual({ kind: 'postgresql', url: 'postgresql://u@h/db' });
  });

  it('reports every bad variable by name with what it accepts', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://root:hunter2@db/x', JOBS_ENABLED: 'maybe' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      "PORT must be a whole number from 0 to 65535 (got 'eighty')",
      "DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got 'mysql://***@db/x')",
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got \'loud\')',
      "JOBS_ENABLED must be true or false (got 'maybe')",
    ]);
    expect(error?.message).not.toContain('hunter2');
  });

  it('reads the document, response and mutation limits, naming a bad one', () => {
    expect(loadConfig({}).security).toMatchObject({ maxQueryBytes: 100_000, maxQueryTokens: 2000, maxResponseBytes: 10 * 1024 * 1024, maxMutationsPerRequest: 20 });
    expect(loadConfig({ MAX_QUERY_TOKENS: '5000', MAX_MUTATIONS_PER_REQUEST: '1' }).security).toMatchObject({ maxQueryTokens: 5000, maxMutationsPerRequest: 1 });
    expect(() => loadConfig({ MAX_QUERY_BYTES: '10', MAX_RESPONSE_BYTES: 'lots' })).toThrow(
      /MAX_QUERY_BYTES must be a whole number from 1024 to 10485760 \(got '10'\)[\s\S]*MAX_RESPONSE_BYTES must be a whole number from 65536 to 1073741824 \(got 'lots'\)/,
    );
  });

  it('serves the explorer unless EXPLORER=false', () => {
    expect(loadConfig({}).explorer).toBe(true);
    expect(loadConfig({ EXPLORER: 'false' }).explorer).toBe(false);
    expect(() => loadConfig({ EXPLORER: 'hidden' })).toThrow("EXPLORER must be true or false (got 'hidden')");
  });

  it('refuses a base URL without a key instead of silently using the emulator', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: 'https://gateway.example/v1' })).toThrow(/OPENAI_BASE_URL is set but OPENAI_API_KEY is not/);
  });
});
