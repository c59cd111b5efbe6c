import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorCode } from '../../graphql/error-code';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { AspectRatio, VideoOperation, VideoStatus, VideoVariant } from './video.enums';

registerEnumType(VideoStatus, {
  name: 'VideoStatus',
  description: 'Lifecycle of a video job.',
  valuesConfig: {
    PENDING: { description: 'Accepted by Reelgraph, not yet accepted by the video service.' },
    QUEUED: { description: 'Accepted by the video service, waiting to render.' },
    IN_PROGRESS: { description: 'Rendering, or being copied into Reelgraph storage (progress 99).' },
    COMPLETED: { description: 'Stored by Reelgraph and playable through `downloadUrl`.' },
    FAILED: { description: 'Ended without a video; see `error`.' },
    CANCELLED: { description: 'Stopped by `cancelVideo` (or a cancelled batch) before it finished; a result arriving later is discarded.' },
  },
});
registerEnumType(VideoOperation, {
  name: 'VideoOperation',
  description: 'How a video was made.',
  valuesConfig: {
    CREATE: { description: 'Rendered from a prompt by createVideo (or a batch item or storyboard scene).' },
    REMIX: { description: 'A variation of another video made by the deprecated remixVideo.' },
    EDIT: { description: 'One targeted change to another video, made by editVideo.' },
    EXTEND: { description: 'Another video continued by extendVideo; `seconds` is the stitched total.' },
  },
});
registerEnumType(VideoVariant, {
  name: 'VideoVariant',
  description: 'A stored asset of a completed video.',
  valuesConfig: {
    VIDEO: { description: 'H.264/AAC MP4 (video/mp4).' },
    THUMBNAIL: { description: 'WebP still (image/webp).' },
    SPRITESHEET: { description: 'JPEG grid of frames for scrubbing previews (image/jpeg).' },
  },
});
registerEnumType(AspectRatio, {
  name: 'AspectRatio',
  description: 'Orientation of the frame.',
  valuesConfig: {
    LANDSCAPE_16_9: { description: 'Wider than tall, e.g. 1280x720.' },
    PORTRAIT_9_16: { description: 'Taller than wide, e.g. 720x1280.' },
  },
});

@ObjectType('VideoError', { description: 'Why a job failed.' })
export class VideoErrorType {
  @Field(() => ErrorCode, { description: 'Stable code of the failure, e.g. CONTENT_POLICY_VIOLATION, UPSTREAM_TIMEOUT, UPSTREAM_ERROR; see ErrorCode for when each happens.' })
  code!: ErrorCode;

  @Field({ description: 'Human-readable explanation of the failure, for logs and people; branch on `code`, not on this text, which may change.' })
  message!: string;

  @Field({ description: 'True when submitting the same input again may succeed.' })
  retryable!: boolean;
}

/** The GraphQL `Video` type; resolvers return `Video` entities and computed fields live in the resolver. */
@ObjectType('Video', { implements: NodeInterface, description: 'A video generation job and, once COMPLETED, its stored assets.' })
export class VideoType extends NodeInterface {
  @Field(() => VideoStatus, { description: 'Where the job is in its lifecycle; COMPLETED, FAILED and CANCELLED are final.' })
  status!: VideoStatus;

  @Field(() => Int, { description: '0 to 100. Never decreases.' })
  progress!: number;

  @Field(() => Int, { description: 'Increases by one with every state change; matches `Event.version`, so a client holding this state can skip older events.' })
  version!: number;

  @Field({ description: 'The prompt the job was submitted with (for a remix or edit, the change asked for).' })
  prompt!: string;

  @Field({ description: 'The model asked for (an alias such as `sora-2` or a snapshot).' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'The snapshot that ran the job (resolved through pins and canaries when it was accepted).' })
  resolvedModel!: string | null;

  @Field({ description: 'Name of the upstream the job was sent to (from the model catalog).' })
  upstream!: string;

  @Field({ description: '`WIDTHxHEIGHT`, e.g. `1280x720`.' })
  size!: string;

  @Field(() => Int, { description: 'Frame width in pixels (the first number of `size`).' })
  width!: number;

  @Field(() => Int, { description: 'Frame height in pixels (the second number of `size`).' })
  height!: number;

  @Field(() => AspectRatio, { description: 'Orientation derived from `size`: wider than tall is LANDSCAPE_16_9, otherwise PORTRAIT_9_16.' })
  aspectRatio!: AspectRatio;

  @Field(() => Int, { description: 'Duration in seconds (for an extension, the stitched total).' })
  seconds!: number;

  @Field(() => VideoOperation, { description: 'How the video was made: from a prompt (CREATE) or from another video (REMIX, EDIT, EXTEND).' })
  operation!: VideoOperation;

  @Field(() => Float, { nullable: true, description: 'Estimated price in dollars at acceptance, from the model catalog.' })
  estimatedCost!: number | null;

  @Field(() => Date, { description: 'When Reelgraph accepted the job (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the job last changed (status, progress or assets), UTC.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the video service accepted the job (it left PENDING).' })
  submittedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When Reelgraph first saw the video service rendering the job (its first IN_PROGRESS report). Null before, and for a job never seen rendering (one that finished between two looks).',
  })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the job reached COMPLETED, FAILED or CANCELLED.' })
  completedAt!: Date | null;
}

/** `VideoConnection` / `VideoEdge`. */
export const VideoConnection = connectionType(VideoType, 'Video');

@ObjectType('VideoPayload', { description: 'Result of a mutation that creates or changes a video.' })
export class VideoPayload {
  @Field(() => VideoType, { description: 'The video in its state right after the mutation (usually PENDING for a new job); follow it with `videoUpdated`.' })
  video!: VideoType;
}

@ObjectType('DeleteVideoPayload', { description: 'Result of deleteVideo.' })
export class DeleteVideoPayload {
  @Field(() => ID, { description: 'Global ID of the deleted video.' })
  deletedVideoId!: string;
}

/** The ID given to `videoId` inputs and returned by `Video.id`. */
export const VIDEO_TYPE_NAME = 'Video';
