import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../graphql/context';
import type { Metrics } from './metrics';

/** Apollo plugin: one observation per HTTP operation (name, ok/error, latency) and one count per returned error code. */
export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          metrics.observeOperation(operationName ?? undefined, codes, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
