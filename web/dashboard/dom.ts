/** Small DOM and formatting helpers: the dashboard needs no framework. */

type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** Whole numbers (and Money, a decimal string of whole đồng) with thousands separators. */
export function formatNumber(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** Money as billions of đồng, the unit the city publishes in. */
export function formatBillions(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return `${decimal.format(Number(value) / 1e9)} bn ₫`;
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${decimal.format(value)} %`;
}

/** A section's error line, so that a failing subgraph shows where it fails and the rest still renders. */
export function errorBox(messages: string[]): HTMLElement {
  return el('div', { class: 'error', role: 'alert' }, messages.slice(0, 3).join(' · '));
}
