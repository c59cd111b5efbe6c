/** A few DOM helpers: the studio is plain TypeScript, no framework. */

/** What {@link h} accepts as a child. Falsy values are skipped, so `cond && node` works. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes (set with setAttribute), `on<event>` listeners, or `class`. */
export type Props = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

/** Creates an element with attributes, listeners and children. Never parses HTML, so text is never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, skipping falsy ones. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** A `<select>` with the given options; `labels` maps a value to its text. */
export function select(id: string, values: readonly (string | number)[], selected?: string | number, labels: (value: string | number) => string = String): HTMLSelectElement {
  return h(
    'select',
    { id, name: id },
    ...values.map((value) => h('option', { value: String(value), selected: String(value) === String(selected) }, labels(value))),
  );
}

/** A labelled form row. */
export function field(label: string, control: HTMLElement, hint?: Child): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('span', { class: 'hint' }, hint) : null);
}

/** A status pill (`data-status` drives its colour). */
export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: 'status', 'data-status': status }, status.replace('_', ' '));
}

/** Dollars with cents, or a dash when no price is known. */
export function dollars(amount: number | null | undefined): string {
  return amount === null || amount === undefined ? '—' : `$${amount.toFixed(2)}`;
}

/** A random idempotency key. getRandomValues works outside secure contexts too (plain-HTTP deployments). */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `studio-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
