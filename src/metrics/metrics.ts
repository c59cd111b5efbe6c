import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets for request and operation latency: 5 ms to 10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Distinct operation names kept as labels; later names are counted as `other`, so clients cannot grow the registry without bound. */
const MAX_OPERATION_NAMES = 200;

/** Figures read from the database when `/metrics` is scraped. */
export interface DatabaseGauges {
  /** Videos by status and model (one GROUP BY). */
  jobs(): Promise<{ status: string; model: string; count: number }[]>;
  /** Tasks in the durable queue: all of them, those due now, and the run time (epoch ms) of the oldest due one. */
  queue(): Promise<{ total: number; due: number; oldestDueAt: number | null }>;
}

/** Transports a subscription can be open on. */
export type SubscriptionTransport = 'websocket' | 'sse';

/**
 * Every Prometheus series of one Reelgraph instance, in its own registry (several instances in
 * one process, as in tests, do not collide in prom-client's global one). Hot paths call the
 * `observe…`/`count…` methods once per request, operation, call or statement; database figures
 * are read only on scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly httpRequests = new Counter({ name: 'reelgraph_http_requests_total', help: 'HTTP requests by route and status.', labelNames: ['route', 'status'], registers: [this.registry] });
  private readonly httpDuration = new Histogram({ name: 'reelgraph_http_request_duration_seconds', help: 'HTTP request latency by route and status.', labelNames: ['route', 'status'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly operations = new Counter({ name: 'reelgraph_graphql_operations_total', help: 'GraphQL operations over HTTP by operation name and result (ok or error).', labelNames: ['operation', 'result'], registers: [this.registry] });
  private readonly operationDuration = new Histogram({ name: 'reelgraph_graphql_operation_duration_seconds', help: 'GraphQL operation latency by operation name and result.', labelNames: ['operation', 'result'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly errors = new Counter({ name: 'reelgraph_graphql_errors_total', help: 'GraphQL errors returned to clients, by extensions.code.', labelNames: ['code'], registers: [this.registry] });
  private readonly upstreamCalls = new Counter({ name: 'reelgraph_upstream_calls_total', help: 'HTTP calls to a Videos API upstream (retries included) by upstream and outcome (2xx, 4xx, 5xx, network).', labelNames: ['upstream', 'outcome'], registers: [this.registry] });
  private readonly upstreamDuration = new Histogram({ name: 'reelgraph_upstream_call_duration_seconds', help: 'Upstream call latency by upstream and outcome.', labelNames: ['upstream', 'outcome'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly webhooks = new Counter({ name: 'reelgraph_webhooks_received_total', help: 'Upstream webhooks received by result (accepted, duplicate, rejected, unconfigured).', labelNames: ['result'], registers: [this.registry] });
  private readonly sqlStatements = new Counter({ name: 'reelgraph_sql_statements_total', help: 'SQL statements run.', registers: [this.registry] });

  /** Open SSE event streams, read on scrape (set by the SSE transport). */
  private sseStreams: (() => number) | undefined;

  /**
   * Open subscriptions by transport: the WebSocket calls `inc` when one starts and `dec` when it
   * ends; the SSE transport's open event streams are read on scrape ({@link countSseStreams}).
   */
  readonly subscriptionsOpen = new Gauge({
    name: 'reelgraph_subscriptions_open',
    help: 'Open GraphQL subscriptions by transport (sse: open event streams).',
    labelNames: ['transport'],
    registers: [this.registry],
    collect: () => {
      if (this.sseStreams) this.subscriptionsOpen.set({ transport: 'sse' }, this.sseStreams());
    },
  });

  /** Lets the SSE transport's open streams show in `reelgraph_subscriptions_open{transport="sse"}`. */
  countSseStreams(streams: () => number): void {
    this.sseStreams = streams;
  }

  constructor(gauges?: DatabaseGauges) {
    this.subscriptionsOpen.set({ transport: 'websocket' }, 0);
    if (!gauges) return;
    new Gauge({
      name: 'reelgraph_jobs',
      help: 'Videos by status and model (read on scrape).',
      labelNames: ['status', 'model'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await gauges.jobs()) this.set({ status: row.status, model: row.model }, row.count);
      },
    });
    // Both gauges come from one read per scrape; the second gauge's collect reuses the first's promise.
    let queue: ReturnType<DatabaseGauges['queue']> | undefined;
    const readQueue = () => (queue ??= gauges.queue().finally(() => setImmediate(() => (queue = undefined))));
    new Gauge({
      name: 'reelgraph_task_queue_depth',
      help: 'Tasks in the durable job queue, by state (due: may run now; scheduled: later or leased).',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const { total, due } = await readQueue();
        this.set({ state: 'due' }, due);
        this.set({ state: 'scheduled' }, total - due);
      },
    });
    new Gauge({
      name: 'reelgraph_task_queue_oldest_due_age_seconds',
      help: 'How long the oldest due task has waited past its run time (0 when none is due).',
      registers: [this.registry],
      async collect() {
        const { oldestDueAt } = await readQueue();
        this.set(oldestDueAt === null ? 0 : Math.max(0, (Date.now() - oldestDueAt) / 1000));
      },
    });
  }

  /** One finished HTTP request. */
  observeHttp(route: string, status: number, seconds: number): void {
    const labels = { route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** One finished GraphQL operation over HTTP, with the codes of the errors it returned. */
  observeOperation(name: string | undefined, codes: readonly string[], seconds: number): void {
    const labels = { operation: this.operationLabel(name), result: codes.length > 0 ? 'error' : 'ok' };
    this.operations.inc(labels);
    this.operationDuration.observe(labels, seconds);
    this.countErrors(codes);
  }

  /** Errors returned outside an HTTP operation (WebSocket refusals). */
  countErrors(codes: readonly string[]): void {
    for (const code of codes) this.errors.inc({ code });
  }

  /** One HTTP call to an upstream. */
  observeUpstream(upstream: string, outcome: string, seconds: number): void {
    this.upstreamCalls.inc({ upstream, outcome });
    this.upstreamDuration.observe({ upstream, outcome }, seconds);
  }

  /** One webhook delivery received. */
  countWebhook(result: 'accepted' | 'duplicate' | 'rejected' | 'unconfigured'): void {
    this.webhooks.inc({ result });
  }

  /** One SQL statement run (the query log's listener). */
  readonly countSql = (): void => this.sqlStatements.inc();

  /** The scrape body, in Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private operationLabel(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
