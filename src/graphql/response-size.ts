import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext } from './context';

/** Approximate JSON size of a resolved value's own bytes (objects and lists count their items as fields resolve). */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number' || typeof value === 'boolean') return 8;
  if (value === null || value === undefined) return 4;
  if (value instanceof Date) return 26;
  if (Array.isArray(value)) {
    let total = 2;
    for (const item of value) total += item !== null && typeof item === 'object' && !(item instanceof Date) ? 2 : sizeOf(item) + 1;
    return total;
  }
  return 2;
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.QUERY_TOO_COMPLEX, `The response would be larger than ${maxBytes} bytes, the limit. Ask for fewer fields or smaller pages (first), and page through the rest.`, { maxResponseBytes: maxBytes });
}

/**
 * Apollo plugin: bounds the response size while it is produced. Each resolved field adds its key
 * and value to a running total; past `maxBytes`, every further field fails at once (so execution
 * winds down instead of building, say, 85 MB of prompts) and the response is that one error.
 * The cost limit bounds work; this bounds what work can produce (a page of 32 KB prompts).
 */
export function responseSizePlugin(maxBytes: number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let bytes = 0;
      let exceeded = false;
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              if (exceeded) throw tooLarge(maxBytes);
              bytes += String(info.path.key).length + 4;
              return (_error, result) => {
                bytes += sizeOf(result);
                if (bytes > maxBytes) exceeded = true;
              };
            },
          };
        },
        async willSendResponse({ response }) {
          if (!exceeded || response.body.kind !== 'single') return;
          const error = tooLarge(maxBytes);
          response.body.singleResult = { data: null, errors: [{ message: error.message, extensions: { code: error.code, maxResponseBytes: maxBytes } }] };
        },
      };
    },
  };
}
