import { badInput } from '../../errors';
import { MAX_PROMPT_LENGTH } from '../videos/video.inputs';
import type { Moderation } from './moderation';
import type { ContentPolicy } from './policy';

/** A text to screen and the input field it came from. */
export interface Screened {
  text: string;
  field: string;
}

/**
 * Guardrails that run before any upstream call: prompt length, the content policy list, and the
 * moderation endpoint when configured. (Model, size, duration, reference image, character and
 * extension limits are checked by the features against the catalog.)
 */
export class Guardrails {
  constructor(
    readonly policy: ContentPolicy,
    private readonly moderation?: Moderation,
  ) {}

  /** Screens one prompt; returns it unchanged. */
  async prompt(text: string, field = 'input.prompt'): Promise<string> {
    await this.screen([{ text, field }]);
    return text;
  }

  /** Screens several texts (a storyboard's scenes, a batch's items): cheap checks on all first. */
  async screen(texts: Screened[]): Promise<void> {
    for (const { text, field } of texts) {
      if (text.trim().length === 0) throw badInput(field, `${field.split('.').pop()} must contain text (got only whitespace).`);
      if (text.length > MAX_PROMPT_LENGTH) throw badInput(field, `${field.split('.').pop()} is ${text.length} characters; at most ${MAX_PROMPT_LENGTH}.`);
      this.policy.check(text, field);
    }
    await this.moderation?.check(texts);
  }
}
