import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import busboy from 'busboy';
import type { UploadsConfig } from '../../config';
import { forkForTenant } from '../../db/tenant-scoped';
import { AppError, badInput, ErrorCode, notFound } from '../../errors';
import type { Viewer } from '../../graphql/context';
import { expectGlobalId, toGlobalId } from '../../graphql/relay';
import type { Task } from '../../jobs/task.entity';
import type { TaskOutcome, TaskQueue } from '../../jobs/task-queue';
import type { LocalStorage } from '../../storage/local-storage';
import { type DetectedContent, detectContent } from './content-type';
import { Upload, UploadKind } from './upload.entity';

/** GraphQL/global type name of uploads. */
export const UPLOAD_TYPE_NAME = 'Upload';
/** Task that deletes an upload nobody used. */
export const UPLOAD_EXPIRE_TASK = 'upload.expire';

/** An upload refused at the HTTP edge: status and a JSON error. */
export class UploadRejected extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** File extension per detected type: the media route derives the served content type from it. */
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'video/mp4': 'mp4', 'application/jsonl': 'jsonl' };

/** The JSON answer to a successful upload. */
export interface UploadView {
  id: string;
  kind: UploadKind;
  contentType: string;
  filename: string;
  bytes: number;
  width: number;
  height: number;
  durationSeconds: number | null;
  expiresAt: string;
}

/**
 * Uploads: files clients send once and reference by id in mutations. Bytes are streamed to a
 * temporary file with a hard size cap (an oversized upload stops being written at the cap and is
 * deleted), their type is decided from the content, and the row belongs to the viewer's tenant.
 */
export class UploadService {
  constructor(
    private readonly orm: MikroORM,
    private readonly storage: LocalStorage,
    private readonly queue: TaskQueue,
    private readonly config: UploadsConfig,
  ) {}

  /** Reads one multipart `file` part from `req`, checks it and stores it. @throws UploadRejected */
  async receive(viewer: Viewer, req: IncomingMessage): Promise<UploadView> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.config.maxBytes + 64 * 1024) throw this.tooLarge();
    if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      throw new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'Send the file as multipart/form-data in a part named "file".');
    }
    const temp = await this.storage.tempFile();
    try {
      const received = await this.readFilePart(req, temp);
      const content = await detectContent(temp);
      if (!content) {
        throw new UploadRejected(415, 'UNSUPPORTED_MEDIA_TYPE', 'The file is not a PNG, JPEG or WebP image, an MP4 video or a JSON Lines batch file (checked by its content, not its name).');
      }
      const upload = await this.store(viewer.tenantId, temp, content, received.filename, received.bytes);
      return view(upload);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /**
   * Keeps a checked temporary file as an upload of the tenant (moved into storage; expires unless
   * a mutation uses it). Shared by `POST /uploads` and reference images fetched by URL.
   */
  async store(tenantId: string, temp: string, content: DetectedContent, filename: string, bytes: number): Promise<Upload> {
    const em = forkForTenant(this.orm, tenantId);
    const upload = em.create(Upload, {
      tenantId,
      kind: content.kind,
      contentType: content.contentType,
      filename: filename.slice(0, 255),
      bytes,
      width: content.width,
      height: content.height,
      durationSeconds: content.durationSeconds,
      storageKey: '',
      expiresAt: new Date(Date.now() + this.config.ttlSeconds * 1000),
    });
    upload.storageKey = `${tenantId}/uploads/${upload.id}.${EXTENSIONS[content.contentType] ?? 'bin'}`;
    await this.storage.adopt(temp, upload.storageKey);
    await em.transactional(async (tx) => {
      tx.persist(upload);
      await this.queue.schedule(tx, { kind: UPLOAD_EXPIRE_TASK, subjectId: upload.id, tenantId, runAt: upload.expiresAt.getTime() });
    });
    return upload;
  }

  /** Largest file accepted (`UPLOAD_MAX_BYTES`). */
  get maxBytes(): number {
    return this.config.maxBytes;
  }

  /** A temporary file path in storage (removed by the caller). */
  tempFile(): Promise<string> {
    return this.storage.tempFile();
  }

  /**
   * The viewer's upload behind a global id, for a mutation input. Another tenant's or an expired
   * upload is NOT_FOUND; the wrong kind of file is BAD_USER_INPUT.
   */
  async require(em: SqlEntityManager, globalId: string, kind: UploadKind, field: string): Promise<Upload> {
    const id = expectGlobalId(globalId, UPLOAD_TYPE_NAME, field);
    const upload = await em.findOne(Upload, { id });
    if (!upload || (!upload.usedAt && upload.expiresAt.getTime() < Date.now())) throw notFound(UPLOAD_TYPE_NAME, globalId, field);
    if (upload.kind !== kind) {
      const wanted = { [UploadKind.VIDEO]: 'an MP4 video', [UploadKind.IMAGE]: 'an image', [UploadKind.JSONL]: 'a JSON Lines' }[kind];
      throw badInput(field, `${field} must be ${wanted} upload; this one is ${upload.contentType}.`);
    }
    return upload;
  }

  /** Marks uploads as used by a mutation (they no longer expire), in the caller's unit of work. */
  markUsed(uploads: Upload[]): void {
    const now = new Date();
    for (const upload of uploads) upload.usedAt ??= now;
  }

  /** `upload.expire` task: deletes the upload unless a mutation used it. */
  readonly expire = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const upload = await em.findOne(Upload, { id: task.subjectId });
    if (!upload || upload.usedAt) return { done: true };
    await this.storage.remove(upload.storageKey);
    await em.nativeDelete(Upload, { id: upload.id, usedAt: null });
    return { done: true };
  };

  private tooLarge(): UploadRejected {
    return new UploadRejected(413, 'PAYLOAD_TOO_LARGE', `The file is larger than the ${Math.floor(this.config.maxBytes / (1024 * 1024))} MiB upload limit.`);
  }

  /**
   * Streams the `file` part into `temp`; stops writing at the size cap. Every way out (done,
   * too large, malformed, client gone) unhooks the request and settles only once the part file is
   * closed, so the caller's delete is final: an aborted upload leaves no bytes on disk and no open
   * descriptor (a client resetting the connection used to leave both behind for good).
   */
  private readFilePart(req: IncomingMessage, temp: string): Promise<{ filename: string; bytes: number }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers, limits: { fileSize: this.config.maxBytes, files: 1, fields: 20 } });
      } catch {
        reject(new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'Malformed multipart/form-data request.'));
        return;
      }
      let out: WriteStream | undefined;
      const received = { filename: 'upload', bytes: 0, truncated: false };
      let settled = false;
      let writeError: Error | undefined;
      const settle = (outcome: () => void, discard: boolean) => {
        if (settled) return;
        settled = true;
        req.off('close', onRequestGone).off('error', onRequestGone);
        req.socket.off('close', onRequestGone);
        req.unpipe(parser);
        if (discard) parser.destroy();
        if (!out || out.closed) return outcome();
        out.once('close', outcome);
        // A kept file finishes flushing before it closes; a discarded one is closed now.
        if (discard) out.destroy();
      };
      const fail = (error: Error) => settle(() => reject(error), true);
      const malformed = () => fail(new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'Malformed multipart/form-data request.'));
      const onRequestGone = () => {
        if (!req.complete) fail(new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'The upload was interrupted before the whole file arrived; send it again.'));
      };

      parser.on('file', (name, stream, info) => {
        // Destroying the parser destroys its current file stream with an error, which is expected then.
        stream.on('error', malformed);
        if (name !== 'file' || out) {
          stream.resume();
          return;
        }
        received.filename = info.filename ?? 'upload';
        const file = createWriteStream(temp);
        out = file;
        file.on('error', (error) => {
          // Writes still queued when the size cap closed the file fail; that is the point.
          if (received.truncated) return;
          writeError = error;
          fail(error);
        });
        stream.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
        stream.once('limit', () => {
          // Nothing more is written: close the file now. The parser skips the rest of the part, but
          // the stream must still end for the parser to finish, so it keeps flowing.
          received.truncated = true;
          stream.unpipe(file);
          file.destroy();
          stream.resume();
        });
        stream.pipe(file);
      });
      parser.on('error', malformed);
      parser.on('close', () => {
        if (!out) fail(new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'No file part named "file" in the request.'));
        else if (received.truncated) fail(this.tooLarge());
        else if (received.bytes === 0) fail(new UploadRejected(400, ErrorCode.BAD_USER_INPUT, 'The file is empty.'));
        else settle(() => (writeError ? reject(writeError) : resolve(received)), false);
      });
      req.on('close', onRequestGone).on('error', onRequestGone);
      // Once a response has gone out (a body timeout's 408), Node no longer tells the request that
      // its connection closed; the socket still does.
      req.socket.on('close', onRequestGone);
      req.pipe(parser);
    });
  }
}

/** The public view of an upload. */
export function view(upload: Upload): UploadView {
  return {
    id: toGlobalId(UPLOAD_TYPE_NAME, upload.id),
    kind: upload.kind,
    contentType: upload.contentType,
    filename: upload.filename,
    bytes: upload.bytes,
    width: upload.width,
    height: upload.height,
    durationSeconds: upload.durationSeconds ?? null,
    expiresAt: upload.expiresAt.toISOString(),
  };
}

/** Wraps unexpected upload failures so the route answers with JSON, not a stack trace. */
export function asRejection(error: unknown): UploadRejected | undefined {
  if (error instanceof UploadRejected) return error;
  if (error instanceof AppError) return new UploadRejected(400, error.code, error.message);
  return undefined;
}
