import { Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { MAX_PROMPT_LENGTH } from '../videos/video.inputs';
import { BatchMode } from './batch.entity';

registerEnumType(BatchMode, {
  name: 'BatchMode',
  description: 'How a batch reaches the upstream.',
  valuesConfig: {
    IMMEDIATE: { description: 'Items submitted one by one at a bounded pace (backing off on 429): per-item progress, results as they finish.' },
    OFFLINE: { description: 'One upstream Batch API job: separate rate limits, 24 h window, results only when it ends.' },
  },
});

@InputType('BatchItemInput', { description: 'One video of a batch: the same fields as createVideo, plus your id for it.' })
export class BatchItemInput {
  @Field({ description: 'Your id for the item, unique within the batch (1 to 255 characters).' })
  @Length(1, 255)
  customId!: string;

  @Field({ description: 'What to render, as in createVideo (1 to 32,000 characters).' })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field({ defaultValue: 'sora-2', description: 'A model alias or snapshot, as in createVideo; the model must support batches (`capabilities.batch`).' })
  model!: string;

  @Field({ defaultValue: '720x1280', description: '`WIDTHxHEIGHT`, one of the model\'s sizes.' })
  size!: string;

  @Field(() => Int, { defaultValue: 4, description: 'Duration in seconds, one of the model\'s durations.' })
  seconds!: number;
}

@InputType('SubmitBatchInput', { description: 'Give `items` inline, or `itemsUploadId` for a JSON Lines upload (up to 50,000 lines).' })
export class SubmitBatchInput {
  @Field(() => [BatchItemInput], { nullable: true, description: 'The items inline (give this or `itemsUploadId`, not both).' })
  items?: BatchItemInput[];

  @Field(() => ID, {
    nullable: true,
    description: 'A JSON Lines upload: one item per line, either `{"customId","prompt","model","size","seconds"}` or the upstream Batch API form `{"custom_id","method":"POST","url":"/v1/videos","body":{…}}`.',
  })
  itemsUploadId?: string;

  @Field(() => BatchMode, { defaultValue: BatchMode.IMMEDIATE, description: 'IMMEDIATE (default) for results as they finish, OFFLINE for the upstream Batch API.' })
  mode!: BatchMode;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Up to 16 string pairs (keys ≤ 64 characters, values ≤ 512), returned on the batch.' })
  metadata?: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'Makes retries safe: the same key with the same input returns the same batch.' })
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}

@InputType('CancelBatchInput', { description: 'The batch to cancel.' })
export class CancelBatchInput {
  @Field(() => ID, { description: 'Global ID of a batch of the viewer that has not ended; an ended one is a CONFLICT.' })
  batchId!: string;
}
