import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { StoryboardStatus } from './storyboard.entity';

registerEnumType(StoryboardStatus, { name: 'StoryboardStatus', description: 'Lifecycle of a storyboard.' });

@ObjectType('StoryboardScene', { description: 'One scene of a storyboard.' })
export class StoryboardSceneType {
  @Field(() => Int, { description: '1-based position.' })
  index!: number;

  @Field()
  prompt!: string;

  @Field(() => Int)
  seconds!: number;
}

@ObjectType('Storyboard', { implements: NodeInterface, description: 'A piece planned scene by scene and rendered as one continuous clip.' })
export class StoryboardType extends NodeInterface {
  @Field(() => StoryboardStatus)
  status!: StoryboardStatus;

  @Field()
  model!: string;

  @Field()
  size!: string;

  @Field(() => Int, { description: 'Sum of the scenes\' seconds: the length of the final video.' })
  totalSeconds!: number;

  @Field(() => Int, { description: '1-based index of the scene being rendered (the last one once finished).' })
  currentScene!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;
}

/** `StoryboardConnection` / `StoryboardEdge`. */
export const StoryboardConnection = connectionType(StoryboardType, 'Storyboard');

@ObjectType('StoryboardPayload')
export class StoryboardPayload {
  @Field(() => StoryboardType)
  storyboard!: StoryboardType;
}
