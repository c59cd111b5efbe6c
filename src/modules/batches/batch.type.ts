import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { BatchMode, BatchStatus } from './batch.entity';

registerEnumType(BatchStatus, { name: 'BatchStatus', description: 'Lifecycle of a batch (as the upstream Batch API names it).' });

@ObjectType('BatchCounts', { description: 'Items by state, counted from the item rows.' })
export class BatchCountsType {
  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'Not yet sent upstream.' })
  pending!: number;

  @Field(() => Int, { description: 'With the upstream, or being copied into storage.' })
  inProgress!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  cancelled!: number;
}

@ObjectType('BatchItemError', { description: 'Why one item of a batch failed.' })
export class BatchItemErrorType {
  @Field()
  customId!: string;

  @Field(() => ID)
  videoId!: string;

  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType('Batch', { implements: NodeInterface, description: 'A bulk operation: one object to watch, with counts, per-item results and cancel.' })
export class BatchType extends NodeInterface {
  @Field(() => BatchMode)
  mode!: BatchMode;

  @Field(() => BatchStatus)
  status!: BatchStatus;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata!: Record<string, string> | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  cancelledAt!: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;
}

/** `BatchConnection` / `BatchEdge`. */
export const BatchConnection = connectionType(BatchType, 'Batch');

@ObjectType('BatchPayload')
export class BatchPayload {
  @Field(() => BatchType)
  batch!: BatchType;
}
