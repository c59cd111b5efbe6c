import { Field, Int, ObjectType } from 'type-graphql';
import { NodeInterface } from '../../graphql/relay';

@ObjectType('Extension', { implements: NodeInterface, description: 'A continuation of a finished video. `video` is the stitched whole.' })
export class ExtensionType extends NodeInterface {
  @Field(() => Int, { description: 'Position in the chain: 1 for the first extension of the root (at most 6).' })
  index!: number;

  @Field({ description: 'How the scene continues, as given to extendVideo.' })
  prompt!: string;

  @Field(() => Int, { description: 'Length of the new segment.' })
  seconds!: number;

  @Field(() => Int, { description: 'Length of the stitched result (at most 120).' })
  totalSeconds!: number;

  @Field(() => Date, { description: 'When extendVideo accepted the extension (UTC).' })
  createdAt!: Date;
}

@ObjectType('ExtensionPayload', { description: 'Result of extendVideo.' })
export class ExtensionPayload {
  @Field(() => ExtensionType, { description: 'The new extension; its `video` is the stitched result to follow with `videoUpdated`.' })
  extension!: ExtensionType;
}
