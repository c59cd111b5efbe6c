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
