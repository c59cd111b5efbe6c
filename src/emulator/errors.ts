/**
 * The OpenAI error envelope and the exact messages the emulator uses.
 *
 * Wording follows the contract (§6) where it records real messages; the rest follows the
 * general OpenAI API style and is listed in docs/emulator.md.
 */

/** Body of every error response: `{"error":{"message","type","param","code"}}`. */
export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error that maps to one HTTP response with the OpenAI envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers, e.g. `retry-after-ms` on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body to send. */
  toEnvelope(): ErrorEnvelope {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (Oxford comma), as in the contract's messages. */
export function quotedList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/** 400 `Invalid value: 'x'. Supported values are: …` (code `invalid_value`). */
export function invalidValue(param: string, value: unknown, allowed: readonly string[]): ApiError {
  return new ApiError(
    400,
    `Invalid value: '${String(value)}'. Supported values are: ${quotedList(allowed)}.`,
    'invalid_request_error',
    param,
    'invalid_value',
  );
}

/** 400 `Unknown parameter: 'width'.` (code `unknown_parameter`). */
export function unknownParameter(param: string): ApiError {
  return new ApiError(400, `Unknown parameter: '${param}'.`, 'invalid_request_error', param, 'unknown_parameter');
}

/** 400 `Missing required parameter: 'prompt'.` */
export function missingParameter(param: string): ApiError {
  return new ApiError(
    400,
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    param,
    'missing_required_parameter',
  );
}

/** JSON-ish type name used in "expected X, but got Y" messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

/** 400 `Invalid type for 'x': expected a string, but got an integer instead.` */
export function invalidType(param: string, expected: string, got: unknown): ApiError {
  return new ApiError(
    400,
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(got)} instead.`,
    'invalid_request_error',
    param,
    'invalid_type',
  );
}

/** 400 for a string outside its length bounds. */
export function stringLength(param: string, value: string, min: number, max: number): ApiError {
  if (value.length < min) {
    return new ApiError(
      400,
      `Invalid '${param}': string too short. Expected a string with minimum length ${min}, but got ${value.length === 0 ? 'an empty string' : `a string with length ${value.length}`} instead.`,
      'invalid_request_error',
      param,
      'string_below_min_length',
    );
  }
  return new ApiError(
    400,
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${value.length} instead.`,
    'invalid_request_error',
    param,
    'string_above_max_length',
  );
}

/** 400 for an integer query/body value outside its bounds. */
export function integerRange(param: string, value: number, min: number, max: number): ApiError {
  if (value < min) {
    return new ApiError(
      400,
      `Invalid '${param}': integer below minimum value. Expected a value greater than or equal to ${min}, but got ${value} instead.`,
      'invalid_request_error',
      param,
      'integer_below_min_value',
    );
  }
  return new ApiError(
    400,
    `Invalid '${param}': integer above maximum value. Expected a value less than or equal to ${max}, but got ${value} instead.`,
    'invalid_request_error',
    param,
    'integer_above_max_value',
  );
}

/** Resource names used in not-found messages. */
export type ResourceName = 'Video' | 'Character' | 'File' | 'Batch';

const NOT_FOUND_CODE: Record<ResourceName, string> = {
  Video: 'video_not_found',
  Character: 'character_not_found',
  File: 'file_not_found',
  Batch: 'batch_not_found',
};

/** 404 `Video with id 'x' not found.` */
export function notFound(resource: ResourceName, id: string, param: string | null = null): ApiError {
  // Files keep the OpenAI Files API's own wording.
  const message = resource === 'File' ? `No such File object: ${id}` : `${resource} with id '${id}' not found.`;
  return new ApiError(404, message, 'invalid_request_error', param, NOT_FOUND_CODE[resource]);
}

/** 404 for an unknown route, worded like the OpenAI API. */
export function invalidUrl(method: string, url: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${url})`, 'invalid_request_error', null, 'unknown_url');
}

/** 400 for a body that is not valid JSON (the OpenAI API's wording). */
export function malformedJson(): ApiError {
  return new ApiError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    'invalid_request_error',
    null,
    'invalid_json',
  );
}

/** 401 for a missing or wrong bearer token. Never echoes the key. */
export function invalidApiKey(missing: boolean): ApiError {
  return new ApiError(
    401,
    missing
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
      : 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

/** 500 with the contract's server-error message. */
export function serverError(): ApiError {
  return new ApiError(
    500,
    'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error.',
    'server_error',
    null,
    null,
  );
}

/** 429 `rate_limit_exceeded` with `retry-after-ms` and `retry-after` (whole seconds, rounded up). */
export function rateLimited(retryAfterMs: number, detail: string): ApiError {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  return new ApiError(
    429,
    `Rate limit reached for requests${detail}. Please try again in ${ms}ms.`,
    'requests',
    null,
    'rate_limit_exceeded',
    { 'retry-after-ms': String(ms), 'retry-after': String(Math.ceil(ms / 1000)) },
  );
}

/** 413 for a request body or file beyond `maxUploadBytes`. */
export function tooLarge(maxBytes: number, param: string | null = null): ApiError {
  return new ApiError(
    413,
    `Request too large: the maximum upload size is ${maxBytes} bytes.`,
    'invalid_request_error',
    param,
    'request_too_large',
  );
}

/** 400 moderation rejection at create time. */
export function moderationRejected(param: string): ApiError {
  return new ApiError(
    400,
    'Your request was rejected by our moderation system. If you believe this is an error, revise the request and try again.',
    'invalid_request_error',
    param,
    'moderation_blocked',
  );
}
