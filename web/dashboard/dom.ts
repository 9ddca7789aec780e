/** Small DOM helpers: the dashboard needs no framework. */
import { hasText, t } from '../i18n.js';

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

/** A section's error line, so that a failing subgraph shows where it fails and the rest still renders. */
export function errorBox(messages: string[]): HTMLElement {
  return el('div', { class: 'error', role: 'alert' }, messages.slice(0, 3).join(' · '));
}

/** Codes with which the graph says a department could not answer (the rest of the answer stands). */
const DEPARTMENT_DOWN = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'DATABASE_UNAVAILABLE', 'DATABASE_TIMEOUT']);

/**
 * What a section shows for its answer's errors: one notice per department that could not
 * answer (its figures show as missing, everything else as usual), and the other errors as they
 * are. A department down is one department missing, not a blank page.
 */
export function errorNotices(errors: ReadonlyArray<{ message: string; extensions?: { code?: string; serviceName?: string } }>): HTMLElement[] {
  const down = new Map<string, string>();
  const other: string[] = [];
  for (const e of errors) {
    const code = e.extensions?.code ?? '';
    if (DEPARTMENT_DOWN.has(code)) {
      const name = e.extensions?.serviceName ?? 'other';
      if (!down.has(name) || code.endsWith('TIMEOUT')) down.set(name, code);
    } else other.push(e.message);
  }
  const notices = [...down].map(([name, code]) =>
    el(
      'div',
      { class: 'unavailable', role: 'status', 'data-department': name },
      t('app.unavailable', {
        department: hasText(`department.${name}`) ? t(`department.${name}`) : t('department.other'),
        reason: code.endsWith('TIMEOUT') ? t('app.unavailableSlow') : t('app.unavailableDown'),
      }),
    ),
  );
  return other.length ? [...notices, errorBox(other)] : notices;
}
