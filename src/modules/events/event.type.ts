import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../../graphql/relay';
import { EventSubject } from './event.entity';

registerEnumType(EventSubject, {
  name: 'EventSubject',
  description: 'Kind of object an event is about.',
  valuesConfig: {
    VIDEO: { description: 'A Video changed (status, progress or error); `status` is a VideoStatus value.' },
    WEBHOOK_ENDPOINT: { description: 'A WebhookEndpoint changed, e.g. it was disabled after failing deliveries.' },
  },
});

@ObjectType('Event', { description: 'One committed state change. The log is ordered; `cursor` is its position.' })
export class EventType {
  @Field({ description: 'Pass as `after` to read or stream the events that follow this one.' })
  cursor!: string;

  @Field(() => EventSubject, { description: 'Which kind of object changed; `subjectId` in the filters takes its global ID.' })
  subject!: EventSubject;

  @Field({ description: 'Status of the object after the change (e.g. a VideoStatus value).' })
  status!: string;

  @Field(() => Int, { description: 'Progress of the object after the change, 0 to 100 (0 for objects without progress).' })
  progress!: number;

  @Field(() => Int, { description: 'Version of the object after the change; increases by one per change.' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'Error code when the change was a failure.' })
  errorCode!: string | null;

  @Field(() => Date, { description: 'When the change was committed (UTC).' })
  occurredAt!: Date;
}

/** `EventConnection` / `EventEdge`. */
export const EventConnection = connectionType(EventType, 'Event', 'oldest first (log order)');
