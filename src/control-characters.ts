/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. PostgreSQL cannot
 * store NUL in text at all, and the others are never meant in prompts, ids or metadata: refusing
 * them up front gives the client a named field instead of a failed insert.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The first forbidden control character of `text`, as `U+XXXX`, or undefined when there is none. */
export function controlCharacterIn(text: string): string | undefined {
  const match = CONTROL_CHARACTER.exec(text);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/** A forbidden control character found in a value, with the path of the string that holds it. */
export interface ControlCharacterHit {
  /** Dotted input path, arrays as `[i]`: `input.prompt`, `input.items[3].customId`, `input.metadata.scene`. */
  field: string;
  /** The character, as `U+XXXX`. */
  character: string;
}

/**
 * Looks through a coerced input value (strings, lists, input objects, JSON scalars; object keys
 * too) for a forbidden control character, depth first.
 */
export function findControlCharacter(value: unknown, path: string): ControlCharacterHit | undefined {
  if (typeof value === 'string') {
    const character = controlCharacterIn(value);
    return character ? { field: path, character } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findControlCharacter(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const keyCharacter = controlCharacterIn(key);
      if (keyCharacter) return { field: `${path}.${key}`, character: keyCharacter };
      const hit = findControlCharacter(inner, `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** The message for a hit: what is wrong and what to change. */
export function controlCharacterMessage(hit: ControlCharacterHit): string {
  return `${hit.field} contains the control character ${hit.character}; remove it (text may hold tab, line feed and carriage return, but no other control characters).`;
}
