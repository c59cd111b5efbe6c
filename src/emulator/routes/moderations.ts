/**
 * `POST /moderations`: an OpenAI-compatible moderation endpoint, so a layer that screens prompts
 * before submitting them can be tested offline. It flags text containing
 * {@link MODERATION_FLAG_TOKEN} or any `moderation.blockAtCreate` term (what the video endpoint
 * itself would refuse), under the `violence` category.
 */
import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';
import { isBlockedAtCreate } from '../guardrails';
import { moderationId } from '../ids';
import { withBody } from './util';

/** Text containing this token is always flagged. */
export const MODERATION_FLAG_TOKEN = 'EMULATOR_MODERATION_FLAG';

const CATEGORIES = ['harassment', 'hate', 'illicit', 'self-harm', 'sexual', 'violence'] as const;

export function moderationsRouter(ctx: EmulatorContext): Router {
  const r = Router();
  r.post('/moderations', async (req, res) => {
    await withBody(ctx, req, ['json'], ({ body }) => {
      const input = body.input;
      const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((t) => typeof t === 'string') ? (input as string[]) : null;
      if (!texts) throw new ApiError(400, "Invalid type for 'input': expected a string or an array of strings.", 'invalid_request_error', 'input', 'invalid_type');
      res.json({
        id: moderationId(),
        model: typeof body.model === 'string' ? body.model : 'omni-moderation-latest',
        results: texts.map((text) => {
          const flagged = text.includes(MODERATION_FLAG_TOKEN) || isBlockedAtCreate(ctx.opts, text);
          return {
            flagged,
            categories: Object.fromEntries(CATEGORIES.map((c) => [c, flagged && c === 'violence'])),
            category_scores: Object.fromEntries(CATEGORIES.map((c) => [c, flagged && c === 'violence' ? 0.97 : 0.001])),
          };
        }),
      });
    });
  });
  return r;
}
