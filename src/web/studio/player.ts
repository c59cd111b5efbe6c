import { h } from './dom';

/** Media URLs of a completed video. */
export interface Media {
  downloadUrl: string;
  thumbnailUrl: string | null;
  spritesheetUrl: string | null;
  /** Frame size, `WIDTHxHEIGHT`. */
  size: string;
}

/** Spritesheet tiles are this wide (the emulator and the Videos API tile 256 px frames in a grid). */
const TILE_WIDTH = 256;

/**
 * `<video>` of the stored MP4 with the thumbnail as poster, and a scrub bar above the controls
 * that previews frames from the spritesheet; clicking it seeks.
 */
export function player(media: Media): HTMLElement {
  const video = h('video', { id: 'player', controls: true, preload: 'auto', playsinline: true, src: media.downloadUrl, poster: media.thumbnailUrl ?? undefined });
  const [width, height] = media.size.split('x').map(Number);
  video.classList.add(width >= height ? 'landscape' : 'portrait');
  // Reserve the frame's shape before the poster or metadata arrive, so the layout does not jump.
  video.style.aspectRatio = `${width} / ${height}`;
  const wrapper = h('div', { class: 'player' }, video);
  if (media.spritesheetUrl) wrapper.appendChild(scrubber(video, media.spritesheetUrl, width / height));
  return wrapper;
}

function scrubber(video: HTMLVideoElement, spritesheetUrl: string, aspect: number): HTMLElement {
  const preview = h('div', { class: 'scrub-preview', hidden: true });
  const bar = h('div', { class: 'scrub', title: 'Hover to preview, click to seek' }, preview);
  let grid: { cols: number; rows: number } | undefined;
  const sheet = new Image();
  sheet.onload = () => {
    const cols = Math.max(1, Math.round(sheet.naturalWidth / TILE_WIDTH));
    const rows = Math.max(1, Math.round(sheet.naturalHeight / (sheet.naturalWidth / cols / aspect)));
    grid = { cols, rows };
    preview.style.backgroundImage = `url("${spritesheetUrl}")`;
    preview.style.backgroundSize = `${cols * 100}% ${rows * 100}%`;
    preview.style.aspectRatio = String(aspect);
  };
  sheet.src = spritesheetUrl;

  const fraction = (event: PointerEvent) => {
    const rect = bar.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
  };
  bar.addEventListener('pointermove', (event) => {
    if (!grid) return;
    const f = fraction(event);
    const frame = Math.min(grid.cols * grid.rows - 1, Math.floor(f * grid.cols * grid.rows));
    const col = frame % grid.cols;
    const row = Math.floor(frame / grid.cols);
    preview.hidden = false;
    preview.style.left = `${f * 100}%`;
    preview.style.backgroundPosition = `${grid.cols > 1 ? (col / (grid.cols - 1)) * 100 : 0}% ${grid.rows > 1 ? (row / (grid.rows - 1)) * 100 : 0}%`;
  });
  bar.addEventListener('pointerleave', () => (preview.hidden = true));
  bar.addEventListener('click', (event) => {
    if (Number.isFinite(video.duration)) video.currentTime = fraction(event) * video.duration;
  });
  return bar;
}
