/** Every operation the studio sends; `npm run codegen` types them from the schema (src/web/gql). */
import { graphql } from '../gql';

export const StudioModels = graphql(`
  query StudioModels {
    models {
      id
      displayName
      capabilities {
        sizes
        durations
        extensions
        edits
        batch
      }
      pricing {
        size
        pricePerSecond
      }
      lifecycle {
        deprecated
        shutdown
        replacement
      }
    }
  }
`);

export const StudioEstimate = graphql(`
  query StudioEstimate($input: CreateVideoInput!) {
    estimateVideoCost(input: $input) {
      pricePerSecond
      estimatedCost
      currency
      resolvedModel
    }
  }
`);

export const StudioCreateVideo = graphql(`
  mutation StudioCreateVideo($input: CreateVideoInput!) {
    createVideo(input: $input) {
      video {
        id
        status
        progress
      }
    }
  }
`);

export const StudioExtendVideo = graphql(`
  mutation StudioExtendVideo($input: ExtendVideoInput!) {
    extendVideo(input: $input) {
      extension {
        video {
          id
          status
          progress
        }
      }
    }
  }
`);

export const StudioEditVideo = graphql(`
  mutation StudioEditVideo($input: EditVideoInput!) {
    editVideo(input: $input) {
      video {
        id
        status
        progress
      }
    }
  }
`);

export const StudioVideo = graphql(`
  query StudioVideo($id: ID!) {
    video(id: $id) {
      id
      status
      progress
      prompt
      model
      size
      seconds
      operation
      estimatedCost
      cost
      createdAt
      error {
        code
        message
      }
      downloadUrl
      thumbnailUrl: downloadUrl(variant: THUMBNAIL)
      spritesheetUrl: downloadUrl(variant: SPRITESHEET)
      source {
        id
      }
    }
  }
`);

export const StudioVideoUpdated = graphql(`
  subscription StudioVideoUpdated($id: ID!) {
    videoUpdated(id: $id) {
      id
      status
      progress
      error {
        code
        message
      }
    }
  }
`);

export const StudioLibrary = graphql(`
  query StudioLibrary($first: Int, $after: String, $filter: VideoFilter) {
    videos(first: $first, after: $after, filter: $filter) {
      nodes {
        id
        status
        progress
        prompt
        model
        size
        seconds
        operation
        createdAt
        thumbnailUrl: downloadUrl(variant: THUMBNAIL)
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const StudioCreateStoryboard = graphql(`
  mutation StudioCreateStoryboard($input: CreateStoryboardInput!) {
    createStoryboard(input: $input) {
      storyboard {
        id
        status
      }
    }
  }
`);

export const StudioStoryboard = graphql(`
  query StudioStoryboard($id: ID!) {
    storyboard(id: $id) {
      id
      status
      progress
      currentScene
      totalSeconds
      error {
        code
        message
      }
      scenes {
        index
        prompt
        seconds
        video {
          id
          status
          progress
        }
      }
      finalVideo {
        id
      }
    }
  }
`);

export const StudioStoryboardUpdated = graphql(`
  subscription StudioStoryboardUpdated($id: ID!) {
    storyboardUpdated(id: $id) {
      id
      status
      progress
      currentScene
    }
  }
`);

export const StudioSubmitBatch = graphql(`
  mutation StudioSubmitBatch($input: SubmitBatchInput!) {
    submitBatch(input: $input) {
      batch {
        id
        status
        total
        estimatedCost
      }
    }
  }
`);

export const StudioBatchUpdated = graphql(`
  subscription StudioBatchUpdated($id: ID!) {
    batchUpdated(id: $id) {
      id
      status
      total
      counts {
        pending
        inProgress
        completed
        failed
        cancelled
      }
    }
  }
`);

export const StudioBatchVideos = graphql(`
  query StudioBatchVideos($id: ID!, $first: Int) {
    batch(id: $id) {
      id
      errors {
        customId
        code
        message
      }
      videos(first: $first) {
        nodes {
          id
          customId
          status
          progress
          thumbnailUrl: downloadUrl(variant: THUMBNAIL)
        }
      }
    }
  }
`);
