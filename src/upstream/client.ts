import { createReadStream } from 'node:fs';
import OpenAI, { toFile } from 'openai';
import { normalizeVideo, type UpstreamVideo } from './upstream-video';

/** Which stored asset to download, in the contract's words. */
export type UpstreamVariant = 'video' | 'thumbnail' | 'spritesheet';

/** A reference image sent with a create: the first frame of the clip. */
export interface ReferenceImage {
  data: Buffer;
  filename: string;
  contentType: string;
}

/** Everything a create request can carry. */
export interface CreateVideoRequest {
  prompt: string;
  model: string;
  size: string;
  seconds: number;
  /** Upstream character ids (at most two). */
  characterIds?: string[];
  inputReference?: ReferenceImage;
}

/**
 * Request options of a job-creating call. The `openai` SDK sends no idempotency key of its own
 * (its client has no `idempotencyHeader`, so the `idempotencyKey` option is dropped), and it
 * retries a timed-out create: without a key each retry can start another billed job. The header
 * is set explicitly and rides along on every SDK retry of the request.
 */
function idempotent(key: string | undefined): { headers?: Record<string, string> } {
  return key ? { headers: { 'Idempotency-Key': key } } : {};
}

/** An upstream batch, normalised. */
export interface UpstreamBatch {
  id: string;
  /** validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled. */
  status: string;
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  errors: { code: string; message: string; line?: number | null }[];
}

function normalizeBatch(raw: OpenAI.Batches.Batch): UpstreamBatch {
  return {
    id: raw.id,
    status: raw.status,
    outputFileId: raw.output_file_id ?? null,
    errorFileId: raw.error_file_id ?? null,
    counts: { total: raw.request_counts?.total ?? 0, completed: raw.request_counts?.completed ?? 0, failed: raw.request_counts?.failed ?? 0 },
    errors: (raw.errors?.data ?? []).map((e) => ({ code: e.code ?? 'error', message: e.message ?? '', line: e.line ?? null })),
  };
}

/** Options of {@link UpstreamClient}. */
export interface UpstreamClientOptions {
  /** Name used in job rows and logs, e.g. `embedded` or a catalog upstream name. */
  name: string;
  baseURL: string;
  apiKey: string;
  /** SDK retries for 408/409/429/5xx (honouring `retry-after-ms`). Default 2. */
  maxRetries?: number;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Told about every HTTP call the SDK makes (retries included): outcome `2xx`/`4xx`/`5xx`/…, or `network` when no response came. */
  onCall?: (outcome: string, seconds: number) => void;
}

/** `fetch` that reports each call's outcome and latency. */
function observedFetch(onCall: NonNullable<UpstreamClientOptions['onCall']>): typeof fetch {
  return async (input, init) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const response = await fetch(input, init);
      onCall(`${Math.floor(response.status / 100)}xx`, seconds());
      return response;
    } catch (error) {
      onCall('network', seconds());
      throw error;
    }
  };
}

/**
 * The only code that talks to a Videos API. One instance per configured upstream, each with its
 * own `openai` SDK client (base URL + key). Everything returned is normalised, so callers never
 * depend on one gateway's quirks.
 */
export class UpstreamClient {
  readonly name: string;
  readonly sdk: OpenAI;

  constructor(options: UpstreamClientOptions) {
    this.name = options.name;
    this.sdk = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.onCall ? { fetch: observedFetch(options.onCall) } : {}),
    });
  }

  /**
   * `POST /videos`. Character references only exist in the JSON form of the contract, so a create
   * with characters is sent as JSON; one with a reference image as multipart (the image is a file).
   * `idempotencyKey` (the job's own id) makes a repeated send return the job the first one
   * created, on gateways that honour `Idempotency-Key`.
   */
  async create(request: CreateVideoRequest, idempotencyKey?: string): Promise<UpstreamVideo> {
    const base = { prompt: request.prompt, model: request.model, size: request.size, seconds: String(request.seconds) };
    if (request.characterIds && request.characterIds.length > 0 && !request.inputReference) {
      const body = { ...base, characters: request.characterIds.map((id) => ({ id })) };
      return normalizeVideo(await this.sdk.post('/videos', { body, ...idempotent(idempotencyKey) }));
    }
    const params = { ...base } as OpenAI.Videos.VideoCreateParams & { characters?: { id: string }[] };
    if (request.inputReference) {
      const ref = request.inputReference;
      params.input_reference = await toFile(ref.data, ref.filename, { type: ref.contentType });
    }
    if (request.characterIds && request.characterIds.length > 0) params.characters = request.characterIds.map((id) => ({ id }));
    return normalizeVideo(await this.sdk.videos.create(params, idempotent(idempotencyKey)));
  }

  /** `POST /videos/characters` (multipart MP4 + name): registers a reusable character. */
  async createCharacter(name: string, clip: { path: string; filename: string; contentType: string }): Promise<{ id: string; name: string }> {
    const video = await toFile(createReadStream(clip.path), clip.filename, { type: clip.contentType });
    const created = (await this.sdk.videos.createCharacter({ name, video })) as { id?: string | null; name?: string | null };
    if (!created.id) throw new Error('upstream character object has no id');
    return { id: created.id, name: created.name ?? name };
  }

  /** `POST /videos/{id}/remix` (legacy path; edits replace it upstream). */
  async remix(upstreamId: string, prompt: string, idempotencyKey?: string): Promise<UpstreamVideo> {
    return normalizeVideo(await this.sdk.videos.remix(upstreamId, { prompt }, idempotent(idempotencyKey)));
  }

  /** `POST /videos/edits` with the source referenced by id. */
  async edit(upstreamId: string, prompt: string, idempotencyKey?: string): Promise<UpstreamVideo> {
    return normalizeVideo(await this.sdk.videos.edit({ prompt, video: { id: upstreamId } }, idempotent(idempotencyKey)));
  }

  /** `POST /videos/extensions`: `seconds` is the new segment; the result's seconds is the stitched total. */
  async extend(upstreamId: string, prompt: string, seconds: number, idempotencyKey?: string): Promise<UpstreamVideo> {
    const params = { prompt, seconds: String(seconds), video: { id: upstreamId } } as OpenAI.Videos.VideoExtendParams;
    return normalizeVideo(await this.sdk.videos.extend(params, idempotent(idempotencyKey)));
  }

  /**
   * The upstream's most recent jobs, newest first, created at or after `since` (unix seconds):
   * recovery looks here for a job it may have created before a crash. At most `maxJobs` are read.
   */
  async recent(since: number, maxJobs = 500): Promise<{ video: UpstreamVideo; prompt: string | null }[]> {
    const found: { video: UpstreamVideo; prompt: string | null }[] = [];
    for await (const raw of this.sdk.videos.list({ limit: 100, order: 'desc' })) {
      if (raw.created_at < since || found.length >= maxJobs) break;
      found.push({ video: normalizeVideo(raw), prompt: raw.prompt ?? null });
    }
    return found;
  }

  /** `GET /videos/{id}`, with the upstream's `openai-poll-after-ms` hint when it sends one. */
  async retrieve(upstreamId: string): Promise<{ video: UpstreamVideo; pollAfterMs?: number }> {
    const { data, response } = await this.sdk.videos.retrieve(upstreamId).withResponse();
    const hint = Number(response.headers.get('openai-poll-after-ms'));
    return { video: normalizeVideo(data), pollAfterMs: Number.isFinite(hint) && hint > 0 ? hint : undefined };
  }

  /** `GET /videos/{id}/content?variant=…`: the raw response, to be streamed into storage. */
  async download(upstreamId: string, variant: UpstreamVariant): Promise<Response> {
    return this.sdk.videos.downloadContent(upstreamId, { variant });
  }

  /** `DELETE /videos/{id}`. */
  async delete(upstreamId: string): Promise<void> {
    await this.sdk.videos.delete(upstreamId);
  }

  /**
   * Starts an upstream batch over `/v1/videos`: uploads the JSONL input (`POST /files`,
   * purpose `batch`), then `POST /batches` with the 24 h window (the only one the API accepts).
   */
  async createBatch(jsonl: string, metadata: Record<string, string>): Promise<UpstreamBatch> {
    const file = await this.sdk.files.create({ file: await toFile(Buffer.from(jsonl, 'utf8'), 'reelgraph-batch.jsonl', { type: 'application/jsonl' }), purpose: 'batch' });
    const batch = await this.sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/videos', completion_window: '24h', metadata });
    return normalizeBatch(batch);
  }

  /** `GET /batches/{id}`. */
  async retrieveBatch(batchId: string): Promise<UpstreamBatch> {
    return normalizeBatch(await this.sdk.batches.retrieve(batchId));
  }

  /** `POST /batches/{id}/cancel`. */
  async cancelBatch(batchId: string): Promise<UpstreamBatch> {
    return normalizeBatch(await this.sdk.batches.cancel(batchId));
  }

  /** `GET /files/{id}/content` as text (batch output and error files are JSONL). */
  async fileText(fileId: string): Promise<string> {
    return (await this.sdk.files.content(fileId)).text();
  }

  /** A cheap authenticated call for readiness checks; throws when the upstream is unreachable. */
  async ping(timeoutMs = 2000): Promise<void> {
    await this.sdk.videos.list({ limit: 1 }, { timeout: timeoutMs, maxRetries: 0 });
  }
}
