/**
 * State of the emulator, in memory and persisted (see ./state-dir), plus the layout of its files.
 *
 * Layout under `dataDir`: `videos/<id>/{video.mp4,thumbnail.webp,spritesheet.jpg}`,
 * `characters/<id>/video.mp4`, `files/<id>`, `state/…` (the persisted objects and record),
 * `cache/<WxH>-<s>s/…` (cachedRender) and `tmp/` (uploads in flight). Directory names are always
 * ids the emulator generated itself, never client input.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { RenderPlan } from './jobs';
import type { StoredBatch } from './batch-lines';
import { StateDir, type StoredVideo } from './state-dir';
import type { EmulatorRecord, RecordEntry, RecordKind } from './types';

/** Terminal and non-terminal video statuses (contract §1). */
export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

/** Internal state of one video job. */
export interface VideoState {
  id: string;
  /** Creation order, for cursor pagination (created_at has only second resolution). */
  seq: number;
  model: string;
  status: VideoStatus;
  progress: number;
  createdAt: number;
  completedAt: number | null;
  expiresAt: number | null;
  prompt: string;
  size: string;
  seconds: string;
  remixedFromVideoId: string | null;
  error: { code: string; message: string } | null;
  /** ms timestamps driving the simulated progress. */
  createdMs: number;
  startedMs: number | null;
  expectedMs: number;
  /** Number of extensions in this video's lineage (0 for a fresh clip). */
  extensionCount: number;
  /** True once expired assets were removed from disk. */
  assetsRemoved: boolean;
  /** `Idempotency-Key` the job was created under, and the fingerprint of that request. */
  idempotencyKey: string | null;
  requestFingerprint: string | null;
}

/** A created character. */
export interface CharacterState {
  id: string;
  name: string;
  createdAt: number;
}

/** An uploaded (or emulator-written) file. */
export interface FileState {
  id: string;
  bytes: number;
  createdAt: number;
  filename: string;
  purpose: string;
  expiresAt: number | null;
  /** Declared or derived content type, used when serving the content. */
  contentType: string;
}

/** Video object (contract §1), all 13 keys. */
export interface VideoObject {
  id: string;
  object: 'video';
  model: string;
  status: VideoStatus;
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string | null;
  size: string;
  seconds: string;
  remixed_from_video_id: string | null;
  error: { code: string; message: string } | null;
}

/** Unix seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The emulator's record of accepted job-creating requests, journaled so it survives restarts. */
export class RecordLog implements EmulatorRecord {
  private readonly list: RecordEntry[];

  constructor(
    private readonly state?: StateDir,
    earlier: readonly RecordEntry[] = [],
  ) {
    this.list = [...earlier];
  }

  /** Appends one entry (called only after a request was fully accepted). */
  add(kind: RecordKind, id: string, extra: Omit<RecordEntry, 'kind' | 'id' | 'at'> = {}): void {
    const entry: RecordEntry = { kind, id, at: Date.now() };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (entry as unknown as Record<string, unknown>)[k] = v;
    this.state?.appendRecord(entry);
    this.list.push(Object.freeze(entry));
  }

  entries(): ReadonlyArray<RecordEntry> {
    return this.list.slice();
  }

  count(kind?: RecordKind): number {
    return kind ? this.list.filter((e) => e.kind === kind).length : this.list.length;
  }
}

/** What {@link Store.init} found from an earlier run. */
export interface Restored {
  record: RecordEntry[];
  batches: StoredBatch[];
  /** Videos that were queued or rendering, with what to render: the job runner resumes them. */
  unfinished: Required<StoredVideo>[];
}

/** All in-memory maps, their persisted copies, and the on-disk paths. */
export class Store {
  readonly videos = new Map<string, VideoState>();
  readonly characters = new Map<string, CharacterState>();
  readonly files = new Map<string, FileState>();
  readonly state: StateDir;
  /** Render plans of unfinished videos, persisted with them so a restart can resume the render. */
  private readonly plans = new Map<string, RenderPlan>();
  /** Sequence numbers survive deletion so a cursor pointing at a deleted video keeps working. */
  private readonly seqById = new Map<string, number>();
  private readonly idByIdempotencyKey = new Map<string, string>();
  private seq = 0;

  constructor(readonly dataDir: string) {
    this.state = new StateDir(dataDir);
  }

  /**
   * Creates the directory layout and restores what an earlier run persisted. Media without a
   * persisted owner (a job whose creation never completed) and `tmp/`/`cache/` are removed; only
   * the emulator's own subdirectories are touched.
   */
  init(): Restored {
    for (const sub of ['tmp', 'cache']) rmSync(path.join(this.dataDir, sub), { recursive: true, force: true });
    for (const sub of ['videos', 'characters', 'files', 'tmp', 'cache']) mkdirSync(path.join(this.dataDir, sub), { recursive: true });
    const loaded = this.state.load();
    const unfinished: Required<StoredVideo>[] = [];
    for (const { video, plan } of loaded.videos.sort((a, b) => a.video.seq - b.video.seq)) {
      this.videos.set(video.id, video);
      this.index(video);
      this.seq = Math.max(this.seq, video.seq);
      if (plan && (video.status === 'queued' || video.status === 'in_progress')) {
        this.plans.set(video.id, plan);
        unfinished.push({ video, plan });
      }
    }
    for (const c of loaded.characters) this.characters.set(c.id, c);
    for (const f of loaded.files) this.files.set(f.id, f);
    this.removeOrphans('videos', this.videos);
    this.removeOrphans('characters', this.characters);
    this.removeOrphans('files', this.files);
    return { record: loaded.record, batches: loaded.batches, unfinished };
  }

  private removeOrphans(sub: string, owners: ReadonlyMap<string, unknown>): void {
    for (const name of readdirSync(path.join(this.dataDir, sub))) {
      if (!owners.has(name)) rmSync(path.join(this.dataDir, sub, name), { recursive: true, force: true });
    }
  }

  /** Next creation sequence number. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  videoDir(id: string): string {
    return path.join(this.dataDir, 'videos', id);
  }

  characterDir(id: string): string {
    return path.join(this.dataDir, 'characters', id);
  }

  filePath(id: string): string {
    return path.join(this.dataDir, 'files', id);
  }

  get tmpDir(): string {
    return path.join(this.dataDir, 'tmp');
  }

  get cacheDir(): string {
    return path.join(this.dataDir, 'cache');
  }

  /** Stores (and persists) a new video with what it will render. */
  addVideo(v: VideoState, plan: RenderPlan): void {
    this.videos.set(v.id, v);
    this.index(v);
    this.plans.set(v.id, plan);
    this.saveVideo(v);
  }

  /** Persists a video after a change; a finished one no longer needs its render plan. */
  saveVideo(v: VideoState): void {
    if (v.status === 'completed' || v.status === 'failed') this.plans.delete(v.id);
    this.state.saveVideo(v, this.plans.get(v.id));
  }

  addCharacter(c: CharacterState): void {
    this.characters.set(c.id, c);
    this.state.saveCharacter(c);
  }

  addFile(f: FileState): void {
    this.files.set(f.id, f);
    this.state.saveFile(f);
  }

  private index(v: VideoState): void {
    this.seqById.set(v.id, v.seq);
    if (v.idempotencyKey) this.idByIdempotencyKey.set(v.idempotencyKey, v.id);
  }

  /** The live video created under `key`, if any (a deleted one frees its key). */
  videoByIdempotencyKey(key: string): VideoState | undefined {
    const id = this.idByIdempotencyKey.get(key);
    return id === undefined ? undefined : this.videos.get(id);
  }

  /** Sequence number of a video id, also for deleted ones; undefined if never seen. */
  seqOf(id: string): number | undefined {
    return this.seqById.get(id);
  }

  /** Removes a video and its files. */
  async deleteVideo(id: string): Promise<void> {
    const key = this.videos.get(id)?.idempotencyKey;
    if (key) this.idByIdempotencyKey.delete(key);
    this.videos.delete(id);
    this.plans.delete(id);
    this.state.removeVideo(id);
    await rm(this.videoDir(id), { recursive: true, force: true });
  }
}

/** True when the video's assets have passed `expires_at`. */
export function isExpired(v: VideoState, nowMs = Date.now()): boolean {
  return v.expiresAt !== null && nowMs >= v.expiresAt * 1000;
}

/** Serializes a video with exactly the contract's keys. */
export function toVideoObject(v: VideoState): VideoObject {
  return {
    id: v.id,
    object: 'video',
    model: v.model,
    status: v.status,
    progress: v.progress,
    created_at: v.createdAt,
    completed_at: v.completedAt,
    expires_at: v.expiresAt,
    prompt: v.prompt,
    size: v.size,
    seconds: v.seconds,
    remixed_from_video_id: v.remixedFromVideoId,
    error: v.error ? { ...v.error } : null,
  };
}
