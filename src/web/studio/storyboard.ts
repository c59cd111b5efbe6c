import { request, subscribe } from '../api/client';
import { StudioCreateStoryboard, StudioStoryboard, StudioStoryboardUpdated } from './documents';
import { field, h, idempotencyKey, replace, select, statusBadge } from './dom';
import { ModelPicker } from './create';
import { type Studio, TERMINAL } from './state';

/** A storyboard is one video plus up to six extensions. */
const MAX_SCENES = 7;

/** The storyboard panel: scenes one by one (prompt + duration), then a live view of their renders. */
export function storyboardPanel(studio: Studio): HTMLElement {
  const picker = new ModelPicker(studio.models, 'storyboard', () => renderScenes(), false);
  const scenes: { prompt: string; seconds: number }[] = [{ prompt: '', seconds: picker.current().capabilities.durations[0] }];
  const list = h('ol', { class: 'scenes' });
  const progress = h('div', { class: 'storyboard-progress' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Render storyboard');
  const add = h('button', { type: 'button', onclick: () => (scenes.push({ prompt: '', seconds: picker.current().capabilities.durations[0] }), renderScenes()) }, 'Add scene');

  function renderScenes(): void {
    const durations = picker.current().capabilities.durations;
    replace(
      list,
      ...scenes.map((scene, index) => {
        const prompt = h('textarea', { rows: 2, required: true, placeholder: index === 0 ? 'Opening shot' : 'Then…' });
        prompt.value = scene.prompt;
        prompt.addEventListener('input', () => (scene.prompt = prompt.value));
        const seconds = select(`scene-${index}-seconds`, durations, scene.seconds, (s) => `${s} s`);
        seconds.addEventListener('change', () => (scene.seconds = Number(seconds.value)));
        const remove = scenes.length > 1 && h('button', { type: 'button', class: 'link', onclick: () => (scenes.splice(index, 1), renderScenes()) }, 'Remove');
        return h('li', { class: 'scene' }, field(`Scene ${index + 1}`, prompt), seconds, remove);
      }),
    );
    add.disabled = scenes.length >= MAX_SCENES;
  }
  renderScenes();

  let stop: (() => void) | undefined;
  async function follow(id: string): Promise<void> {
    const { storyboard } = await request(StudioStoryboard, { id });
    if (!storyboard) return;
    replace(
      progress,
      h('header', { class: 'panel-head' }, h('h3', {}, 'Storyboard'), statusBadge(storyboard.status), h('span', { class: 'hint' }, `${storyboard.totalSeconds} s · ${storyboard.progress}%`)),
      h('ol', { class: 'scene-status' }, ...storyboard.scenes.map((scene) => h('li', {}, scene.video ? statusBadge(scene.video.status) : statusBadge('PENDING'), ` ${scene.prompt} (${scene.seconds} s)`))),
      storyboard.error && h('p', { class: 'error' }, `${storyboard.error.code}: ${storyboard.error.message}`),
    );
    if (storyboard.finalVideo) studio.watch(storyboard.finalVideo.id);
  }

  return h(
    'form',
    {
      class: 'panel-body',
      onsubmit: (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        const input = { model: picker.current().id, size: picker.sizeValue(), scenes: scenes.map((s) => ({ prompt: s.prompt.trim(), seconds: s.seconds })), idempotencyKey: idempotencyKey() };
        request(StudioCreateStoryboard, { input })
          .then(({ createStoryboard: { storyboard } }) => {
            stop?.();
            stop = subscribe(StudioStoryboardUpdated, { id: storyboard.id }, {
              next: ({ storyboardUpdated: update }) => {
                void follow(update.id).catch((error: Error) => studio.notify(error.message));
                if (TERMINAL.has(update.status)) stop?.();
              },
              error: (error) => studio.notify(error.message),
            });
          })
          .catch((error: Error) => studio.notify(error.message))
          .finally(() => (submit.disabled = false));
      },
    },
    picker.element,
    list,
    h('div', { class: 'row' }, add, submit),
    progress,
  );
}
