import { Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType('CreateCharacterInput', { description: 'A character to register from a short MP4 upload.' })
export class CreateCharacterInput {
  @Field({ description: 'The name to use verbatim in prompts, 1 to 80 characters.' })
  @Length(1, 80)
  name!: string;

  @Field(() => ID, { description: 'An MP4 upload (POST /uploads): 2–4 s of a non-human subject, 16:9 or 9:16, works best.' })
  uploadId!: string;

  @Field({ defaultValue: 'sora-2', description: 'A model the character is for: it is registered on that model\'s upstream, and videos of models on the same upstream can use it.' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'Makes retries safe: the same key with the same input returns the same character.' })
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'idempotencyKey must be 1 to 255 printable ASCII characters' })
  idempotencyKey?: string;
}
