import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config';
import { AppError, ErrorCode } from '../../errors';
import defaultPolicy from './default-policy.json';

/** What a rule protects. */
export type PolicyCategory = 'REAL_PERSON' | 'PUBLIC_FIGURE' | 'COPYRIGHTED_CHARACTER' | 'COPYRIGHTED_MUSIC' | 'OTHER';
const CATEGORIES: readonly PolicyCategory[] = ['REAL_PERSON', 'PUBLIC_FIGURE', 'COPYRIGHTED_CHARACTER', 'COPYRIGHTED_MUSIC', 'OTHER'];

/** One rule of the policy file. */
export interface PolicyRule {
  id: string;
  category: PolicyCategory;
  /** Case-insensitive JavaScript regular expression. */
  pattern: string;
  /** How the refusal describes the match ("names a real person"). */
  message?: string;
}

/** Thrown when a policy file is invalid; lists every problem. */
export class PolicyError extends ConfigError {
  constructor(source: string, problems: string[]) {
    super(problems.map((p) => `content policy ${source}: ${p}`));
    this.name = 'PolicyError';
  }
}

/**
 * The operator-editable content policy: patterns for what the upstream refuses (real people and
 * public figures, copyrighted characters and music). Checked before any upstream call, so a
 * refused prompt costs nothing. The shipped list is a minimal starter (`default-policy.json`);
 * `POLICY_FILE` replaces it.
 */
export class ContentPolicy {
  private readonly rules: { rule: PolicyRule; regex: RegExp }[];

  constructor(rules: PolicyRule[] = (defaultPolicy as { rules: PolicyRule[] }).rules, source = 'default-policy.json') {
    const problems: string[] = [];
    const ids = new Set<string>();
    this.rules = rules.flatMap((rule, i) => {
      if (!rule?.id || ids.has(rule.id)) problems.push(`rules[${i}].id: required and unique`);
      ids.add(rule?.id);
      if (!CATEGORIES.includes(rule?.category)) problems.push(`rules[${i}].category: one of ${CATEGORIES.join(', ')}`);
      try {
        return [{ rule, regex: new RegExp(rule.pattern, 'iu') }];
      } catch (error) {
        problems.push(`rules[${i}].pattern: not a valid regular expression (${(error as Error).message})`);
        return [];
      }
    });
    if (problems.length > 0) throw new PolicyError(source, problems);
  }

  /** The default policy, or the operator's file. */
  static load(file: string | undefined): ContentPolicy {
    if (!file) return new ContentPolicy();
    let data: { rules?: PolicyRule[] };
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as { rules?: PolicyRule[] };
    } catch (error) {
      throw new PolicyError(file, [`cannot read it as JSON: ${(error as Error).message}`]);
    }
    if (!Array.isArray(data.rules)) throw new PolicyError(file, ['rules: must be a list']);
    return new ContentPolicy(data.rules, file);
  }

  get size(): number {
    return this.rules.length;
  }

  /** @throws CONTENT_POLICY_VIOLATION naming the rule, its category and the matched words. */
  check(text: string, field: string): void {
    for (const { rule, regex } of this.rules) {
      const match = regex.exec(text);
      if (!match) continue;
      throw new AppError(
        ErrorCode.CONTENT_POLICY_VIOLATION,
        `${field.split('.').pop()} ${rule.message ?? 'matches a content policy rule'} ('${match[0]}'); the video service refuses this content. Remove it and try again.`,
        { field, policy: rule.id, category: rule.category, match: match[0] },
      );
    }
  }
}
