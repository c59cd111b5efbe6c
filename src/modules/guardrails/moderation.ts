import OpenAI from 'openai';
import { AppError, ErrorCode } from '../../errors';
import { classifyUpstreamError } from '../../upstream/errors';

/** Where the optional moderation endpoint is. */
export interface ModerationConfig {
  baseURL: string;
  apiKey: string;
  model: string;
}

/** Inputs sent per moderation request (batches of prompts go in chunks). */
const CHUNK = 32;

/**
 * An optional OpenAI-compatible moderation endpoint (`POST /moderations`), called before any
 * video request when configured. Flagged text is refused with CONTENT_POLICY_VIOLATION naming the
 * flagged categories; an unreachable endpoint fails closed (UPSTREAM_UNAVAILABLE), so nothing
 * unscreened is submitted.
 */
export class Moderation {
  private readonly sdk: OpenAI;

  constructor(private readonly config: ModerationConfig) {
    this.sdk = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, maxRetries: 2, timeout: 15_000 });
  }

  /** @throws CONTENT_POLICY_VIOLATION for the first flagged text, with its field. */
  async check(texts: { text: string; field: string }[]): Promise<void> {
    for (let i = 0; i < texts.length; i += CHUNK) {
      const chunk = texts.slice(i, i + CHUNK);
      let results;
      try {
        results = (await this.sdk.moderations.create({ model: this.config.model, input: chunk.map((t) => t.text) })).results;
      } catch (error) {
        const failure = classifyUpstreamError(error);
        throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `The moderation service could not screen the request, so nothing was submitted: ${failure.error.message}`);
      }
      results.forEach((result, j) => {
        if (!result.flagged) return;
        const categories = Object.entries(result.categories).filter(([, on]) => on).map(([name]) => name);
        throw new AppError(ErrorCode.CONTENT_POLICY_VIOLATION, `The moderation service flagged ${chunk[j].field} (${categories.join(', ') || 'unspecified'}); nothing was submitted.`, {
          field: chunk[j].field,
          categories,
        });
      });
    }
  }
}
