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

  @Field()
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field({ defaultValue: 'sora-2' })
  model!: string;

  @Field({ defaultValue: '720x1280' })
  size!: string;

  @Field(() => Int, { defaultValue: 4 })
  seconds!: number;
}

@InputType('SubmitBatchInput', { description: 'Give `items` inline, or `itemsUploadId` for a JSON Lines upload (up to 50,000 lines).' })
export class SubmitBatchInput {
  @Field(() => [BatchItemInput], { nullable: true })
  items?: BatchItemInput[];

  @Field(() => ID, {
    nullable: true,
    description: 'A JSON Lines upload: one item per line, either `{"customId","prompt","model","size","seconds"}` or the upstream Batch API form `{"custom_id","method":"POST","url":"/v1/videos","body":{…}}`.',
  })
  itemsUploadId?: string;

  @Field(() => BatchMode, { defaultValue: BatchMode.IMMEDIATE })
  mode!: BatchMode;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Up to 16 string pairs (keys ≤ 64 characters, values ≤ 512), returned on the batch.' })
  metadata?: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'Makes retries safe: the same key with the same input returns the same batch.' })
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}

@InputType('CancelBatchInput')
export class CancelBatchInput {
  @Field(() => ID)
  batchId!: string;
}
