import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { StoryboardStatus } from './storyboard.entity';

registerEnumType(StoryboardStatus, {
  name: 'StoryboardStatus',
  description: 'Lifecycle of a storyboard.',
  valuesConfig: {
    IN_PROGRESS: { description: 'Scenes are rendering one after the other; `currentScene` says which.' },
    COMPLETED: { description: 'Every scene rendered; `finalVideo` is the continuous clip.' },
    FAILED: { description: 'A scene failed or was cancelled; later scenes were not rendered.' },
  },
});

@ObjectType('StoryboardScene', { description: 'One scene of a storyboard.' })
export class StoryboardSceneType {
  @Field(() => Int, { description: '1-based position.' })
  index!: number;

  @Field({ description: 'What happens in this scene, as given in createStoryboard.' })
  prompt!: string;

  @Field(() => Int, { description: 'Length of this scene in seconds.' })
  seconds!: number;
}

@ObjectType('Storyboard', { implements: NodeInterface, description: 'A piece planned scene by scene and rendered as one continuous clip.' })
export class StoryboardType extends NodeInterface {
  @Field(() => StoryboardStatus, { description: 'Where the storyboard is; COMPLETED and FAILED are final.' })
  status!: StoryboardStatus;

  @Field({ description: 'The model every scene is rendered with (alias or snapshot, as given).' })
  model!: string;

  @Field({ description: 'Frame size of every scene, `WIDTHxHEIGHT`.' })
  size!: string;

  @Field(() => Int, { description: 'Sum of the scenes\' seconds: the length of the final video.' })
  totalSeconds!: number;

  @Field(() => Int, { description: '1-based index of the scene being rendered (the last one once finished).' })
  currentScene!: number;

  @Field(() => Date, { description: 'When the storyboard was accepted (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it reached COMPLETED or FAILED; null while it renders.' })
  completedAt!: Date | null;
}

/** `StoryboardConnection` / `StoryboardEdge`. */
export const StoryboardConnection = connectionType(StoryboardType, 'Storyboard');

@ObjectType('StoryboardPayload', { description: 'Result of createStoryboard.' })
export class StoryboardPayload {
  @Field(() => StoryboardType, { description: 'The accepted storyboard; follow it with `storyboardUpdated`.' })
  storyboard!: StoryboardType;
}
