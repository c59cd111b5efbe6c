import { ArrayMaxSize, ArrayMinSize, Length, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MAX_PROMPT_LENGTH } from '../videos/video.inputs';

@InputType('StoryboardSceneInput', { description: 'One scene to render: what happens and for how long.' })
export class StoryboardSceneInput {
  @Field({ description: 'What happens in this scene.' })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field(() => Int, { description: 'Length of this scene in seconds (a duration the model accepts).' })
  seconds!: number;
}

@InputType('CreateStoryboardInput', { description: 'A piece to render scene by scene with one model and size.' })
export class CreateStoryboardInput {
  @Field(() => [StoryboardSceneInput], { description: '1 to 7 scenes (one video plus up to 6 extensions), at most 120 s in total.' })
  @ArrayMinSize(1, { message: 'scenes must hold at least 1 scene' })
  @ArrayMaxSize(7, { message: 'scenes may hold at most 7 scenes (a video plus 6 extensions)' })
  @ValidateNested({ each: true })
  scenes!: StoryboardSceneInput[];

  @Field({ defaultValue: 'sora-2', description: 'A model alias or snapshot that supports extensions; every scene uses it.' })
  model!: string;

  @Field({ defaultValue: '720x1280', description: '`WIDTHxHEIGHT`, one of the model\'s sizes; every scene uses it.' })
  size!: string;

  @Field(() => [ID], { nullable: true, description: 'Up to two characters, used in the first scene (extensions keep them in the shot).' })
  characterIds?: string[];

  @Field(() => String, { nullable: true, description: 'Makes retries safe: the same key with the same input returns the same storyboard.' })
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}
