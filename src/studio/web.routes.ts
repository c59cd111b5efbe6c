import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { BuiltBundle, PageName, WebBundle } from './bundle';
import { contentSecurityPolicy } from './csp';

/** Options of {@link webRoutes}. */
export interface WebRoutesOptions {
  bundle: WebBundle;
  /** Serve GraphiQL at `GET /graphql` to browsers (`EXPLORER`). */
  explorer: boolean;
  /** The origin media URLs point at (from PUBLIC_URL), allowed for `<video>` and `<img>`. */
  mediaOrigin: () => string | undefined;
}

const TITLES: Record<PageName, string> = { studio: 'Reelgraph Studio', explorer: 'Reelgraph explorer' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page shell: no inline script or style, only the bundle's files under a hash-versioned path.
 * A meta tag tells the studio whether to link the explorer.
 */
function shell(page: PageName, bundle: BuiltBundle, explorer: boolean): string {
  const base = `/assets/${bundle.hash}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="reelgraph-explorer" content="${explorer ? 'on' : 'off'}">
<title>${escapeHtml(TITLES[page])}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/${page}.css">
<script defer src="${base}/${page}.js"></script>
</head>
<body><div id="app"></div><noscript>${escapeHtml(TITLES[page])} needs JavaScript.</noscript></body>
</html>
`;
}

/** A browser asking for a page: GET, HTML preferred over JSON, and no GraphQL `query` parameter. */
export function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.query.query !== undefined) return false;
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

/**
 * The studio at `/`, the explorer at `GET /graphql` for browsers (API requests fall through to
 * GraphQL), and the bundle's files at `/assets/<hash>/…`, cached for good since the hash changes
 * with their content. Mounted before authentication: the pages hold no data; the API calls they
 * make carry the key.
 */
export function webRoutes(options: WebRoutesOptions) {
  const statics = new Map<string, RequestHandler>();

  const servePage = (page: PageName) => async (req: Request, res: Response) => {
    let bundle: BuiltBundle;
    try {
      bundle = await options.bundle.ready();
    } catch (error) {
      res.status(503).type('text/plain').send(`The ${TITLES[page]} page is unavailable: its bundle could not be built (${(error as Error).message.split('\n')[0]}). The server log has the details.`);
      return;
    }
    res.setHeader('content-security-policy', contentSecurityPolicy(req, options.mediaOrigin(), { inlineStyles: page === 'explorer' }));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('vary', 'Accept');
    res.type('html').send(shell(page, bundle, options.explorer));
  };

  return (app: Express): void => {
    app.get('/', servePage('studio'));
    if (options.explorer) {
      const explorer = servePage('explorer');
      app.get('/graphql', (req: Request, res: Response, next: NextFunction) => (wantsPage(req) ? void explorer(req, res) : next()));
    }
    app.use('/assets/:hash', async (req: Request, res: Response, next: NextFunction) => {
      const bundle = await options.bundle.ready().catch(() => undefined);
      if (!bundle || req.params.hash !== bundle.hash) {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such asset: reload the page to get the current ones.' } });
        return;
      }
      let serve = statics.get(bundle.dir);
      if (!serve) {
        serve = express.static(bundle.dir, { immutable: true, maxAge: '365d', index: false, dotfiles: 'deny' });
        statics.set(bundle.dir, serve);
      }
      res.setHeader('x-content-type-options', 'nosniff');
      serve(req, res, next);
    });
  };
}
