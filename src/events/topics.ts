import type { VideoStatus } from '../modules/videos/video.enums';

/** Published after a video's state change is committed. */
export interface VideoChangedEvent {
  tenantId: string;
  videoId: string;
  version: number;
  status: VideoStatus;
}

/**
 * Typed topics. The first tuple element is the routing id: subscribers listen to one video
 * (`video.changed`, routed by video id) or one tenant's feed (`tenant.videos`, routed by tenant id),
 * so an instance only receives what its subscribers asked for.
 */
export type Topics = {
  'video.changed': [videoId: string, event: VideoChangedEvent];
  'tenant.videos': [tenantId: string, event: VideoChangedEvent];
};
