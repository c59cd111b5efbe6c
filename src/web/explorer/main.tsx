/** The explorer at `GET /graphql`: GraphiQL with HTTP and graphql-ws, the API key in the headers editor. */
import 'graphiql/graphiql.css';
import './explorer.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import operations from 'reelgraph:operations';
import { authorization, graphqlWsUrl } from '../api/key';

const WELCOME = `# Reelgraph explorer: run with Ctrl-Enter or ▶.
# The other tabs hold the examples of schema/operations.
# API key: Headers tab, {"Authorization": "Bearer <key>"}
# (subscriptions send it in connection_init).

query Models {
  models {
    id
    displayName
    capabilities { sizes durations }
    pricing { size pricePerSecond }
  }
}
`;

/**
 * GraphiQL's fetcher sends the headers editor's values over HTTP only; graphql-ws needs them in
 * `connection_init`. One fetcher per Authorization value, so changing the key reconnects.
 */
function keyedFetcher(): Fetcher {
  const fetchers = new Map<string, Fetcher>();
  return (params, options) => {
    const headers = options?.headers ?? {};
    const auth = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    const key = typeof auth === 'string' ? auth : '';
    let fetcher = fetchers.get(key);
    if (!fetcher) {
      fetcher = createGraphiQLFetcher({ url: '/graphql', subscriptionUrl: graphqlWsUrl(), wsConnectionParams: key ? { authorization: key } : {} });
      fetchers.set(key, fetcher);
    }
    return fetcher(params, options);
  };
}

const auth = authorization();
const tabs = [{ query: WELCOME }, ...operations.map((op) => ({ query: `# ${op.file}\n${op.query}` }))];

createRoot(document.getElementById('app')!).render(
  <GraphiQL
    fetcher={keyedFetcher()}
    defaultTabs={tabs}
    defaultHeaders={auth ? JSON.stringify({ Authorization: auth }, null, 2) : '{}'}
    shouldPersistHeaders
    isHeadersEditorEnabled
    defaultEditorToolsVisibility={auth ? 'headers' : false}
  >
    <GraphiQL.Logo>
      <a href="/" className="reelgraph-logo">
        Reelgraph <span>Studio ↗</span>
      </a>
    </GraphiQL.Logo>
  </GraphiQL>,
);
