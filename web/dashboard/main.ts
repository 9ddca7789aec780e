import { bearerToken, setBearerToken } from './api.js';
import { renderCommune } from './commune.js';
import { renderCommunes } from './communes.js';
import { el } from './dom.js';
import { renderOverview } from './overview.js';
import { renderPublished } from './published.js';
import { renderWhatIf } from './whatif.js';
import './dashboard.css';

const SECTIONS = [
  { id: 'overview', label: 'Overview', render: renderOverview },
  { id: 'figures', label: 'Published figures', render: renderPublished },
  { id: 'communes', label: 'Communes', render: renderCommunes },
  { id: 'what-if', label: 'What if', render: renderWhatIf },
] as const;

const app = document.getElementById('app')!;
const communePanel = el('section', { id: 'commune', class: 'panel', hidden: true });
const sections = SECTIONS.map((s) => el('section', { id: s.id, class: 'panel' }, el('p', { class: 'muted' }, 'Loading…')));

// Counts from 1 to 4 are withheld from the public (a small number can identify a family): the
// tables show "–" for them, and this line says so.
const withheldNote = el('p', { id: 'withheld', class: 'muted', hidden: true });
let withheldCount = 0;
window.addEventListener('withheld', (event) => {
  withheldCount += (event as CustomEvent<number>).detail;
  withheldNote.hidden = false;
  withheldNote.textContent = `${withheldCount} small counts (from 1 to 4 households) are withheld without a token and shown as "–": a small number can identify a family. Paste a token to see them.`;
});

/** Loads every section at once (their queries run in parallel); marks the page ready when all are in. */
async function loadAll(): Promise<void> {
  app.removeAttribute('data-ready');
  withheldCount = 0;
  withheldNote.hidden = true;
  const started = performance.now();
  await Promise.all(SECTIONS.map((s, i) => s.render(sections[i]!).catch((e: Error) => sections[i]!.replaceChildren(el('div', { class: 'error' }, e.message)))));
  // The browser test waits for this and reads the time the data took.
  app.dataset.loadMs = String(Math.round(performance.now() - started));
  app.dataset.ready = 'true';
}

function route(): void {
  const match = /^#commune\/(\w+)$/.exec(location.hash);
  communePanel.hidden = !match;
  if (match) {
    void renderCommune(communePanel, match[1]!).then(() => communePanel.scrollIntoView());
  }
}

function tokenField(): HTMLElement {
  const input = el('input', { id: 'token', type: 'password', placeholder: 'paste a bearer token (optional)', autocomplete: 'off', 'aria-label': 'bearer token', value: bearerToken() });
  const apply = el('button', { type: 'button', id: 'token-apply' }, 'Use token');
  apply.addEventListener('click', () => {
    setBearerToken(input.value.trim());
    void loadAll();
  });
  return el('div', { class: 'token' }, input, apply);
}

app.classList.remove('loading');
app.replaceChildren(
  el(
    'header',
    {},
    el('h1', {}, 'Hanoi sustainable poverty reduction'),
    el('nav', {}, ...SECTIONS.map((s) => el('a', { href: `#${s.id}` }, s.label)), el('a', { href: '/' }, 'Playground')),
    tokenField(),
    withheldNote,
  ),
  el('main', {}, communePanel, ...sections),
);
window.addEventListener('hashchange', route);
route();
void loadAll();
