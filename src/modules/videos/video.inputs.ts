import { ArrayMaxSize, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { VideoOperation, VideoStatus } from './video.enums';

/** Longest prompt the Videos API accepts. */
export const MAX_PROMPT_LENGTH = 32_000;

/** Idempotency keys: printable, at most 255 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Description of the per-job `webhookUrl` inputs. */
export const WEBHOOK_URL_DESCRIPTION =
  'Called once when this job ends (video.completed, video.failed or video.cancelled), signed like endpoint webhooks with the tenant\'s `jobWebhookSecret`. https and a public address (http only in local mode).';
const IDEMPOTENCY_DESCRIPTION =
  'Makes retries safe: the same key with the same input returns the same video; with a different input it is a CONFLICT. Printable ASCII, up to 255 characters, unique per tenant.';

@InputType('CreateVideoInput', { description: 'A new video job: prompt, model, size and duration, plus optional characters, a first-frame image, a completion webhook and an idempotency key.' })
export class CreateVideoInput {
  @Field({ description: `What to render: shot, subject, action, setting, lighting. 1 to ${MAX_PROMPT_LENGTH} characters.` })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field({ defaultValue: 'sora-2', description: 'A model alias (`sora-2`, `sora-2-pro`) or snapshot; see `models`.' })
  model!: string;

  @Field({ defaultValue: '720x1280', description: '`WIDTHxHEIGHT`; which sizes a model renders is listed in `models`.' })
  size!: string;

  @Field(() => Int, { defaultValue: 4, description: 'Duration in seconds; the accepted values per model are listed in `models`.' })
  seconds!: number;

  @Field(() => [ID], { nullable: true, description: 'Up to two Character IDs. Name each character verbatim in the prompt (the model needs the name, not only the ID).' })
  @ArrayMaxSize(2, { message: 'characterIds may hold at most 2 characters' })
  characterIds?: string[];

  @Field(() => ID, { nullable: true, description: 'An image upload (POST /uploads) used as the first frame. Its width and height must equal `size`.' })
  inputReferenceUploadId?: string;

  @Field(() => String, { nullable: true, description: 'An image URL (https, public address) fetched by the server and used like `inputReferenceUploadId`: PNG, JPEG or WebP of exactly `size`, at most UPLOAD_MAX_BYTES, no redirects. Give one of the two.' })
  inputReferenceUrl?: string;

  @Field(() => String, { nullable: true, description: WEBHOOK_URL_DESCRIPTION })
  webhookUrl?: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_DESCRIPTION })
  @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}

@InputType('RemixVideoInput', { description: 'A variation of a COMPLETED video (legacy; use EditVideoInput with editVideo).' })
export class RemixVideoInput {
  @Field(() => ID, { description: 'The COMPLETED video to remix.' })
  videoId!: string;

  @Field({ description: 'The change to make, described as a prompt.' })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_DESCRIPTION })
  @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;

  @Field(() => String, { nullable: true, description: WEBHOOK_URL_DESCRIPTION })
  webhookUrl?: string;
}

@InputType('EditVideoInput', { description: 'One targeted change to a COMPLETED video.' })
export class EditVideoInput {
  @Field(() => ID, { description: 'The COMPLETED video to edit.' })
  videoId!: string;

  @Field({ description: 'One well-defined change, e.g. "make the sky stormy".' })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_DESCRIPTION })
  @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;

  @Field(() => String, { nullable: true, description: WEBHOOK_URL_DESCRIPTION })
  webhookUrl?: string;
}

@InputType('DeleteVideoInput', { description: 'The video to delete.' })
export class DeleteVideoInput {
  @Field(() => ID, { description: 'A COMPLETED, FAILED, CANCELLED or PENDING video; one still QUEUED or IN_PROGRESS must be cancelled first.' })
  videoId!: string;
}

@InputType('CancelVideoInput', { description: 'The video job to stop.' })
export class CancelVideoInput {
  @Field(() => ID, { description: 'A PENDING, QUEUED or IN_PROGRESS video.' })
  videoId!: string;
}

@InputType('RetryVideoInput', { description: 'The failed video to submit again as a new job with the same input.' })
export class RetryVideoInput {
  @Field(() => ID, { description: 'The FAILED video to submit again (its error stays on it).' })
  videoId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes retries of the retry safe: the same key for the same original returns the same new video; the same key for anything else is a CONFLICT. Printable ASCII, up to 255 characters, unique per tenant.',
  })
  @Matches(IDEMPOTENCY_KEY, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}

@InputType('VideoFilter', { description: 'Narrows a video list; each given list matches any of its values.' })
export class VideoFilter {
  @Field(() => [VideoStatus], { nullable: true, description: 'Only videos in one of these statuses; omitted or null means any status.' })
  status?: VideoStatus[];

  @Field(() => [VideoOperation], { nullable: true, description: 'Only videos made by one of these operations; omitted or null means any operation.' })
  operation?: VideoOperation[];
}
