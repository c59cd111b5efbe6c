import type { SqlEntityManager } from '@mikro-orm/knex';
import type { RequestContext, Streams, Viewer, Warning } from './context';
import { createLoaders, type Loaders } from './loaders';

/**
 * The {@link RequestContext} of one operation. Forking an EntityManager and building every
 * feature's DataLoaders costs more than a small query itself, and 10,000 idle subscriptions would
 * each keep a set alive, so both are made on first use and dropped by {@link release}.
 */
export class OperationContext implements RequestContext {
  readonly warnings: Warning[] = [];
  private currentEm: SqlEntityManager | undefined;
  private currentLoaders: Loaders | undefined;

  constructor(
    readonly viewer: Viewer,
    readonly requestId: string,
    readonly streams: Streams,
    private readonly fork: (tenantId: string) => SqlEntityManager,
  ) {}

  get em(): SqlEntityManager {
    return (this.currentEm ??= this.fork(this.viewer.tenantId));
  }

  get loaders(): Loaders {
    return (this.currentLoaders ??= createLoaders(this.em));
  }

  release(): void {
    this.currentEm = undefined;
    this.currentLoaders = undefined;
  }
}
