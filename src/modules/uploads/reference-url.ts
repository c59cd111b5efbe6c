import { writeFile, rm } from 'node:fs/promises';
import { AppError, badInput, ErrorCode } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import { checkUrl, OutboundError, send, UrlRefused } from '../../net/outbound-http';
import { detectContent } from './content-type';
import { Upload, UploadKind } from './upload.entity';
import type { UploadService } from './upload.service';

/** Image types a reference may be, as uploads accept them. */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
/** Longest reference URL accepted. */
const MAX_URL_LENGTH = 2048;

/** Options of {@link ReferenceFetcher}. */
export interface ReferenceFetcherOptions {
  /** `OUTBOUND_WEBHOOKS_ALLOW_PRIVATE`: the same SSRF switch as outbound webhooks. */
  allowPrivate: boolean;
  /** `INPUT_REFERENCE_URL_TIMEOUT_MS`. */
  timeoutMs: number;
}

/**
 * Reference images by URL (`inputReferenceUrl`): fetched server-side through the SSRF guard
 * (public targets only, the checked address is the one connected to, redirects not followed),
 * capped at UPLOAD_MAX_BYTES, checked by declared type AND by content like an upload, and then
 * kept as an upload of the tenant. Any refusal is BAD_USER_INPUT naming the field, before
 * anything is stored.
 */
export class ReferenceFetcher {
  constructor(
    private readonly uploads: UploadService,
    private readonly options: ReferenceFetcherOptions,
  ) {}

  /** Fetches and checks the image; `size` (`WxH`) must equal its dimensions. Returns an upload managed by `ctx.em`. */
  async fetch(ctx: RequestContext, raw: string, size: string, field: string): Promise<Upload> {
    const allowPrivate = this.options.allowPrivate;
    let url: URL;
    try {
      url = await checkUrl(raw, { field, allowHttp: ctx.viewer.local || allowPrivate, maxLength: MAX_URL_LENGTH, allowPrivate });
    } catch (error) {
      if (error instanceof UrlRefused) throw badInput(field, error.message);
      throw error;
    }
    const maxBytes = this.uploads.maxBytes;
    let response;
    try {
      response = await send({ method: 'GET', url, headers: { accept: IMAGE_TYPES.join(', '), 'user-agent': 'Reelgraph/1' }, timeoutMs: this.options.timeoutMs, maxBytes, allowPrivate });
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      const why: Record<string, string> = {
        too_large: `the image is larger than the ${maxBytes} bytes UPLOAD_MAX_BYTES allows; use a smaller file`,
        timeout: `${error.message}; use a faster host or upload the file (POST /uploads)`,
        refused: `${error.message}; use a public address`,
        network: `${error.message}; check that the URL is reachable from the server`,
      };
      throw badInput(field, `${field} could not be fetched: ${why[error.kind]}.`);
    }
    if (response.status >= 300 && response.status < 400) {
      throw badInput(field, `${field} answered ${response.status} (a redirect${response.headers.location ? ` to ${String(response.headers.location).slice(0, 200)}` : ''}); redirects are not followed: give the final URL of the image.`);
    }
    if (response.status < 200 || response.status >= 300) throw badInput(field, `${field} answered HTTP ${response.status}; it must serve the image with 200.`);
    const declared = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (declared && !IMAGE_TYPES.includes(declared)) {
      throw badInput(field, `${field} serves ${declared}; a reference must be a PNG, JPEG or WebP image.`, IMAGE_TYPES);
    }
    const temp = await this.uploads.tempFile();
    try {
      await writeFile(temp, response.body);
      const content = await detectContent(temp);
      if (!content || content.kind !== UploadKind.IMAGE) {
        throw badInput(field, `${field} is not a PNG, JPEG or WebP image (checked by its content, not its name or type).`, IMAGE_TYPES);
      }
      const actual = `${content.width}x${content.height}`;
      if (actual !== size) {
        throw new AppError(ErrorCode.BAD_USER_INPUT, `The reference image is ${actual} but the video size is ${size}; they must be equal. Resize the image to ${size} or request size ${actual}.`, { field, expected: size, actual });
      }
      const filename = url.pathname.split('/').pop() || 'reference';
      const stored = await this.uploads.store(ctx.viewer.tenantId, temp, content, filename, response.body.length);
      return ctx.em.findOneOrFail(Upload, { id: stored.id });
    } finally {
      await rm(temp, { force: true });
    }
  }
}
