import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../../graphql/relay';
import { EventSubject } from './event.entity';

registerEnumType(EventSubject, { name: 'EventSubject', description: 'Kind of object an event is about.' });

@ObjectType('Event', { description: 'One committed state change. The log is ordered; `cursor` is its position.' })
export class EventType {
  @Field({ description: 'Pass as `after` to read or stream the events that follow this one.' })
  cursor!: string;

  @Field(() => EventSubject)
  subject!: EventSubject;

  @Field({ description: 'Status of the object after the change (e.g. a VideoStatus value).' })
  status!: string;

  @Field(() => Int)
  progress!: number;

  @Field(() => Int, { description: 'Version of the object after the change; increases by one per change.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Error code when the change was a failure.' })
  errorCode!: string | null;

  @Field(() => Date)
  occurredAt!: Date;
}

/** `EventConnection` / `EventEdge`. */
export const EventConnection = connectionType(EventType, 'Event', 'oldest first (log order)');
