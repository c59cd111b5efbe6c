/**
 * Small helpers shared by the route modules.
 */
import type { Request, Response } from 'express';
import { type ParsedBody, cleanup, readBody } from '../body';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';

/**
 * Reads the body, runs `fn`, and removes every temp upload afterwards whatever happened: handlers
 * that keep a file move it first, so a failed request never leaves files behind.
 */
export async function withBody<T>(
  ctx: EmulatorContext,
  req: Request,
  accept: ReadonlyArray<'json' | 'multipart'>,
  fn: (parsed: ParsedBody) => Promise<T> | T,
): Promise<T> {
  let parsed: ParsedBody | null = null;
  try {
    parsed = await readBody(req, { accept, tmpDir: ctx.store.tmpDir, maxBytes: ctx.opts.maxUploadBytes });
    return await fn(parsed);
  } finally {
    await cleanup(parsed);
  }
}

/** A decoded path parameter (Express already percent-decodes; this only narrows the type). */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | string[] | undefined>)[name];
  if (typeof v !== 'string') throw new ApiError(400, `Missing path parameter '${name}'.`, 'invalid_request_error', name);
  return v;
}

/** `{object:'list', data, first_id, last_id, has_more}`; `last_id` drives the SDK's paging. */
export function listResponse<T extends { id: string }>(res: Response, data: T[], hasMore: boolean): void {
  res.json({
    object: 'list',
    data,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
    has_more: hasMore,
  });
}

/** A single query value (repeated keys → invalid). */
export function queryValue(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw new ApiError(400, `Invalid '${name}': expected a single value.`, 'invalid_request_error', name, 'invalid_type');
  }
  return v;
}
