/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** One video of a batch: the same fields as createVideo, plus your id for it. */
export type BatchItemInput = {
  /** Your id for the item, unique within the batch (1 to 255 characters). */
  customId: string;
  /** A model alias or snapshot, as in createVideo; the model must support batches (`capabilities.batch`). */
  model?: string;
  /** What to render, as in createVideo (1 to 32,000 characters). */
  prompt: string;
  /** Duration in seconds, one of the model's durations. */
  seconds?: number;
  /** `WIDTHxHEIGHT`, one of the model's sizes. */
  size?: string;
};

/** How a batch reaches the upstream. */
export type BatchMode =
  /** Items submitted one by one at a bounded pace (backing off on 429): per-item progress, results as they finish. */
  | 'IMMEDIATE'
  /** One upstream Batch API job: separate rate limits, 24 h window, results only when it ends. */
  | 'OFFLINE';

/** Lifecycle of a batch (as the upstream Batch API names it). */
export type BatchStatus =
  /** Ended after cancelBatch; unsent items are CANCELLED. */
  | 'CANCELLED'
  /** cancelBatch was called; items already with the upstream are finishing. */
  | 'CANCELLING'
  /** Ended with every item ended (some may have failed; see `counts` and `errors`); `resultsUrl` is set. */
  | 'COMPLETED'
  /** An OFFLINE batch the upstream let expire before finishing (its 24 h window passed). */
  | 'EXPIRED'
  /** The batch as a whole failed (see `errorMessage`), e.g. the upstream refused an OFFLINE batch. */
  | 'FAILED'
  /** Every item has been sent; the results are being collected and the export written. */
  | 'FINALIZING'
  /** Items are being submitted or rendered. */
  | 'IN_PROGRESS'
  /** Accepted; items are being checked and created, nothing submitted yet. */
  | 'VALIDATING';

/** A piece to render scene by scene with one model and size. */
export type CreateStoryboardInput = {
  /** Up to two characters, used in the first scene (extensions keep them in the shot). */
  characterIds?: Array<string | number> | null | undefined;
  /** Makes retries safe: the same key with the same input returns the same storyboard. */
  idempotencyKey?: string | null | undefined;
  /** A model alias or snapshot that supports extensions; every scene uses it. */
  model?: string;
  /** 1 to 7 scenes (one video plus up to 6 extensions), at most 120 s in total. */
  scenes: Array<StoryboardSceneInput>;
  /** `WIDTHxHEIGHT`, one of the model's sizes; every scene uses it. */
  size?: string;
};

/** A new video job: prompt, model, size and duration, plus optional characters, a first-frame image, a completion webhook and an idempotency key. */
export type CreateVideoInput = {
  /** Up to two Character IDs. Name each character verbatim in the prompt (the model needs the name, not only the ID). */
  characterIds?: Array<string | number> | null | undefined;
  /** Makes retries safe: the same key with the same input returns the same video; with a different input it is a CONFLICT. Printable ASCII, up to 255 characters, unique per tenant. */
  idempotencyKey?: string | null | undefined;
  /** An image upload (POST /uploads) used as the first frame. Its width and height must equal `size`. */
  inputReferenceUploadId?: string | number | null | undefined;
  /** An image URL (https, public address) fetched by the server and used like `inputReferenceUploadId`: PNG, JPEG or WebP of exactly `size`, at most UPLOAD_MAX_BYTES, no redirects. Give one of the two. */
  inputReferenceUrl?: string | null | undefined;
  /** A model alias (`sora-2`, `sora-2-pro`) or snapshot; see `models`. */
  model?: string;
  /** What to render: shot, subject, action, setting, lighting. 1 to 32000 characters. */
  prompt: string;
  /** Duration in seconds; the accepted values per model are listed in `models`. */
  seconds?: number;
  /** `WIDTHxHEIGHT`; which sizes a model renders is listed in `models`. */
  size?: string;
  /** Called once when this job ends (video.completed, video.failed or video.cancelled), signed like endpoint webhooks with the tenant's `jobWebhookSecret`. https and a public address (http only in local mode). */
  webhookUrl?: string | null | undefined;
};

/** One targeted change to a COMPLETED video. */
export type EditVideoInput = {
  /** Makes retries safe: the same key with the same input returns the same video; with a different input it is a CONFLICT. Printable ASCII, up to 255 characters, unique per tenant. */
  idempotencyKey?: string | null | undefined;
  /** One well-defined change, e.g. "make the sky stormy". */
  prompt: string;
  /** The COMPLETED video to edit. */
  videoId: string | number;
  /** Called once when this job ends (video.completed, video.failed or video.cancelled), signed like endpoint webhooks with the tenant's `jobWebhookSecret`. https and a public address (http only in local mode). */
  webhookUrl?: string | null | undefined;
};

/** Stable error codes: the `extensions.code` of GraphQL errors and the code of a failed job (`VideoError.code`, `BatchItemError.code`). Branch on the code, not on the message. Documents Reelgraph cannot run at all also get GraphQL-level codes outside this enum: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and PERSISTED_QUERY_NOT_FOUND. */
export type ErrorCode =
  /** The finished video could not be copied into Reelgraph storage before the video service deleted it. Retryable: retryVideo submits it again. */
  | 'ASSET_EXPIRED'
  /** The HTTP request is not one Reelgraph runs as sent: a persisted-query hash that does not match the text, a JSON batch, a subscription over HTTP (use the WebSocket or SSE), a mutation over GET, a malformed body. */
  | 'BAD_REQUEST'
  /** A value in the request is invalid: an unsupported model, size or seconds, a prompt that is empty or too long, a malformed ID or cursor, `first`/`last` outside 1..100. `extensions.field` names the input and `extensions.allowed` lists the accepted values when they are few. Nothing was changed; fix the value and send again. */
  | 'BAD_USER_INPUT'
  /** The tenant's monthly budget cannot cover the job's estimated cost; the error says what remains. */
  | 'BUDGET_EXCEEDED'
  /** The work was cancelled: labels what a cancellation stopped, e.g. a storyboard whose scene video was cancelled. */
  | 'CANCELLED'
  /** The object is in the wrong state for the operation (e.g. editing a video that is not COMPLETED, cancelling one that already ended), or an `idempotencyKey` was reused with a different input. */
  | 'CONFLICT'
  /** The moderation screen or the video service refused the prompt or an input image; as a job failure it is not retryable: change the request. */
  | 'CONTENT_POLICY_VIOLATION'
  /** The key may not do this: an admin-only operation with a member key, or an operator-only one (model pins, budgets) from another tenant. */
  | 'FORBIDDEN'
  /** Something unexpected failed inside Reelgraph; it is logged with the request id and no details are sent. Retry, then report it. */
  | 'INTERNAL_SERVER_ERROR'
  /** The model or snapshot is past its shutdown date; the message names its replacement. */
  | 'MODEL_SHUT_DOWN'
  /** No object with that ID exists for this viewer (objects of other tenants are reported the same way). */
  | 'NOT_FOUND'
  /** The operation is larger, deeper or costlier than the limits, holds too many mutations, or its response would be too large. Ask for fewer fields or smaller pages. */
  | 'QUERY_TOO_COMPLEX'
  /** Too many requests for the key (HTTP 429 with `Retry-After` and `extensions.retryAfterSeconds`), too many active jobs for the tenant, or too many subscriptions on one connection. Retry later. */
  | 'RATE_LIMITED'
  /** The API key is missing, unknown or revoked (HTTP 401; WebSocket close 4401). */
  | 'UNAUTHENTICATED'
  /** The video service reported a failure of the job; the message carries the upstream's own code. Usually retryable (see `retryable`). */
  | 'UPSTREAM_ERROR'
  /** A job did not finish in time (JOB_MAX_AGE_SECONDS), or an offline batch expired before its item ran. Retryable. */
  | 'UPSTREAM_TIMEOUT'
  /** The video or moderation service could not be reached, failed (5xx) or refused Reelgraph's own credentials. Retryable; Reelgraph retries jobs it already accepted. */
  | 'UPSTREAM_UNAVAILABLE';

/** A continuation of a COMPLETED video. */
export type ExtendVideoInput = {
  /** Makes retries safe: the same key with the same input returns the same extension. */
  idempotencyKey?: string | null | undefined;
  /** How the scene continues. */
  prompt: string;
  /** Length of the NEW segment in seconds (a duration the model accepts). The result is the source plus this. */
  seconds: number;
  /** The COMPLETED video to continue (an original or an earlier extension). */
  videoId: string | number;
  /** Called once when this job ends (video.completed, video.failed or video.cancelled), signed like endpoint webhooks with the tenant's `jobWebhookSecret`. https and a public address (http only in local mode). */
  webhookUrl?: string | null | undefined;
};

/** One scene to render: what happens and for how long. */
export type StoryboardSceneInput = {
  /** What happens in this scene. */
  prompt: string;
  /** Length of this scene in seconds (a duration the model accepts). */
  seconds: number;
};

/** Lifecycle of a storyboard. */
export type StoryboardStatus =
  /** Every scene rendered; `finalVideo` is the continuous clip. */
  | 'COMPLETED'
  /** A scene failed or was cancelled; later scenes were not rendered. */
  | 'FAILED'
  /** Scenes are rendering one after the other; `currentScene` says which. */
  | 'IN_PROGRESS';

/** Give `items` inline, or `itemsUploadId` for a JSON Lines upload (up to 50,000 lines). */
export type SubmitBatchInput = {
  /** Makes retries safe: the same key with the same input returns the same batch. */
  idempotencyKey?: string | null | undefined;
  /** The items inline (give this or `itemsUploadId`, not both). */
  items?: Array<BatchItemInput> | null | undefined;
  /** A JSON Lines upload: one item per line, either `{"customId","prompt","model","size","seconds"}` or the upstream Batch API form `{"custom_id","method":"POST","url":"/v1/videos","body":{…}}`. */
  itemsUploadId?: string | number | null | undefined;
  /** Up to 16 string pairs (keys ≤ 64 characters, values ≤ 512), returned on the batch. */
  metadata?: Record<string, unknown> | null | undefined;
  /** IMMEDIATE (default) for results as they finish, OFFLINE for the upstream Batch API. */
  mode?: BatchMode;
};

/** Narrows a video list; each given list matches any of its values. */
export type VideoFilter = {
  /** Only videos made by one of these operations; omitted or null means any operation. */
  operation?: Array<VideoOperation> | null | undefined;
  /** Only videos in one of these statuses; omitted or null means any status. */
  status?: Array<VideoStatus> | null | undefined;
};

/** How a video was made. */
export type VideoOperation =
  /** Rendered from a prompt by createVideo (or a batch item or storyboard scene). */
  | 'CREATE'
  /** One targeted change to another video, made by editVideo. */
  | 'EDIT'
  /** Another video continued by extendVideo; `seconds` is the stitched total. */
  | 'EXTEND'
  /** A variation of another video made by the deprecated remixVideo. */
  | 'REMIX';

/** Lifecycle of a video job. */
export type VideoStatus =
  /** Stopped by `cancelVideo` (or a cancelled batch) before it finished; a result arriving later is discarded. */
  | 'CANCELLED'
  /** Stored by Reelgraph and playable through `downloadUrl`. */
  | 'COMPLETED'
  /** Ended without a video; see `error`. */
  | 'FAILED'
  /** Rendering, or being copied into Reelgraph storage (progress 99). */
  | 'IN_PROGRESS'
  /** Accepted by Reelgraph, not yet accepted by the video service. */
  | 'PENDING'
  /** Accepted by the video service, waiting to render. */
  | 'QUEUED';

export type StudioModelsQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioModelsQuery = { models: Array<{ id: string, displayName: string, capabilities: { sizes: Array<string>, durations: Array<number>, extensions: boolean, edits: boolean, batch: boolean }, pricing: Array<{ size: string, pricePerSecond: number | null }>, lifecycle: { deprecated: string | null, shutdown: string | null, replacement: string | null } }> };

export type StudioEstimateQueryVariables = Exact<{
  input: CreateVideoInput;
}>;


export type StudioEstimateQuery = { estimateVideoCost: { pricePerSecond: number | null, estimatedCost: number | null, currency: string, resolvedModel: string } };

export type StudioCreateVideoMutationVariables = Exact<{
  input: CreateVideoInput;
}>;


export type StudioCreateVideoMutation = { createVideo: { video: { id: string, status: VideoStatus, progress: number } } };

export type StudioExtendVideoMutationVariables = Exact<{
  input: ExtendVideoInput;
}>;


export type StudioExtendVideoMutation = { extendVideo: { extension: { video: { id: string, status: VideoStatus, progress: number } } } };

export type StudioEditVideoMutationVariables = Exact<{
  input: EditVideoInput;
}>;


export type StudioEditVideoMutation = { editVideo: { video: { id: string, status: VideoStatus, progress: number } } };

export type StudioVideoQueryVariables = Exact<{
  id: string | number;
}>;


export type StudioVideoQuery = { video: { id: string, status: VideoStatus, progress: number, prompt: string, model: string, size: string, seconds: number, operation: VideoOperation, estimatedCost: number | null, cost: number | null, createdAt: string, downloadUrl: string | null, thumbnailUrl: string | null, spritesheetUrl: string | null, error: { code: ErrorCode, message: string } | null, source: { id: string } | null } | null };

export type StudioVideoUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type StudioVideoUpdatedSubscription = { videoUpdated: { id: string, status: VideoStatus, progress: number, error: { code: ErrorCode, message: string } | null } };

export type StudioLibraryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: VideoFilter | null | undefined;
}>;


export type StudioLibraryQuery = { videos: { nodes: Array<{ id: string, status: VideoStatus, progress: number, prompt: string, model: string, size: string, seconds: number, operation: VideoOperation, createdAt: string, thumbnailUrl: string | null }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type StudioCreateStoryboardMutationVariables = Exact<{
  input: CreateStoryboardInput;
}>;


export type StudioCreateStoryboardMutation = { createStoryboard: { storyboard: { id: string, status: StoryboardStatus } } };

export type StudioStoryboardQueryVariables = Exact<{
  id: string | number;
}>;


export type StudioStoryboardQuery = { storyboard: { id: string, status: StoryboardStatus, progress: number, currentScene: number, totalSeconds: number, error: { code: ErrorCode, message: string } | null, scenes: Array<{ index: number, prompt: string, seconds: number, video: { id: string, status: VideoStatus, progress: number } | null }>, finalVideo: { id: string } | null } | null };

export type StudioStoryboardUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type StudioStoryboardUpdatedSubscription = { storyboardUpdated: { id: string, status: StoryboardStatus, progress: number, currentScene: number } };

export type StudioSubmitBatchMutationVariables = Exact<{
  input: SubmitBatchInput;
}>;


export type StudioSubmitBatchMutation = { submitBatch: { batch: { id: string, status: BatchStatus, total: number, estimatedCost: number | null } } };

export type StudioBatchUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type StudioBatchUpdatedSubscription = { batchUpdated: { id: string, status: BatchStatus, total: number, counts: { pending: number, inProgress: number, completed: number, failed: number, cancelled: number } } };

export type StudioBatchVideosQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
}>;


export type StudioBatchVideosQuery = { batch: { id: string, errors: Array<{ customId: string, code: ErrorCode, message: string }>, videos: { nodes: Array<{ id: string, customId: string | null, status: VideoStatus, progress: number, thumbnailUrl: string | null }> } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const StudioModelsDocument = new TypedDocumentString(`
    query StudioModels {
  models {
    id
    displayName
    capabilities {
      sizes
      durations
      extensions
      edits
      batch
    }
    pricing {
      size
      pricePerSecond
    }
    lifecycle {
      deprecated
      shutdown
      replacement
    }
  }
}
    `) as unknown as TypedDocumentString<StudioModelsQuery, StudioModelsQueryVariables>;
export const StudioEstimateDocument = new TypedDocumentString(`
    query StudioEstimate($input: CreateVideoInput!) {
  estimateVideoCost(input: $input) {
    pricePerSecond
    estimatedCost
    currency
    resolvedModel
  }
}
    `) as unknown as TypedDocumentString<StudioEstimateQuery, StudioEstimateQueryVariables>;
export const StudioCreateVideoDocument = new TypedDocumentString(`
    mutation StudioCreateVideo($input: CreateVideoInput!) {
  createVideo(input: $input) {
    video {
      id
      status
      progress
    }
  }
}
    `) as unknown as TypedDocumentString<StudioCreateVideoMutation, StudioCreateVideoMutationVariables>;
export const StudioExtendVideoDocument = new TypedDocumentString(`
    mutation StudioExtendVideo($input: ExtendVideoInput!) {
  extendVideo(input: $input) {
    extension {
      video {
        id
        status
        progress
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioExtendVideoMutation, StudioExtendVideoMutationVariables>;
export const StudioEditVideoDocument = new TypedDocumentString(`
    mutation StudioEditVideo($input: EditVideoInput!) {
  editVideo(input: $input) {
    video {
      id
      status
      progress
    }
  }
}
    `) as unknown as TypedDocumentString<StudioEditVideoMutation, StudioEditVideoMutationVariables>;
export const StudioVideoDocument = new TypedDocumentString(`
    query StudioVideo($id: ID!) {
  video(id: $id) {
    id
    status
    progress
    prompt
    model
    size
    seconds
    operation
    estimatedCost
    cost
    createdAt
    error {
      code
      message
    }
    downloadUrl
    thumbnailUrl: downloadUrl(variant: THUMBNAIL)
    spritesheetUrl: downloadUrl(variant: SPRITESHEET)
    source {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<StudioVideoQuery, StudioVideoQueryVariables>;
export const StudioVideoUpdatedDocument = new TypedDocumentString(`
    subscription StudioVideoUpdated($id: ID!) {
  videoUpdated(id: $id) {
    id
    status
    progress
    error {
      code
      message
    }
  }
}
    `) as unknown as TypedDocumentString<StudioVideoUpdatedSubscription, StudioVideoUpdatedSubscriptionVariables>;
export const StudioLibraryDocument = new TypedDocumentString(`
    query StudioLibrary($first: Int, $after: String, $filter: VideoFilter) {
  videos(first: $first, after: $after, filter: $filter) {
    nodes {
      id
      status
      progress
      prompt
      model
      size
      seconds
      operation
      createdAt
      thumbnailUrl: downloadUrl(variant: THUMBNAIL)
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<StudioLibraryQuery, StudioLibraryQueryVariables>;
export const StudioCreateStoryboardDocument = new TypedDocumentString(`
    mutation StudioCreateStoryboard($input: CreateStoryboardInput!) {
  createStoryboard(input: $input) {
    storyboard {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<StudioCreateStoryboardMutation, StudioCreateStoryboardMutationVariables>;
export const StudioStoryboardDocument = new TypedDocumentString(`
    query StudioStoryboard($id: ID!) {
  storyboard(id: $id) {
    id
    status
    progress
    currentScene
    totalSeconds
    error {
      code
      message
    }
    scenes {
      index
      prompt
      seconds
      video {
        id
        status
        progress
      }
    }
    finalVideo {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<StudioStoryboardQuery, StudioStoryboardQueryVariables>;
export const StudioStoryboardUpdatedDocument = new TypedDocumentString(`
    subscription StudioStoryboardUpdated($id: ID!) {
  storyboardUpdated(id: $id) {
    id
    status
    progress
    currentScene
  }
}
    `) as unknown as TypedDocumentString<StudioStoryboardUpdatedSubscription, StudioStoryboardUpdatedSubscriptionVariables>;
export const StudioSubmitBatchDocument = new TypedDocumentString(`
    mutation StudioSubmitBatch($input: SubmitBatchInput!) {
  submitBatch(input: $input) {
    batch {
      id
      status
      total
      estimatedCost
    }
  }
}
    `) as unknown as TypedDocumentString<StudioSubmitBatchMutation, StudioSubmitBatchMutationVariables>;
export const StudioBatchUpdatedDocument = new TypedDocumentString(`
    subscription StudioBatchUpdated($id: ID!) {
  batchUpdated(id: $id) {
    id
    status
    total
    counts {
      pending
      inProgress
      completed
      failed
      cancelled
    }
  }
}
    `) as unknown as TypedDocumentString<StudioBatchUpdatedSubscription, StudioBatchUpdatedSubscriptionVariables>;
export const StudioBatchVideosDocument = new TypedDocumentString(`
    query StudioBatchVideos($id: ID!, $first: Int) {
  batch(id: $id) {
    id
    errors {
      customId
      code
      message
    }
    videos(first: $first) {
      nodes {
        id
        customId
        status
        progress
        thumbnailUrl: downloadUrl(variant: THUMBNAIL)
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioBatchVideosQuery, StudioBatchVideosQueryVariables>;