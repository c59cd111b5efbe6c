import type { CreateVideoInput } from '../gql/graphql';
import { request } from '../api/client';
import { StudioCreateVideo, StudioEstimate } from './documents';
import { dollars, field, h, idempotencyKey, replace, select } from './dom';
import { type Model, pricePerSecond, type Studio } from './state';

/**
 * Model pickers (model, size, duration) with prices, used by the create, storyboard and batch
 * panels. Changing the model refreshes the sizes and durations it accepts.
 */
export class ModelPicker {
  readonly element: HTMLElement;
  private readonly model: HTMLSelectElement;
  private size!: HTMLSelectElement;
  private seconds!: HTMLSelectElement;
  private readonly sizeSlot = h('div', { class: 'slot' });
  private readonly secondsSlot = h('div', { class: 'slot' });

  constructor(
    private readonly models: Model[],
    private readonly prefix: string,
    private readonly onChange: () => void,
    withSeconds = true,
  ) {
    const usable = models.filter((m) => !m.lifecycle.shutdown);
    this.model = select(`${prefix}-model`, usable.map((m) => m.id), usable[0]?.id, (id) => models.find((m) => m.id === id)?.displayName ?? String(id));
    this.model.addEventListener('change', () => {
      this.renderOptions();
      this.onChange();
    });
    this.element = h('div', { class: 'picker' }, field('Model', this.model), this.sizeSlot, withSeconds && this.secondsSlot);
    this.renderOptions();
  }

  /** The chosen model. */
  current(): Model {
    return this.models.find((m) => m.id === this.model.value) ?? this.models[0];
  }

  /** Chosen size, e.g. `1280x720`. */
  sizeValue(): string {
    return this.size.value;
  }

  /** Chosen duration in seconds. */
  secondsValue(): number {
    return Number(this.seconds.value);
  }

  private renderOptions(): void {
    const model = this.current();
    const price = (size: string | number) => {
      const perSecond = pricePerSecond(model, String(size));
      return `${size} · ${perSecond === null ? 'price unknown' : `${dollars(perSecond)}/s`}`;
    };
    this.size = select(`${this.prefix}-size`, model.capabilities.sizes, model.capabilities.sizes[0], price);
    this.seconds = select(`${this.prefix}-seconds`, model.capabilities.durations, model.capabilities.durations[0], (s) => `${s} s`);
    for (const control of [this.size, this.seconds]) control.addEventListener('change', () => this.onChange());
    const notice = model.lifecycle.deprecated ? h('span', { class: 'hint warn' }, `Deprecated${model.lifecycle.replacement ? `: use ${model.lifecycle.replacement}` : ''}`) : null;
    replace(this.sizeSlot, field('Size', this.size, notice));
    replace(this.secondsSlot, field('Duration', this.seconds));
  }
}

/** The "New video" panel: prompt, model, live cost estimate, submit. */
export function createPanel(studio: Studio): HTMLElement {
  const prompt = h('textarea', { id: 'prompt', rows: 4, maxlength: 32000, placeholder: 'A slow dolly shot of a lighthouse at dusk, waves below, warm light', required: true });
  const estimate = h('output', { id: 'estimate', class: 'estimate' }, '—');
  const submit = h('button', { id: 'submit', type: 'submit', class: 'primary' }, 'Generate');
  const picker = new ModelPicker(studio.models, 'create', () => scheduleEstimate());

  const input = (): CreateVideoInput => ({ prompt: prompt.value.trim(), model: picker.current().id, size: picker.sizeValue(), seconds: picker.secondsValue() });

  let timer: number | undefined;
  let estimateRun = 0;
  function scheduleEstimate(): void {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refreshEstimate(), 250);
  }
  async function refreshEstimate(): Promise<void> {
    const run = ++estimateRun;
    // The estimate depends on model, size and duration only; a placeholder stands in for an empty prompt.
    const variables = { input: { ...input(), prompt: input().prompt || 'estimate' } };
    try {
      const { estimateVideoCost: cost } = await request(StudioEstimate, variables);
      if (run !== estimateRun) return;
      replace(estimate, h('strong', {}, dollars(cost.estimatedCost)), ` ${cost.currency} · ${dollars(cost.pricePerSecond)}/s · ${cost.resolvedModel}`);
    } catch (error) {
      if (run === estimateRun) replace(estimate, h('span', { class: 'warn' }, (error as Error).message));
    }
  }
  prompt.addEventListener('input', scheduleEstimate);

  // A retry of the same input after a failure reuses its key, so a lost response never makes a second video.
  let attempt: { input: string; key: string } | undefined;
  const form = h(
    'form',
    {
      class: 'panel-body',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void (async () => {
          const value = input();
          const serialized = JSON.stringify(value);
          if (attempt?.input !== serialized) attempt = { input: serialized, key: idempotencyKey() };
          submit.disabled = true;
          try {
            const { createVideo } = await request(StudioCreateVideo, { input: { ...value, idempotencyKey: attempt.key } });
            attempt = undefined;
            studio.watch(createVideo.video.id);
          } catch (error) {
            studio.notify((error as Error).message);
          } finally {
            submit.disabled = false;
          }
        })();
      },
    },
    field('Prompt', prompt),
    picker.element,
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Estimated cost'), estimate), submit),
  );
  void refreshEstimate();
  return form;
}
