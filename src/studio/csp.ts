import type { Request } from 'express';

/** A Host header fit to repeat in a policy (anything else falls back to `'self'` alone). */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The Content-Security-Policy of the studio and explorer pages: scripts, styles and fonts from
 * this origin only (no inline script, no eval), media and images from this origin or the media
 * origin (PUBLIC_URL may name another one), requests to this origin over HTTP and WebSocket, and
 * no framing. Nothing on these pages may reach a third party.
 *
 * `inlineStyles` is for GraphiQL: its menus and dialogs (Radix) insert `<style>` elements whose
 * text depends on the browser's scrollbar width, so no fixed hash covers them. Styles cannot run
 * code, and scripts stay restricted to this origin either way.
 */
export function contentSecurityPolicy(req: Request, mediaOrigin: string | undefined, options: { inlineStyles?: boolean } = {}): string {
  const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : undefined;
  const sockets = host ? [`ws://${host}`, `wss://${host}`] : [];
  const media = mediaOrigin ? [mediaOrigin] : [];
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    `img-src 'self' data: ${media.join(' ')}`.trim(),
    `media-src 'self' ${media.join(' ')}`.trim(),
    "font-src 'self' data:",
    `connect-src 'self' ${sockets.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
