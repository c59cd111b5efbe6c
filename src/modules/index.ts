import { registerNode } from '../graphql/nodes';
import { EventResolver } from './events/event.resolver';
import { NodeResolver } from './node/node.resolver';
import { Video } from './videos/video.entity';
import { VideoResolver } from './videos/video.resolver';
import { VIDEO_TYPE_NAME } from './videos/video.type';

/** Every resolver class of the schema, feature by feature. */
export const RESOLVERS = [NodeResolver, VideoResolver, EventResolver] as const;

registerNode(VIDEO_TYPE_NAME, Video, (ctx, id) => ctx.loaders.videoById.load(id));
