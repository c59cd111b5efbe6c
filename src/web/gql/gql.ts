/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query StudioModels {\n    models {\n      id\n      displayName\n      capabilities {\n        sizes\n        durations\n        extensions\n        edits\n        batch\n      }\n      pricing {\n        size\n        pricePerSecond\n      }\n      lifecycle {\n        deprecated\n        shutdown\n        replacement\n      }\n    }\n  }\n": typeof types.StudioModelsDocument,
    "\n  query StudioEstimate($input: CreateVideoInput!) {\n    estimateVideoCost(input: $input) {\n      pricePerSecond\n      estimatedCost\n      currency\n      resolvedModel\n    }\n  }\n": typeof types.StudioEstimateDocument,
    "\n  mutation StudioCreateVideo($input: CreateVideoInput!) {\n    createVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n": typeof types.StudioCreateVideoDocument,
    "\n  mutation StudioExtendVideo($input: ExtendVideoInput!) {\n    extendVideo(input: $input) {\n      extension {\n        video {\n          id\n          status\n          progress\n        }\n      }\n    }\n  }\n": typeof types.StudioExtendVideoDocument,
    "\n  mutation StudioEditVideo($input: EditVideoInput!) {\n    editVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n": typeof types.StudioEditVideoDocument,
    "\n  query StudioVideo($id: ID!) {\n    video(id: $id) {\n      id\n      status\n      progress\n      prompt\n      model\n      size\n      seconds\n      operation\n      estimatedCost\n      cost\n      createdAt\n      error {\n        code\n        message\n      }\n      downloadUrl\n      thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      spritesheetUrl: downloadUrl(variant: SPRITESHEET)\n      source {\n        id\n      }\n    }\n  }\n": typeof types.StudioVideoDocument,
    "\n  subscription StudioVideoUpdated($id: ID!) {\n    videoUpdated(id: $id) {\n      id\n      status\n      progress\n      error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.StudioVideoUpdatedDocument,
    "\n  query StudioLibrary($first: Int, $after: String, $filter: VideoFilter) {\n    videos(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id\n        status\n        progress\n        prompt\n        model\n        size\n        seconds\n        operation\n        createdAt\n        thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.StudioLibraryDocument,
    "\n  mutation StudioCreateStoryboard($input: CreateStoryboardInput!) {\n    createStoryboard(input: $input) {\n      storyboard {\n        id\n        status\n      }\n    }\n  }\n": typeof types.StudioCreateStoryboardDocument,
    "\n  query StudioStoryboard($id: ID!) {\n    storyboard(id: $id) {\n      id\n      status\n      progress\n      currentScene\n      totalSeconds\n      error {\n        code\n        message\n      }\n      scenes {\n        index\n        prompt\n        seconds\n        video {\n          id\n          status\n          progress\n        }\n      }\n      finalVideo {\n        id\n      }\n    }\n  }\n": typeof types.StudioStoryboardDocument,
    "\n  subscription StudioStoryboardUpdated($id: ID!) {\n    storyboardUpdated(id: $id) {\n      id\n      status\n      progress\n      currentScene\n    }\n  }\n": typeof types.StudioStoryboardUpdatedDocument,
    "\n  mutation StudioSubmitBatch($input: SubmitBatchInput!) {\n    submitBatch(input: $input) {\n      batch {\n        id\n        status\n        total\n        estimatedCost\n      }\n    }\n  }\n": typeof types.StudioSubmitBatchDocument,
    "\n  subscription StudioBatchUpdated($id: ID!) {\n    batchUpdated(id: $id) {\n      id\n      status\n      total\n      counts {\n        pending\n        inProgress\n        completed\n        failed\n        cancelled\n      }\n    }\n  }\n": typeof types.StudioBatchUpdatedDocument,
    "\n  query StudioBatchVideos($id: ID!, $first: Int) {\n    batch(id: $id) {\n      id\n      errors {\n        customId\n        code\n        message\n      }\n      videos(first: $first) {\n        nodes {\n          id\n          customId\n          status\n          progress\n          thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n        }\n      }\n    }\n  }\n": typeof types.StudioBatchVideosDocument,
};
const documents: Documents = {
    "\n  query StudioModels {\n    models {\n      id\n      displayName\n      capabilities {\n        sizes\n        durations\n        extensions\n        edits\n        batch\n      }\n      pricing {\n        size\n        pricePerSecond\n      }\n      lifecycle {\n        deprecated\n        shutdown\n        replacement\n      }\n    }\n  }\n": types.StudioModelsDocument,
    "\n  query StudioEstimate($input: CreateVideoInput!) {\n    estimateVideoCost(input: $input) {\n      pricePerSecond\n      estimatedCost\n      currency\n      resolvedModel\n    }\n  }\n": types.StudioEstimateDocument,
    "\n  mutation StudioCreateVideo($input: CreateVideoInput!) {\n    createVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n": types.StudioCreateVideoDocument,
    "\n  mutation StudioExtendVideo($input: ExtendVideoInput!) {\n    extendVideo(input: $input) {\n      extension {\n        video {\n          id\n          status\n          progress\n        }\n      }\n    }\n  }\n": types.StudioExtendVideoDocument,
    "\n  mutation StudioEditVideo($input: EditVideoInput!) {\n    editVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n": types.StudioEditVideoDocument,
    "\n  query StudioVideo($id: ID!) {\n    video(id: $id) {\n      id\n      status\n      progress\n      prompt\n      model\n      size\n      seconds\n      operation\n      estimatedCost\n      cost\n      createdAt\n      error {\n        code\n        message\n      }\n      downloadUrl\n      thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      spritesheetUrl: downloadUrl(variant: SPRITESHEET)\n      source {\n        id\n      }\n    }\n  }\n": types.StudioVideoDocument,
    "\n  subscription StudioVideoUpdated($id: ID!) {\n    videoUpdated(id: $id) {\n      id\n      status\n      progress\n      error {\n        code\n        message\n      }\n    }\n  }\n": types.StudioVideoUpdatedDocument,
    "\n  query StudioLibrary($first: Int, $after: String, $filter: VideoFilter) {\n    videos(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id\n        status\n        progress\n        prompt\n        model\n        size\n        seconds\n        operation\n        createdAt\n        thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.StudioLibraryDocument,
    "\n  mutation StudioCreateStoryboard($input: CreateStoryboardInput!) {\n    createStoryboard(input: $input) {\n      storyboard {\n        id\n        status\n      }\n    }\n  }\n": types.StudioCreateStoryboardDocument,
    "\n  query StudioStoryboard($id: ID!) {\n    storyboard(id: $id) {\n      id\n      status\n      progress\n      currentScene\n      totalSeconds\n      error {\n        code\n        message\n      }\n      scenes {\n        index\n        prompt\n        seconds\n        video {\n          id\n          status\n          progress\n        }\n      }\n      finalVideo {\n        id\n      }\n    }\n  }\n": types.StudioStoryboardDocument,
    "\n  subscription StudioStoryboardUpdated($id: ID!) {\n    storyboardUpdated(id: $id) {\n      id\n      status\n      progress\n      currentScene\n    }\n  }\n": types.StudioStoryboardUpdatedDocument,
    "\n  mutation StudioSubmitBatch($input: SubmitBatchInput!) {\n    submitBatch(input: $input) {\n      batch {\n        id\n        status\n        total\n        estimatedCost\n      }\n    }\n  }\n": types.StudioSubmitBatchDocument,
    "\n  subscription StudioBatchUpdated($id: ID!) {\n    batchUpdated(id: $id) {\n      id\n      status\n      total\n      counts {\n        pending\n        inProgress\n        completed\n        failed\n        cancelled\n      }\n    }\n  }\n": types.StudioBatchUpdatedDocument,
    "\n  query StudioBatchVideos($id: ID!, $first: Int) {\n    batch(id: $id) {\n      id\n      errors {\n        customId\n        code\n        message\n      }\n      videos(first: $first) {\n        nodes {\n          id\n          customId\n          status\n          progress\n          thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n        }\n      }\n    }\n  }\n": types.StudioBatchVideosDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioModels {\n    models {\n      id\n      displayName\n      capabilities {\n        sizes\n        durations\n        extensions\n        edits\n        batch\n      }\n      pricing {\n        size\n        pricePerSecond\n      }\n      lifecycle {\n        deprecated\n        shutdown\n        replacement\n      }\n    }\n  }\n"): typeof import('./graphql').StudioModelsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioEstimate($input: CreateVideoInput!) {\n    estimateVideoCost(input: $input) {\n      pricePerSecond\n      estimatedCost\n      currency\n      resolvedModel\n    }\n  }\n"): typeof import('./graphql').StudioEstimateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateVideo($input: CreateVideoInput!) {\n    createVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n"): typeof import('./graphql').StudioCreateVideoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioExtendVideo($input: ExtendVideoInput!) {\n    extendVideo(input: $input) {\n      extension {\n        video {\n          id\n          status\n          progress\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioExtendVideoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioEditVideo($input: EditVideoInput!) {\n    editVideo(input: $input) {\n      video {\n        id\n        status\n        progress\n      }\n    }\n  }\n"): typeof import('./graphql').StudioEditVideoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioVideo($id: ID!) {\n    video(id: $id) {\n      id\n      status\n      progress\n      prompt\n      model\n      size\n      seconds\n      operation\n      estimatedCost\n      cost\n      createdAt\n      error {\n        code\n        message\n      }\n      downloadUrl\n      thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      spritesheetUrl: downloadUrl(variant: SPRITESHEET)\n      source {\n        id\n      }\n    }\n  }\n"): typeof import('./graphql').StudioVideoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StudioVideoUpdated($id: ID!) {\n    videoUpdated(id: $id) {\n      id\n      status\n      progress\n      error {\n        code\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').StudioVideoUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioLibrary($first: Int, $after: String, $filter: VideoFilter) {\n    videos(first: $first, after: $after, filter: $filter) {\n      nodes {\n        id\n        status\n        progress\n        prompt\n        model\n        size\n        seconds\n        operation\n        createdAt\n        thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').StudioLibraryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateStoryboard($input: CreateStoryboardInput!) {\n    createStoryboard(input: $input) {\n      storyboard {\n        id\n        status\n      }\n    }\n  }\n"): typeof import('./graphql').StudioCreateStoryboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioStoryboard($id: ID!) {\n    storyboard(id: $id) {\n      id\n      status\n      progress\n      currentScene\n      totalSeconds\n      error {\n        code\n        message\n      }\n      scenes {\n        index\n        prompt\n        seconds\n        video {\n          id\n          status\n          progress\n        }\n      }\n      finalVideo {\n        id\n      }\n    }\n  }\n"): typeof import('./graphql').StudioStoryboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StudioStoryboardUpdated($id: ID!) {\n    storyboardUpdated(id: $id) {\n      id\n      status\n      progress\n      currentScene\n    }\n  }\n"): typeof import('./graphql').StudioStoryboardUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioSubmitBatch($input: SubmitBatchInput!) {\n    submitBatch(input: $input) {\n      batch {\n        id\n        status\n        total\n        estimatedCost\n      }\n    }\n  }\n"): typeof import('./graphql').StudioSubmitBatchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StudioBatchUpdated($id: ID!) {\n    batchUpdated(id: $id) {\n      id\n      status\n      total\n      counts {\n        pending\n        inProgress\n        completed\n        failed\n        cancelled\n      }\n    }\n  }\n"): typeof import('./graphql').StudioBatchUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioBatchVideos($id: ID!, $first: Int) {\n    batch(id: $id) {\n      id\n      errors {\n        customId\n        code\n        message\n      }\n      videos(first: $first) {\n        nodes {\n          id\n          customId\n          status\n          progress\n          thumbnailUrl: downloadUrl(variant: THUMBNAIL)\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioBatchVideosDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
