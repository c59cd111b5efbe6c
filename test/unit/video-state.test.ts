import { Video } from '../../src/modules/videos/video.entity';
import { VideoStatus } from '../../src/modules/videos/video.enums';
import { CUSTODY_PROGRESS, planCancelRequest, planCompleted, planFailed, planSubmitted, planUpstreamState, VideoTask } from '../../src/modules/videos/video.state';
import type { UpstreamVideo } from '../../src/upstream/upstream-video';

function video(patch: Partial<Video> = {}): Video {
  return Object.assign(new Video(), { tenantId: 'T', prompt: 'p', model: 'sora-2', upstream: 'u', size: '1280x720', seconds: 4 }, patch);
}
function up(status: UpstreamVideo['status'], progress = 0, extra: Partial<UpstreamVideo> = {}): UpstreamVideo {
  return { id: 'video_1', status, progress, ...extra };
}

describe('video state machine', () => {
  it('submission moves PENDING to QUEUED, records the upstream id and schedules a poll', () => {
    const plan = planSubmitted(video(), up('queued'));
    expect(plan?.patch).toMatchObject({ status: VideoStatus.QUEUED, upstreamId: 'video_1', upstreamStatus: 'queued' });
    expect(plan?.schedule?.map((t) => t.kind)).toEqual([VideoTask.POLL]);
    expect(planSubmitted(video({ status: VideoStatus.QUEUED }), up('queued'))).toBeNull();
  });

  it('progress rises but never falls, and is held below 100 until custody', () => {
    const v = video({ status: VideoStatus.IN_PROGRESS, upstreamStatus: 'in_progress', progress: 40, upstreamId: 'video_1' });
    expect(planUpstreamState(v, up('in_progress', 30))).toBeNull();
    expect(planUpstreamState(v, up('in_progress', 60))?.patch).toEqual({ progress: 60 });
    expect(planUpstreamState(v, up('in_progress', 100))?.patch).toEqual({ progress: CUSTODY_PROGRESS });
  });

  it('the first report of rendering records startedAt once', () => {
    const now = new Date(5000);
    const queued = video({ status: VideoStatus.QUEUED, upstreamStatus: 'queued', upstreamId: 'video_1' });
    const plan = planUpstreamState(queued, up('in_progress', 10), now);
    expect(plan?.patch).toMatchObject({ status: VideoStatus.IN_PROGRESS, startedAt: now });
    const rendering = Object.assign(video(), queued, plan?.patch);
    expect(planUpstreamState(rendering, up('in_progress', 20), new Date(9000))?.patch).toEqual({ progress: 20 });
    // Seen only once finished: no render time was observed.
    expect(planUpstreamState(queued, up('completed', 100), now)?.patch.startedAt).toBeUndefined();
  });

  it('a cancel ends the job at once; only one that reached the upstream stays charged and has its upstream copy deleted', () => {
    const now = new Date(7000);
    expect(planCancelRequest(video(), { sentWithBatch: false }, now)).toEqual({ patch: { status: VideoStatus.CANCELLED, completedAt: now, cancelledAfterSubmit: false } });
    expect(planCancelRequest(video(), { sentWithBatch: true }, now)?.patch.cancelledAfterSubmit).toBe(true);
    for (const status of [VideoStatus.QUEUED, VideoStatus.IN_PROGRESS]) {
      const plan = planCancelRequest(video({ status, upstreamId: 'video_1' }), { sentWithBatch: false }, now);
      expect(plan?.patch).toEqual({ status: VideoStatus.CANCELLED, completedAt: now, cancelledAfterSubmit: true });
      expect(plan?.schedule?.map((t) => t.kind)).toEqual([VideoTask.POLL]);
    }
    for (const status of [VideoStatus.COMPLETED, VideoStatus.FAILED, VideoStatus.CANCELLED]) expect(planCancelRequest(video({ status }), { sentWithBatch: false })).toBeNull();
  });

  it('a submission accepted after the cancel is recorded on the cancelled job as charged, and never un-cancels it', () => {
    const now = new Date(8000);
    const cancelled = video({ status: VideoStatus.CANCELLED });
    const plan = planSubmitted(cancelled, up('queued'), now);
    expect(plan?.patch).toEqual({ upstreamId: 'video_1', upstreamStatus: 'queued', submittedAt: now, cancelledAfterSubmit: true });
    expect(plan?.schedule?.map((t) => t.kind)).toEqual([VideoTask.POLL]);
    expect(planSubmitted(Object.assign(video(), cancelled, plan?.patch), up('queued'), now)).toBeNull();
  });

  it('a duplicate report changes nothing', () => {
    const v = video({ status: VideoStatus.QUEUED, upstreamStatus: 'queued', upstreamId: 'video_1' });
    expect(planUpstreamState(v, up('queued'))).toBeNull();
  });

  it('upstream completion schedules custody once and does not complete the job', () => {
    const v = video({ status: VideoStatus.IN_PROGRESS, upstreamStatus: 'in_progress', progress: 50, upstreamId: 'video_1' });
    const plan = planUpstreamState(v, up('completed', 100, { expiresAt: new Date(1_000_000) }));
    expect(plan?.patch).toEqual({ upstreamStatus: 'completed', progress: CUSTODY_PROGRESS, upstreamExpiresAt: new Date(1_000_000) });
    expect(plan?.schedule?.map((t) => t.kind)).toEqual([VideoTask.CUSTODY]);
    const afterwards = Object.assign(video(), v, plan?.patch);
    expect(planUpstreamState(afterwards, up('completed', 100, { expiresAt: new Date(1_000_000) }))).toBeNull();
  });

  it('a late in_progress after completed is ignored', () => {
    const v = video({ status: VideoStatus.IN_PROGRESS, upstreamStatus: 'completed', progress: CUSTODY_PROGRESS, upstreamId: 'video_1' });
    expect(planUpstreamState(v, up('in_progress', 10))).toBeNull();
    expect(planUpstreamState(v, up('queued'))).toBeNull();
  });

  it('terminal rows never change', () => {
    for (const status of [VideoStatus.COMPLETED, VideoStatus.FAILED, VideoStatus.CANCELLED]) {
      const v = video({ status, upstreamStatus: 'completed', upstreamId: 'video_1' });
      expect(planUpstreamState(v, up('failed', 0, { error: { code: 'x', message: 'y' } }))).toBeNull();
      expect(planFailed(v, { code: 'X', message: 'y', retryable: false })).toBeNull();
      expect(planCompleted(v, { videoKey: 'k', videoBytes: 1, thumbnailKey: null, spritesheetKey: null })).toBeNull();
    }
  });

  it('moderation failures are final policy violations; other upstream failures are retryable', () => {
    const v = video({ status: VideoStatus.IN_PROGRESS, upstreamStatus: 'in_progress', upstreamId: 'video_1' });
    const blocked = planUpstreamState(v, up('failed', 0, { error: { code: 'moderation_blocked', message: 'blocked by moderation' } }));
    expect(blocked?.patch).toMatchObject({ status: VideoStatus.FAILED, errorCode: 'CONTENT_POLICY_VIOLATION', errorMessage: 'blocked by moderation', errorRetryable: false });
    const other = planUpstreamState(v, up('failed', 0, { error: { code: 'internal_error', message: 'boom' } }));
    expect(other?.patch).toMatchObject({ status: VideoStatus.FAILED, errorCode: 'UPSTREAM_ERROR', errorRetryable: true });
  });
});
