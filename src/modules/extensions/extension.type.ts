import { Field, Int, ObjectType } from 'type-graphql';
import { NodeInterface } from '../../graphql/relay';

@ObjectType('Extension', { implements: NodeInterface, description: 'A continuation of a finished video. `video` is the stitched whole.' })
export class ExtensionType extends NodeInterface {
  @Field(() => Int, { description: 'Position in the chain: 1 for the first extension of the root (at most 6).' })
  index!: number;

  @Field()
  prompt!: string;

  @Field(() => Int, { description: 'Length of the new segment.' })
  seconds!: number;

  @Field(() => Int, { description: 'Length of the stitched result (at most 120).' })
  totalSeconds!: number;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType('ExtensionPayload')
export class ExtensionPayload {
  @Field(() => ExtensionType)
  extension!: ExtensionType;
}
