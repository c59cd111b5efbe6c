import { AppError, ErrorCode } from '../errors';
import type { Viewer } from './context';

/** Who a change is attributed to in audit records: the API key id, or `local` in local mode. */
export function actorOf(viewer: Viewer): string {
  return viewer.keyId ?? (viewer.local ? 'local' : 'system');
}

/** @throws FORBIDDEN unless the viewer is an admin (keys, model pins, budgets). */
export function requireAdmin(viewer: Viewer, action: string): void {
  if (viewer.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, `${action} needs an admin API key; this key is a member key.`);
}

/**
 * @throws FORBIDDEN unless the viewer administers the deployment: an admin key of the operator
 * tenant (or the local tenant in local mode). Model pins and budgets affect every tenant, so a
 * tenant's own admin key is not enough.
 */
export function requireOperator(viewer: Viewer, action: string): void {
  if (!viewer.operator) {
    throw new AppError(ErrorCode.FORBIDDEN, `${action} affects every tenant, so it needs an admin key of the operator tenant (OPERATOR_TENANT).`);
  }
}
