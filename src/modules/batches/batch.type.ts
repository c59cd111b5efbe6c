import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ErrorCode } from '../../graphql/error-code';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { BatchMode, BatchStatus } from './batch.entity';

registerEnumType(BatchStatus, {
  name: 'BatchStatus',
  description: 'Lifecycle of a batch (as the upstream Batch API names it).',
  valuesConfig: {
    VALIDATING: { description: 'Accepted; items are being checked and created, nothing submitted yet.' },
    IN_PROGRESS: { description: 'Items are being submitted or rendered.' },
    FINALIZING: { description: 'Every item has been sent; the results are being collected and the export written.' },
    COMPLETED: { description: 'Ended with every item ended (some may have failed; see `counts` and `errors`); `resultsUrl` is set.' },
    FAILED: { description: 'The batch as a whole failed (see `errorMessage`), e.g. the upstream refused an OFFLINE batch.' },
    CANCELLING: { description: 'cancelBatch was called; items already with the upstream are finishing.' },
    CANCELLED: { description: 'Ended after cancelBatch; unsent items are CANCELLED.' },
    EXPIRED: { description: 'An OFFLINE batch the upstream let expire before finishing (its 24 h window passed).' },
  },
});

@ObjectType('BatchCounts', { description: 'Items by state, counted from the item rows.' })
export class BatchCountsType {
  @Field(() => Int, { description: 'Number of items in the batch (the sum of the other counts).' })
  total!: number;

  @Field(() => Int, { description: 'Not yet sent upstream.' })
  pending!: number;

  @Field(() => Int, { description: 'With the upstream, or being copied into storage.' })
  inProgress!: number;

  @Field(() => Int, { description: 'Items whose video is COMPLETED and stored.' })
  completed!: number;

  @Field(() => Int, { description: 'Items whose video FAILED (see `Batch.errors`).' })
  failed!: number;

  @Field(() => Int, { description: 'Items CANCELLED, by cancelBatch or one by one.' })
  cancelled!: number;
}

@ObjectType('BatchItemError', { description: 'Why one item of a batch failed.' })
export class BatchItemErrorType {
  @Field({ description: 'Your id of the failed item, as given in the batch input (empty when none was given).' })
  customId!: string;

  @Field(() => ID, { description: 'Global ID of the failed item\'s Video.' })
  videoId!: string;

  @Field(() => ErrorCode, { description: 'Why the item failed, the same code as its `Video.error.code`.' })
  code!: ErrorCode;

  @Field({ description: 'Human-readable reason; branch on `code`, not on this text.' })
  message!: string;
}

@ObjectType('Batch', { implements: NodeInterface, description: 'A bulk operation: one object to watch, with counts, per-item results and cancel.' })
export class BatchType extends NodeInterface {
  @Field(() => BatchMode, { description: 'How the items reach the upstream, as chosen in submitBatch.' })
  mode!: BatchMode;

  @Field(() => BatchStatus, { description: 'Where the batch is in its lifecycle; COMPLETED, FAILED, CANCELLED and EXPIRED are final.' })
  status!: BatchStatus;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The string pairs given in submitBatch; null when none were given.' })
  metadata!: Record<string, string> | null;

  @Field(() => Date, { description: 'When the batch was submitted (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the batch last changed (status or counts), UTC.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When cancelBatch was called; null when it was not.' })
  cancelledAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the batch reached a final status; null while it runs.' })
  completedAt!: Date | null;
}

/** `BatchConnection` / `BatchEdge`. */
export const BatchConnection = connectionType(BatchType, 'Batch');

@ObjectType('BatchPayload', { description: 'Result of submitBatch and cancelBatch.' })
export class BatchPayload {
  @Field(() => BatchType, { description: 'The batch right after the mutation; follow it with `batchUpdated`.' })
  batch!: BatchType;
}
