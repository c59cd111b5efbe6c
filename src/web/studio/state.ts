import type { StudioModelsQuery } from '../gql/graphql';

/** A model as the studio shows it. */
export type Model = StudioModelsQuery['models'][number];

/** What several panels share: the catalog and the "open this video" action. */
export interface Studio {
  models: Model[];
  /** Shows a video in the player panel and follows it live. */
  watch(videoId: string): void;
  /** Reports an error in the page's notice area. */
  notify(message: string, kind?: 'error' | 'info'): void;
}

/** The price of `size` per second, or null when unknown. */
export function pricePerSecond(model: Model, size: string): number | null {
  return model.pricing.find((p) => p.size === size)?.pricePerSecond ?? null;
}

/** Statuses after which a job changes no more. */
export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
