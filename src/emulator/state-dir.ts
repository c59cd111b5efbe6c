/**
 * The emulator's durable state, so a restart (of `npm start`, or of the standalone emulator)
 * resumes the jobs it had accepted instead of forgetting them. Layout under `dataDir/state`:
 * `videos/<id>.json` (a video and, until it ends, what to render), `characters/<id>.json`,
 * `files/<id>.json`, `batches/<id>.json`, and `record.jsonl` (the request record, one entry per line).
 *
 * Each object file is replaced atomically (write a temp file, then rename), so a crash leaves the
 * old or the new version, never half of one; the record is an append-only journal whose torn last
 * line, if a crash cut one, is skipped on load. Writes are synchronous: they are small, and a job
 * must be on disk before its creation is answered.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StoredBatch } from './batch-lines';
import type { RenderPlan } from './jobs';
import type { CharacterState, FileState, VideoState } from './store';
import type { RecordEntry } from './types';

/** What is stored for a video: its state and, while it is unfinished, its render plan. */
export interface StoredVideo {
  video: VideoState;
  plan?: RenderPlan;
}

/** Everything loaded back at start. */
export interface LoadedState {
  videos: StoredVideo[];
  characters: CharacterState[];
  files: FileState[];
  batches: StoredBatch[];
  record: RecordEntry[];
}

const KINDS = ['videos', 'characters', 'files', 'batches'] as const;
type Kind = (typeof KINDS)[number];

/** Reads and writes the state directory. */
export class StateDir {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'state');
  }

  /** Creates the layout and reads back what an earlier run left. Unreadable object files are skipped. */
  load(): LoadedState {
    for (const kind of KINDS) mkdirSync(path.join(this.root, kind), { recursive: true });
    return {
      videos: this.readAll<StoredVideo>('videos'),
      characters: this.readAll<CharacterState>('characters'),
      files: this.readAll<FileState>('files'),
      batches: this.readAll<StoredBatch>('batches'),
      record: this.readRecord(),
    };
  }

  saveVideo(video: VideoState, plan?: RenderPlan): void {
    this.write('videos', video.id, plan ? { video, plan } : { video });
  }

  removeVideo(id: string): void {
    rmSync(this.file('videos', id), { force: true });
  }

  saveCharacter(character: CharacterState): void {
    this.write('characters', character.id, character);
  }

  saveFile(file: FileState): void {
    this.write('files', file.id, file);
  }

  saveBatch(batch: StoredBatch): void {
    this.write('batches', batch.obj.id, batch);
  }

  appendRecord(entry: RecordEntry): void {
    appendFileSync(path.join(this.root, 'record.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  private file(kind: Kind, id: string): string {
    return path.join(this.root, kind, `${id}.json`);
  }

  private write(kind: Kind, id: string, value: unknown): void {
    const target = this.file(kind, id);
    const temp = `${target}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, target);
  }

  private readAll<T>(kind: Kind): T[] {
    const dir = path.join(this.root, kind);
    const found: T[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) {
        // A temp file of a write that a crash interrupted; the previous version is intact.
        rmSync(path.join(dir, name), { force: true });
        continue;
      }
      try {
        found.push(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T);
      } catch {
        // Not one of ours (renames are atomic); ignore it rather than refuse to start.
      }
    }
    return found;
  }

  private readRecord(): RecordEntry[] {
    let text: string;
    try {
      text = readFileSync(path.join(this.root, 'record.jsonl'), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line) => {
      try {
        return line ? [Object.freeze(JSON.parse(line) as RecordEntry)] : [];
      } catch {
        return [];
      }
    });
  }
}
