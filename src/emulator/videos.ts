/**
 * Video use cases: create, remix, edit, extend, retrieve, list, delete and content lookup.
 * Each job-creating call validates everything first and only then writes state, so a rejected
 * request leaves no record entry and no files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedOptions } from './config';
import { ApiError, integerRange, invalidType, invalidValue, notFound } from './errors';
import type { IdempotencyClaim } from './idempotency';
import { videoId } from './ids';
import { type JobRunner, type RenderPlan, refreshProgress } from './jobs';
import { checkReferenceSize, loadReferenceImage, resolveCharacters, type ReferenceImage } from './references';
import {
  EXTENSION_SOURCE_FILE,
  SPRITESHEET_FILE,
  THUMBNAIL_FILE,
  VIDEO_FILE,
  type ClipSpec,
  linkOrCopy,
} from './render';
import { type RecordLog, type Store, type VideoState, isExpired } from './store';
import type { RecordKind } from './types';
import {
  checkModeration,
  parseCharacterRefs,
  parseModel,
  parsePrompt,
  parseReferenceInput,
  parseSeconds,
  parseSize,
  parseSizeParam,
  parseVideoRef,
  rejectUnknownKeys,
} from './validation';

/** Most extensions in one lineage (contract §2.9). */
export const MAX_EXTENSIONS = 6;
/** Longest stitched result in seconds (contract §2.9). */
export const MAX_TOTAL_SECONDS = 120;

/** Content variants and the file serving each. */
export const VARIANTS = { video: VIDEO_FILE, thumbnail: THUMBNAIL_FILE, spritesheet: SPRITESHEET_FILE } as const;
/** `variant` query values of the content route. */
export type Variant = keyof typeof VARIANTS;

/** Who asked for a create (plain request or a batch line). */
export interface CreateMeta {
  kind: 'create' | 'batch_item';
  batchId?: string;
  idempotency?: IdempotencyClaim;
}

interface Admission {
  kind: RecordKind;
  prompt: string;
  model: string;
  size: string;
  seconds: string;
  header: string[];
  sourceId?: string;
  batchId?: string;
  remixedFrom?: string | null;
  extensionCount?: number;
  reference?: ReferenceImage;
  /** Extensions: the source whose clip is staged into the new job directory. */
  extendFrom?: { source: VideoState; segmentSeconds: number };
  idempotency?: IdempotencyClaim;
}

/** The video use cases. */
export class VideoService {
  constructor(private readonly deps: { opts: ResolvedOptions; store: Store; record: RecordLog; jobs: JobRunner }) {}

  /** `POST /videos` (JSON or multipart) and batch lines (JSON bodies). */
  async create(body: Record<string, unknown>, multipart: boolean, meta: CreateMeta): Promise<VideoState> {
    const { opts, store } = this.deps;
    rejectUnknownKeys(body, ['prompt', 'model', 'seconds', 'size', 'input_reference', 'characters']);
    const prompt = parsePrompt(body);
    const model = parseModel(body.model);
    const seconds = parseSeconds(body.seconds, opts.strictContract);
    const size = parseSizeParam(body.size, model, opts.strictContract);
    const characters = resolveCharacters(store, parseCharacterRefs(body.characters));
    const refInput = parseReferenceInput(body.input_reference, multipart);
    let reference: ReferenceImage | undefined;
    if (refInput) {
      reference = await loadReferenceImage(refInput, store);
      const { width, height } = parseSize(size);
      checkReferenceSize(reference, width, height);
    }
    checkModeration(opts, prompt);
    const header = [`${model} · ${size} · ${seconds} s`];
    if (characters.length) header.push(`Characters: ${characters.map((c) => c.name).join(', ')}`);
    if (reference) header.push(`input_reference: ${reference.type} ${reference.width}x${reference.height}`);
    return this.admit({ kind: meta.kind, batchId: meta.batchId, prompt, model, size, seconds, header, reference, idempotency: meta.idempotency });
  }

  /** `POST /videos/{id}/remix`: a new clip of the source's model, size and length. */
  async remix(sourceId: string, body: Record<string, unknown>, idempotency?: IdempotencyClaim): Promise<VideoState> {
    rejectUnknownKeys(body, ['prompt']);
    const source = this.get(sourceId);
    const prompt = parsePrompt(body);
    this.requireCompleted(source, 'remixed');
    checkModeration(this.deps.opts, prompt);
    return this.admit({
      kind: 'remix',
      sourceId,
      remixedFrom: sourceId,
      prompt,
      model: source.model,
      size: source.size,
      seconds: source.seconds,
      header: [`${source.model} · ${source.size} · ${source.seconds} s`, `remix of ${sourceId}`],
      idempotency,
    });
  }

  /** `POST /videos/edits`: like a remix, but the contract has no lineage field for it. */
  async edit(body: Record<string, unknown>, idempotency?: IdempotencyClaim): Promise<VideoState> {
    rejectUnknownKeys(body, ['prompt', 'video', 'model']);
    const sourceId = parseVideoRef(body.video);
    const prompt = parsePrompt(body);
    // With a video id the model is inferred from the source; an explicit one must still be valid.
    parseModel(body.model);
    const source = this.get(sourceId, 'video.id');
    this.requireCompleted(source, 'edited');
    checkModeration(this.deps.opts, prompt);
    return this.admit({
      kind: 'edit',
      sourceId,
      prompt,
      model: source.model,
      size: source.size,
      seconds: source.seconds,
      header: [`${source.model} · ${source.size} · ${source.seconds} s`, `edit of ${sourceId}`],
      idempotency,
    });
  }

  /** `POST /videos/extensions`: renders a new segment and stitches it onto the source. */
  async extend(body: Record<string, unknown>, idempotency?: IdempotencyClaim): Promise<VideoState> {
    const { opts } = this.deps;
    rejectUnknownKeys(body, ['prompt', 'video', 'seconds']);
    const sourceId = parseVideoRef(body.video);
    const prompt = parsePrompt(body);
    const segment = parseSeconds(body.seconds, opts.strictContract, true);
    const source = this.get(sourceId, 'video.id');
    this.requireCompleted(source, 'extended');
    if (isExpired(source)) {
      throw new ApiError(400, `Video '${sourceId}' has expired and can no longer be extended.`, 'invalid_request_error', 'video.id', 'video_expired');
    }
    if (source.extensionCount >= MAX_EXTENSIONS) {
      throw new ApiError(
        400,
        `Video '${sourceId}' has already been extended ${source.extensionCount} times; a video can be extended at most ${MAX_EXTENSIONS} times.`,
        'invalid_request_error',
        'video.id',
        'extension_limit_exceeded',
      );
    }
    const total = Number(source.seconds) + Number(segment);
    if (total > MAX_TOTAL_SECONDS) {
      throw new ApiError(
        400,
        `Extending video '${sourceId}' (${source.seconds} s) by ${segment} s would make it ${total} s long; the maximum total duration is ${MAX_TOTAL_SECONDS} seconds.`,
        'invalid_request_error',
        'seconds',
        'duration_limit_exceeded',
      );
    }
    checkModeration(opts, prompt);
    const n = source.extensionCount + 1;
    return this.admit({
      kind: 'extend',
      sourceId,
      prompt,
      model: source.model,
      size: source.size,
      seconds: String(total),
      extensionCount: n,
      header: [`${source.model} · ${source.size} · +${segment} s (total ${total} s)`, `extension ${n} of ${sourceId}`],
      extendFrom: { source, segmentSeconds: Number(segment) },
      idempotency,
    });
  }

  /** Video by id (404 otherwise), with progress brought up to date. */
  get(id: string, param: string | null = null): VideoState {
    const v = this.deps.store.videos.get(id);
    if (!v) throw notFound('Video', id, param);
    return refreshProgress(v);
  }

  /** `GET /videos`: cursor page by `after`, `limit` (default 20, max 100), `order` (default desc). */
  list(query: Record<string, unknown>): { data: VideoState[]; has_more: boolean } {
    const { store } = this.deps;
    const limit = parseLimit(query.limit);
    const order = query.order === undefined ? 'desc' : query.order;
    if (order !== 'asc' && order !== 'desc') throw invalidValue('order', String(order), ['asc', 'desc']);
    let all = [...store.videos.values()].sort((a, b) => a.seq - b.seq);
    if (order === 'desc') all.reverse();
    if (query.after !== undefined) {
      if (typeof query.after !== 'string') throw invalidType('after', 'a string', query.after);
      const seq = store.seqOf(query.after);
      if (seq === undefined) throw notFound('Video', query.after, 'after');
      all = all.filter((v) => (order === 'desc' ? v.seq < seq : v.seq > seq));
    }
    return { data: all.slice(0, limit).map(refreshProgress), has_more: all.length > limit };
  }

  /** `DELETE /videos/{id}`: only completed or failed videos; files are removed. */
  async delete(id: string): Promise<void> {
    const v = this.get(id);
    if (v.status !== 'completed' && v.status !== 'failed') {
      throw new ApiError(
        400,
        `Video '${id}' is ${v.status}; only completed or failed videos can be deleted.`,
        'invalid_request_error',
        null,
        'video_not_ready',
      );
    }
    await this.deps.store.deleteVideo(id);
  }

  /** File serving one content variant, or the contract-style error why there is none. */
  async contentPath(id: string, variant: unknown): Promise<{ file: string; variant: Variant }> {
    const v = this.get(id);
    const name = variant === undefined ? 'video' : variant;
    if (typeof name !== 'string' || !(name in VARIANTS)) throw invalidValue('variant', String(name), Object.keys(VARIANTS));
    if (v.status === 'failed') {
      throw new ApiError(400, `Video '${id}' failed and has no content.`, 'invalid_request_error', null, 'video_failed');
    }
    if (v.status !== 'completed') {
      throw new ApiError(
        400,
        `Video '${id}' is not ready yet (status '${v.status}'). Content is available once the status is 'completed'.`,
        'invalid_request_error',
        null,
        'video_not_ready',
      );
    }
    if (isExpired(v)) {
      await this.deps.jobs.expireAssets(v);
      throw new ApiError(
        404,
        `The content of video '${id}' expired at ${new Date(v.expiresAt! * 1000).toISOString()} and is no longer available.`,
        'invalid_request_error',
        null,
        'video_expired',
      );
    }
    return { file: path.join(this.deps.store.videoDir(id), VARIANTS[name as Variant]), variant: name as Variant };
  }

  private requireCompleted(source: VideoState, verb: string): void {
    if (source.status !== 'completed') {
      throw new ApiError(
        400,
        `Video '${source.id}' is ${source.status}; only completed videos can be ${verb}.`,
        'invalid_request_error',
        'video',
        'video_not_ready',
      );
    }
  }

  /** Writes the accepted job: directory, staged inputs, state, record entry, then starts it. */
  private async admit(a: Admission): Promise<VideoState> {
    const { store, record, jobs } = this.deps;
    const id = videoId();
    const dir = store.videoDir(id);
    const { width, height } = parseSize(a.size);
    const spec: ClipSpec = { width, height, seconds: Number(a.seconds), text: a.prompt, header: [...a.header, id], seed: `${a.prompt}|${id}` };
    let plan: RenderPlan = { kind: 'clip', spec };
    try {
      mkdirSync(dir, { recursive: true });
      if (a.reference) {
        spec.backgroundImage = path.join(dir, `reference.${a.reference.ext}`);
        writeFileSync(spec.backgroundImage, a.reference.buffer);
      }
      if (a.extendFrom) {
        // Stage the source now, so deleting or expiring it mid-render cannot break this job.
        const srcDir = store.videoDir(a.extendFrom.source.id);
        await linkOrCopy(path.join(srcDir, VIDEO_FILE), path.join(dir, EXTENSION_SOURCE_FILE));
        await linkOrCopy(path.join(srcDir, THUMBNAIL_FILE), path.join(dir, THUMBNAIL_FILE));
        plan = { kind: 'extension', segment: { ...spec, seconds: a.extendFrom.segmentSeconds }, totalSeconds: Number(a.seconds) };
      }
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw new ApiError(500, `Could not prepare the job: ${(e as Error).message}`, 'server_error');
    }
    const now = Date.now();
    const v: VideoState = {
      id,
      seq: store.nextSeq(),
      model: a.model,
      status: 'queued',
      progress: 0,
      createdAt: Math.floor(now / 1000),
      completedAt: null,
      expiresAt: null,
      prompt: a.prompt,
      size: a.size,
      seconds: a.seconds,
      remixedFromVideoId: a.remixedFrom ?? null,
      error: null,
      createdMs: now,
      startedMs: null,
      expectedMs: 0,
      extensionCount: a.extensionCount ?? 0,
      assetsRemoved: false,
      idempotencyKey: a.idempotency?.key ?? null,
      requestFingerprint: a.idempotency?.fingerprint ?? null,
    };
    store.addVideo(v, plan);
    record.add(a.kind, id, {
      prompt: a.prompt,
      model: a.model,
      sourceId: a.sourceId,
      batchId: a.batchId,
      idempotencyKey: a.idempotency?.key,
      reference: a.reference ? { type: a.reference.type, width: a.reference.width, height: a.reference.height, sha256: createHash('sha256').update(a.reference.buffer).digest('hex') } : undefined,
    });
    jobs.start(v, plan);
    return v;
  }
}

/** `limit` query value: integer 0..100, default 20. */
export function parseLimit(v: unknown): number {
  if (v === undefined || v === '') return 20;
  const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw invalidType('limit', 'an integer', v);
  if (n < 0 || n > 100) throw integerRange('limit', n, 0, 100);
  return n;
}
