import type { StudioVideoQuery } from '../gql/graphql';
import { request, subscribe } from '../api/client';
import { StudioEditVideo, StudioExtendVideo, StudioVideo, StudioVideoUpdated } from './documents';
import { dollars, field, h, idempotencyKey, replace, select, statusBadge } from './dom';
import { player } from './player';
import { type Studio, TERMINAL } from './state';

type Video = NonNullable<StudioVideoQuery['video']>;

/**
 * The player panel: follows one video over `videoUpdated` (status, progress), then plays it and
 * offers extend and edit. Watching another video ends the previous subscription.
 */
export class VideoWatcher {
  readonly element = h('section', { class: 'panel watch', id: 'watch' }, h('p', { class: 'empty' }, 'Generate a video or open one from the library to watch it here.'));
  private stop: (() => void) | undefined;
  private current: string | undefined;
  /** Counts loads, so a slow earlier response never overwrites a later one. */
  private loads = 0;

  constructor(private readonly studio: Studio) {}

  /** Shows `id` and follows it until it ends. */
  watch(id: string): void {
    this.stop?.();
    this.current = id;
    const status = h('span', { id: 'status' }, statusBadge('PENDING'));
    const bar = h('progress', { id: 'progress', max: 100, value: 0 });
    const percent = h('span', { class: 'percent' }, '0%');
    const body = h('div', { class: 'watch-body' });
    replace(this.element, h('header', { class: 'panel-head' }, h('h2', {}, 'Video'), h('code', { class: 'id' }, id), status), h('div', { class: 'progress-row' }, bar, percent), body);
    const show = (state: { status: string; progress: number }) => {
      replace(status, statusBadge(state.status));
      bar.value = state.progress;
      percent.textContent = `${state.progress}%`;
    };
    void this.load(id, body, show);
    this.stop = subscribe(StudioVideoUpdated, { id }, {
      next: ({ videoUpdated: v }) => {
        if (this.current !== id) return;
        show(v);
        if (TERMINAL.has(v.status)) {
          this.stop?.();
          void this.load(id, body, show);
        }
      },
      error: (error) => this.studio.notify(`Live updates stopped: ${error.message}`),
    });
  }

  private async load(id: string, body: HTMLElement, show: (state: { status: string; progress: number }) => void): Promise<void> {
    const run = ++this.loads;
    try {
      const { video } = await request(StudioVideo, { id });
      if (this.current !== id || run !== this.loads || !video) return;
      show(video);
      replace(body, ...this.details(video));
    } catch (error) {
      this.studio.notify((error as Error).message);
    }
  }

  private details(video: Video): HTMLElement[] {
    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Prompt'), h('dd', {}, video.prompt),
      h('dt', {}, 'Model'), h('dd', {}, `${video.model} · ${video.size} · ${video.seconds} s · ${video.operation}`),
      h('dt', {}, video.cost === null ? 'Estimate' : 'Cost'), h('dd', {}, dollars(video.cost ?? video.estimatedCost)),
      video.source && h('dt', {}, 'Source'), video.source && h('dd', {}, h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), this.watch(video.source!.id)) }, video.source.id)),
    );
    if (video.error) return [h('p', { class: 'error', role: 'alert' }, `${video.error.code}: ${video.error.message}`), facts];
    if (video.status !== 'COMPLETED' || !video.downloadUrl) return [facts];
    const media = player({ downloadUrl: video.downloadUrl, thumbnailUrl: video.thumbnailUrl, spritesheetUrl: video.spritesheetUrl, size: video.size });
    return [media, facts, this.actions(video)];
  }

  /** Extend (a new segment after the last frame) and edit (a new video from a prompt), where the model allows. */
  private actions(video: Video): HTMLElement {
    const model = this.studio.models.find((m) => m.id === video.model);
    const forms: HTMLElement[] = [];
    if (!model || model.capabilities.extensions) {
      const prompt = h('input', { id: 'extend-prompt', required: true, placeholder: 'What happens next' });
      const seconds = select('extend-seconds', model?.capabilities.durations ?? [4], undefined, (s) => `${s} s`);
      forms.push(this.action('Extend', [field('Continue with', prompt), field('New segment', seconds)], async (key) => {
        const { extendVideo } = await request(StudioExtendVideo, { input: { videoId: video.id, prompt: prompt.value, seconds: Number(seconds.value), idempotencyKey: key } });
        return extendVideo.extension.video.id;
      }));
    }
    if (!model || model.capabilities.edits) {
      const prompt = h('input', { id: 'edit-prompt', required: true, placeholder: 'Make it night, with rain' });
      forms.push(this.action('Edit', [field('Change', prompt)], async (key) => {
        const { editVideo } = await request(StudioEditVideo, { input: { videoId: video.id, prompt: prompt.value, idempotencyKey: key } });
        return editVideo.video.id;
      }));
    }
    return h('div', { class: 'actions' }, ...forms);
  }

  private action(label: string, fields: HTMLElement[], run: (idempotencyKey: string) => Promise<string>): HTMLElement {
    const button = h('button', { type: 'submit' }, label);
    const key = idempotencyKey();
    return h(
      'form',
      {
        class: 'action',
        onsubmit: (event: Event) => {
          event.preventDefault();
          button.disabled = true;
          run(key).then(
            (id) => this.watch(id),
            (error: Error) => {
              button.disabled = false;
              this.studio.notify(error.message);
            },
          );
        },
      },
      h('h3', {}, label),
      ...fields,
      button,
    );
  }
}
