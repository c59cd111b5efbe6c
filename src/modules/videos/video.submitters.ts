import { readFile } from 'node:fs/promises';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { AppError, ErrorCode } from '../../errors';
import type { Submitter } from '../../jobs/dispatcher';
import type { LocalStorage } from '../../storage/local-storage';
import type { ReferenceImage } from '../../upstream/client';
import type { Upstreams } from '../../upstream/upstreams';
import { VideoCharacter } from '../characters/video-character.entity';
import { Upload } from '../uploads/upload.entity';
import { Video } from './video.entity';
import { VideoOperation } from './video.enums';

/** Upstream id of a derived video's source. @throws when the source is gone or was never submitted. */
export async function sourceUpstreamId(em: SqlEntityManager, video: Video): Promise<string> {
  const sourceId = video.source?.id;
  const source = sourceId ? await em.fork({ clear: true }).findOne(Video, { id: sourceId }) : null;
  if (!source?.upstreamId) {
    throw new AppError(ErrorCode.UPSTREAM_ERROR, 'The source video was deleted or never reached the video service, so this job cannot be submitted.');
  }
  return source.upstreamId;
}

/**
 * How CREATE, REMIX and EDIT jobs go upstream. Everything is read back from the job's rows, so a
 * retry after a restart sends exactly what the client asked for, under the same idempotency key
 * (the job's id).
 */
export function videoSubmitters(upstreams: Upstreams, storage: LocalStorage): [VideoOperation, Submitter][] {
  const create: Submitter = async (video, em) => {
    const fork = em.fork({ clear: true });
    const links = await fork.find(VideoCharacter, { video: video.id }, { populate: ['character'], orderBy: { position: 'asc' } });
    let inputReference: ReferenceImage | undefined;
    if (video.inputReference) {
      const upload = await fork.findOneOrFail(Upload, { id: video.inputReference.id });
      inputReference = { data: await readFile(storage.pathOf(upload.storageKey)), filename: upload.filename, contentType: upload.contentType };
    }
    return upstreams.get(video.upstream).create({
      prompt: video.prompt,
      model: video.resolvedModel ?? video.model,
      size: video.size,
      seconds: video.seconds,
      characterIds: links.map((link) => link.character.getEntity().upstreamId),
      inputReference,
    }, video.id);
  };
  return [
    [VideoOperation.CREATE, create],
    [VideoOperation.REMIX, async (video, em) => upstreams.get(video.upstream).remix(await sourceUpstreamId(em, video), video.prompt, video.id)],
    [VideoOperation.EDIT, async (video, em) => upstreams.get(video.upstream).edit(await sourceUpstreamId(em, video), video.prompt, video.id)],
  ];
}
