import i18next from 'i18next';
import en from './locales/en.json';
import vi from './locales/vi.json';

/**
 * The pages' words, Vietnamese first (the city's departments and communes read them), English
 * as a switch remembered in localStorage. Words live in web/locales/<language>.json, one key
 * per text; tests/unit/locales.test.ts fails when a key is missing in either language, and the
 * browser tests fail when a page asks for a key that neither file has.
 */

export type Language = 'vi' | 'en';
export const LANGUAGES: readonly Language[] = ['vi', 'en'];
/** Each language's name in itself, for the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };
const STORAGE_KEY = 'hanoi-poverty.language';

declare global {
  interface Window {
    /** Keys a page asked for that its language does not have (read by the browser tests). */
    missingTranslations?: string[];
  }
}

function remembered(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi'; // storage refused (a locked-down browser): Vietnamese
  }
}

void i18next.init({
  lng: remembered(),
  resources: { vi: { translation: vi }, en: { translation: en } },
  // No fallback: a key missing in English must not quietly show Vietnamese (or the key).
  fallbackLng: false,
  // Resources are bundled, so initialisation is synchronous and t() works at once.
  initAsync: false,
  // Texts go into the DOM as textContent, never as HTML: nothing to escape.
  interpolation: { escapeValue: false },
  saveMissing: true,
  missingKeyHandler: (_languages, _namespace, key) => {
    (window.missingTranslations ??= []).push(`${i18next.language}:${key}`);
    console.error(`missing translation: ${i18next.language}:${key}`);
  },
});
document.documentElement.lang = i18next.language;

/** The text of `key` in the chosen language, with `{{name}}` placeholders filled from `params`. */
export function t(key: string, params?: Record<string, unknown>): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- t() is typed string | object; the rule's generic form does not compile
  return i18next.t(key, params ?? {}) as string;
}

/** Whether `key` has a text (for names that come as data, such as a programme code). */
export function hasText(key: string): boolean {
  return i18next.exists(key);
}

export function language(): Language {
  return i18next.language === 'en' ? 'en' : 'vi';
}

/** The BCP 47 locale numbers and dates are formatted in. */
export function locale(): string {
  return language() === 'vi' ? 'vi-VN' : 'en-GB';
}

/** Switches the language, remembers it, and tells the page (a `languagechange` event on window). */
export async function setLanguage(next: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
  await i18next.changeLanguage(next);
  document.documentElement.lang = next;
  window.dispatchEvent(new Event('languagechange'));
}
