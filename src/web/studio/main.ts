/** The studio at `/`: create, storyboard, batch and library panels beside a live player. */
import './studio.css';
import { ApiError, request } from '../api/client';
import { getApiKey, setApiKey } from '../api/key';
import { batchPanel } from './batch';
import { createPanel } from './create';
import { StudioModels } from './documents';
import { h, replace } from './dom';
import { libraryPanel } from './library';
import type { Studio } from './state';
import { storyboardPanel } from './storyboard';
import { VideoWatcher } from './watch';

const root = document.getElementById('app')!;
const notices = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });

function notify(message: string, kind: 'error' | 'info' = 'error'): void {
  const notice = h('div', { class: `notice ${kind}` }, message, h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => notice.remove() }, '×'));
  notices.appendChild(notice);
}

/** Key entry: shown when the server asks for a key, and from the header to change it. */
function keyForm(message?: string): HTMLElement {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', placeholder: 'rg_…', value: getApiKey() ?? '' });
  return h(
    'form',
    { class: 'panel key', onsubmit: (event: Event) => (event.preventDefault(), setApiKey(input.value), void start()) },
    h('h2', {}, 'API key'),
    h('p', {}, message ?? 'Requests and live updates use this key. It stays in this browser (localStorage).'),
    h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, 'Use key')),
  );
}

/** The server leaves the explorer link out when EXPLORER=false. */
const explorerOn = document.querySelector('meta[name="reelgraph-explorer"]')?.getAttribute('content') !== 'off';

function header(): HTMLElement {
  const keyLabel = getApiKey() ? 'API key ✓' : 'API key';
  return h(
    'header',
    { class: 'top' },
    h('h1', {}, 'Reelgraph ', h('span', {}, 'Studio')),
    h('nav', {}, h('button', { type: 'button', class: 'link', onclick: () => replace(root, header(), notices, keyForm()) }, keyLabel), explorerOn && h('a', { href: '/graphql' }, 'GraphQL explorer')),
  );
}

async function start(): Promise<void> {
  replace(root, header(), notices, h('p', { class: 'empty' }, 'Loading models…'));
  let models;
  try {
    ({ models } = await request(StudioModels, {}));
  } catch (error) {
    const unauthenticated = error instanceof ApiError && error.code === 'UNAUTHENTICATED';
    replace(root, header(), notices, unauthenticated ? keyForm(error.message) : h('p', { class: 'error' }, (error as Error).message));
    return;
  }
  const studio: Studio = { models, watch: (id) => watcher.watch(id), notify };
  const watcher = new VideoWatcher(studio);
  const library = libraryPanel(studio);
  const panels = { create: createPanel(studio), storyboard: storyboardPanel(studio), batch: batchPanel(studio), library: library.element };
  const labels: Record<keyof typeof panels, string> = { create: 'New video', storyboard: 'Storyboard', batch: 'Batch', library: 'Library' };
  const body = h('div', { class: 'panel-slot' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const show = (name: keyof typeof panels) => {
    for (const tab of tabs.children) tab.setAttribute('aria-selected', String((tab as HTMLElement).dataset.tab === name));
    replace(body, panels[name]);
    if (name === 'library') library.refresh();
  };
  for (const name of Object.keys(panels) as (keyof typeof panels)[]) {
    tabs.appendChild(h('button', { type: 'button', role: 'tab', 'data-tab': name, onclick: () => show(name) }, labels[name]));
  }
  show('create');
  replace(root, header(), notices, h('main', { class: 'layout' }, h('section', { class: 'panel' }, tabs, body), watcher.element));
}

void start();
