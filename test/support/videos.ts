import { GetVideoDocument, type GetVideoQuery } from '../generated/graphql';
import type { GqlClient } from './graphql-client';
import { eventually } from './wait';

type VideoState = NonNullable<GetVideoQuery['video']>;

/** Polls `video(id)` until it reaches `status`; fails early when it ends in another terminal state. */
export async function waitForVideo(gql: GqlClient, id: string, status: 'COMPLETED' | 'FAILED' = 'COMPLETED', timeoutMs?: number): Promise<VideoState> {
  return eventually(
    async () => {
      const { video } = await gql.data(GetVideoDocument, { id });
      if (video && video.status !== status && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(video.status)) {
        throw new Error(`video ${id} ended ${video.status} (wanted ${status}): ${JSON.stringify(video.error)}`);
      }
      return video?.status === status ? video : undefined;
    },
    { what: `video ${id} to be ${status}`, timeoutMs },
  );
}
