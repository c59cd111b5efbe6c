import type { VideoOperation, VideoStatus } from '../gql/graphql';
import { request } from '../api/client';
import { StudioLibrary } from './documents';
import { field, h, replace, select, statusBadge } from './dom';
import type { Studio } from './state';

const PAGE_SIZE = 12;
const STATUSES: VideoStatus[] = ['QUEUED', 'PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'];
const OPERATIONS: VideoOperation[] = ['CREATE', 'EXTEND', 'EDIT', 'REMIX'];

/** The library: the tenant's videos, newest first, filtered by status and operation, a page at a time. */
export function libraryPanel(studio: Studio): { element: HTMLElement; refresh(): void } {
  const status = select('library-status', ['', ...STATUSES], '', (s) => (s ? String(s).replace('_', ' ') : 'Any status'));
  const operation = select('library-operation', ['', ...OPERATIONS], '', (o) => (o ? String(o) : 'Any operation'));
  const grid = h('ul', { class: 'library' });
  const previous = h('button', { type: 'button' }, '← Newer');
  const next = h('button', { type: 'button' }, 'Older →');
  const page = h('span', { class: 'hint' });
  // The cursors that opened each page so far: going back re-reads the page from its cursor.
  let cursors: (string | null)[] = [null];
  let nextCursor: string | null = null;

  async function load(): Promise<void> {
    const filter = { ...(status.value ? { status: [status.value as VideoStatus] } : {}), ...(operation.value ? { operation: [operation.value as VideoOperation] } : {}) };
    const { videos } = await request(StudioLibrary, { first: PAGE_SIZE, after: cursors[cursors.length - 1], filter });
    nextCursor = videos.pageInfo.hasNextPage ? videos.pageInfo.endCursor ?? null : null;
    next.disabled = !nextCursor;
    previous.disabled = cursors.length <= 1;
    page.textContent = `Page ${cursors.length}`;
    replace(
      grid,
      videos.nodes.length === 0 && h('li', { class: 'empty' }, 'No videos match.'),
      ...videos.nodes.map((video) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'card', onclick: () => studio.watch(video.id) },
            video.thumbnailUrl ? h('img', { src: video.thumbnailUrl, alt: '', loading: 'lazy' }) : h('div', { class: 'thumb-empty' }, video.status === 'IN_PROGRESS' ? `${video.progress}%` : '…'),
            h('span', { class: 'card-prompt' }, video.prompt),
            h('span', { class: 'card-meta' }, statusBadge(video.status), ` ${video.operation} · ${video.seconds} s · ${video.size}`),
          ),
        ),
      ),
    );
  }
  const reload = () => void load().catch((error: Error) => studio.notify(error.message));
  for (const control of [status, operation]) control.addEventListener('change', () => ((cursors = [null]), reload()));
  next.addEventListener('click', () => nextCursor && (cursors.push(nextCursor), reload()));
  previous.addEventListener('click', () => cursors.length > 1 && (cursors.pop(), reload()));
  const refresh = h('button', { type: 'button', onclick: reload }, 'Refresh');

  const element = h('div', { class: 'panel-body' }, h('div', { class: 'row filters' }, field('Status', status), field('Operation', operation), refresh), grid, h('div', { class: 'row pager' }, previous, page, next));
  return { element, refresh: reload };
}
