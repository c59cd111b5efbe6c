import { Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { MAX_PROMPT_LENGTH, WEBHOOK_URL_DESCRIPTION } from '../videos/video.inputs';

@InputType('ExtendVideoInput', { description: 'A continuation of a COMPLETED video.' })
export class ExtendVideoInput {
  @Field(() => ID, { description: 'The COMPLETED video to continue (an original or an earlier extension).' })
  videoId!: string;

  @Field({ description: 'How the scene continues.' })
  @Length(1, MAX_PROMPT_LENGTH)
  prompt!: string;

  @Field(() => Int, { description: 'Length of the NEW segment in seconds (a duration the model accepts). The result is the source plus this.' })
  seconds!: number;

  @Field(() => String, { nullable: true, description: 'Makes retries safe: the same key with the same input returns the same extension.' })
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;

  @Field(() => String, { nullable: true, description: WEBHOOK_URL_DESCRIPTION })
  webhookUrl?: string;
}
