import type { VideoStatus } from '../modules/videos/video.enums';
import type { VideoSnapshot } from '../modules/videos/video.snapshot';

/** Published after a video's state change is committed; carries the new state. */
export interface VideoChangedEvent {
  tenantId: string;
  videoId: string;
  version: number;
  status: VideoStatus;
  snapshot: VideoSnapshot;
}

/** Published when a storyboard or one of its scene videos changed. */
export interface StoryboardChangedEvent {
  tenantId: string;
  storyboardId: string;
}

/** Published when a batch's status or item counts changed (throttled). */
export interface BatchChangedEvent {
  tenantId: string;
  batchId: string;
}

/** Published after an event-log entry is committed: "there is something after your cursor". */
export interface EventLogged {
  tenantId: string;
  seq: number;
}

/** Published when API keys are revoked through the API, so every instance refuses them at once. */
export interface KeysRevoked {
  keyIds: string[];
}

/**
 * Typed topics. The first tuple element is the routing id: subscribers listen to one video
 * (`video.changed`, routed by video id) or one tenant (`tenant.*`, routed by tenant id), so an
 * instance only receives what its subscribers asked for.
 */
export type Topics = {
  'video.changed': [videoId: string, event: VideoChangedEvent];
  'tenant.videos': [tenantId: string, event: VideoChangedEvent];
  'tenant.events': [tenantId: string, event: EventLogged];
  'storyboard.changed': [storyboardId: string, event: StoryboardChangedEvent];
  'batch.changed': [batchId: string, event: BatchChangedEvent];
  'apikey.revoked': [scope: string, event: KeysRevoked];
};
