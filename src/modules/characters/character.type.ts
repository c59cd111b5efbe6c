import { Field, ObjectType } from 'type-graphql';
import { connectionType, NodeInterface } from '../../graphql/relay';

@ObjectType('Character', { implements: NodeInterface, description: 'A reusable subject registered from a short clip; reference it in createVideo.characterIds.' })
export class CharacterType extends NodeInterface {
  @Field({ description: 'Use this name verbatim in prompts.' })
  name!: string;

  @Field(() => Date, { description: 'When the character was registered (UTC).' })
  createdAt!: Date;
}

/** `CharacterConnection` / `CharacterEdge`. */
export const CharacterConnection = connectionType(CharacterType, 'Character');

@ObjectType('CharacterPayload', { description: 'Result of createCharacter.' })
export class CharacterPayload {
  @Field(() => CharacterType, { description: 'The registered character; pass its `id` in `createVideo.characterIds`.' })
  character!: CharacterType;
}
