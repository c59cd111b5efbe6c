import { request, subscribe } from '../api/client';
import { StudioBatchUpdated, StudioBatchVideos, StudioSubmitBatch } from './documents';
import { dollars, field, h, idempotencyKey, replace, statusBadge } from './dom';
import { ModelPicker } from './create';
import { type Studio, TERMINAL } from './state';

/** Items the panel lists (a batch may hold up to 50,000; the library pages through the rest). */
const SHOWN_ITEMS = 50;

/** The batch panel: one prompt per line, submitted as an IMMEDIATE batch, then its counts and items live. */
export function batchPanel(studio: Studio): HTMLElement {
  const picker = new ModelPicker(studio.models, 'batch', () => undefined);
  const prompts = h('textarea', { id: 'batch-prompts', rows: 6, required: true, placeholder: 'One prompt per line' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit batch');
  const view = h('div', { class: 'batch-view' });
  let stop: (() => void) | undefined;

  async function showItems(id: string): Promise<void> {
    const { batch } = await request(StudioBatchVideos, { id, first: SHOWN_ITEMS });
    const items = view.querySelector('.batch-items');
    if (!batch || !items) return;
    replace(
      items,
      ...batch.videos.nodes.map((video) =>
        h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => studio.watch(video.id) }, video.customId ?? video.id), ' ', statusBadge(video.status), video.status === 'IN_PROGRESS' && ` ${video.progress}%`),
      ),
      ...batch.errors.map((e) => h('li', { class: 'error' }, `${e.customId}: ${e.code} — ${e.message}`)),
    );
  }

  function follow(id: string, total: number, cost: number | null | undefined): void {
    stop?.();
    const counts = h('div', { class: 'counts' });
    const bar = h('progress', { max: total, value: 0 });
    replace(view, h('header', { class: 'panel-head' }, h('h3', {}, 'Batch'), h('code', { class: 'id' }, id), h('span', { class: 'hint' }, `${total} items · est. ${dollars(cost)}`)), bar, counts, h('ul', { class: 'batch-items' }));
    stop = subscribe(StudioBatchUpdated, { id }, {
      next: ({ batchUpdated: batch }) => {
        const c = batch.counts;
        bar.value = c.completed + c.failed + c.cancelled;
        replace(counts, statusBadge(batch.status), ` ${c.completed} completed · ${c.inProgress} in progress · ${c.pending} pending · ${c.failed} failed · ${c.cancelled} cancelled`);
        void showItems(id).catch((error: Error) => studio.notify(error.message));
        if (TERMINAL.has(batch.status)) stop?.();
      },
      error: (error) => studio.notify(error.message),
    });
  }

  return h(
    'form',
    {
      class: 'panel-body',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const lines = prompts.value.split('\n').map((l) => l.trim()).filter(Boolean);
        const base = { model: picker.current().id, size: picker.sizeValue(), seconds: picker.secondsValue() };
        const items = lines.map((prompt, i) => ({ ...base, prompt, customId: `item-${i + 1}` }));
        submit.disabled = true;
        request(StudioSubmitBatch, { input: { items, mode: 'IMMEDIATE', idempotencyKey: idempotencyKey() } })
          .then(({ submitBatch: { batch } }) => follow(batch.id, batch.total, batch.estimatedCost))
          .catch((error: Error) => studio.notify(error.message))
          .finally(() => (submit.disabled = false));
      },
    },
    field('Prompts', prompts, 'Each line becomes one video with the settings below.'),
    picker.element,
    h('div', { class: 'row' }, submit),
    view,
  );
}
