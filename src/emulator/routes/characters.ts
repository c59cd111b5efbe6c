/**
 * `/videos/characters` routes: create (multipart MP4 + name) and get.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { probe } from '../../media/ffmpeg';
import type { EmulatorContext } from '../context';
import { ApiError, invalidType, missingParameter, notFound } from '../errors';
import { characterId } from '../ids';
import { UploadedFile } from '../multipart';
import { type CharacterState, nowSeconds } from '../store';
import { checkModeration, parseCharacterName, rejectUnknownKeys } from '../validation';
import { param, withBody } from './util';

function toCharacterObject(c: CharacterState): { id: string; name: string; created_at: number } {
  return { id: c.id, name: c.name, created_at: c.createdAt };
}

function notAVideo(): ApiError {
  return new ApiError(
    400,
    "Invalid file for 'video': expected an MP4 video with a video stream.",
    'invalid_request_error',
    'video',
    'invalid_video_file',
  );
}

/** ffprobe, not the file name or declared type, decides whether the upload is an MP4 video. */
async function assertMp4Video(file: string): Promise<void> {
  let info;
  try {
    info = await probe(file, { timeoutMs: 15_000 });
  } catch {
    throw notAVideo();
  }
  const isMp4Family = info.format.format_name.split(',').some((f) => f === 'mp4' || f === 'mov');
  // Still images (cover art) also show up as "video" streams; a real clip has a duration.
  const hasVideo = info.streams.some((s) => s.codec_type === 'video' && !['png', 'mjpeg', 'bmp', 'webp', 'gif'].includes(s.codec_name));
  if (!isMp4Family || !hasVideo || !(info.format.duration > 0)) throw notAVideo();
}

/** Character routes. Mounted before `/videos/:id` so `characters` is never taken for a video id. */
export function charactersRouter(ctx: EmulatorContext): Router {
  const r = Router();
  const { store, record, opts } = ctx;

  r.post('/videos/characters', async (req, res) => {
    const c = await withBody(ctx, req, ['multipart'], async ({ body }) => {
      rejectUnknownKeys(body, ['video', 'name']);
      const video = body.video;
      if (video === undefined) throw missingParameter('video');
      if (!(video instanceof UploadedFile)) throw invalidType('video', 'a file', video);
      const name = parseCharacterName(body.name);
      await assertMp4Video(video.path);
      checkModeration(opts, name, 'name');
      const state: CharacterState = { id: characterId(), name, createdAt: nowSeconds() };
      const dir = store.characterDir(state.id);
      try {
        mkdirSync(dir, { recursive: true });
        renameSync(video.path, path.join(dir, 'video.mp4'));
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw new ApiError(500, `Could not store the character clip: ${(e as Error).message}`, 'server_error');
      }
      store.addCharacter(state);
      record.add('character', state.id);
      return state;
    });
    res.json(toCharacterObject(c));
  });

  r.get('/videos/characters/:id', (req, res) => {
    const id = param(req, 'id');
    const c = store.characters.get(id);
    if (!c) throw notFound('Character', id);
    res.json(toCharacterObject(c));
  });

  return r;
}
