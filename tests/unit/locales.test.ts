import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../web/locales/en.json' with { type: 'json' };
import vi from '../../web/locales/vi.json' with { type: 'json' };
import { FIGURES } from '../../web/dashboard/figures.js';

// The pages' words (web/locales/*.json, read by i18next in web/i18n.ts): every key in both
// languages, with the same placeholders, every plural form each language needs, and every key
// the code asks for present. A key missing in one language fails here, not in front of a user.

type Tree = { [key: string]: string | Tree };
const LANGUAGES = { vi: vi as Tree, en: en as Tree };
const WEB = path.resolve(import.meta.dirname, '../../web');

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else for (const [k, v] of flatten(value, name)) out.set(k, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** Keys with their plural suffix taken off (i18next's JSON v4: `withheld_one`, `withheld_other`). */
function baseKeys(keys: Iterable<string>): Set<string> {
  return new Set([...keys].map((k) => k.replace(PLURAL, '')));
}
const flat = { vi: flatten(LANGUAGES.vi), en: flatten(LANGUAGES.en) };
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

describe('translations (web/locales)', () => {
  it('have the same keys in Vietnamese and English', () => {
    const vi = baseKeys(flat.vi.keys());
    const en = baseKeys(flat.en.keys());
    expect([...vi].filter((k) => !en.has(k)).map((k) => `missing in en: ${k}`)).toEqual([]);
    expect([...en].filter((k) => !vi.has(k)).map((k) => `missing in vi: ${k}`)).toEqual([]);
  });

  it('give every plural form each language needs', () => {
    for (const [lang, keys] of Object.entries(flat)) {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const plurals = baseKeys([...keys.keys()].filter((k) => PLURAL.test(k)));
      for (const base of plurals) {
        expect(categories.filter((c) => !keys.has(`${base}_${c}`)).map((c) => `${lang}: ${base}_${c}`)).toEqual([]);
      }
    }
  });

  it('use the same placeholders in both languages, and no text is empty', () => {
    const differences: string[] = [];
    for (const [key, text] of flat.vi) {
      const english = flat.en.get(key) ?? flat.en.get(key.replace(PLURAL, '_other'));
      if (!text.trim()) differences.push(`empty in vi: ${key}`);
      if (english !== undefined && placeholders(english).join() !== placeholders(text).join())
        differences.push(`${key}: vi {${placeholders(text).join()}} en {${placeholders(english).join()}}`);
    }
    for (const [key, text] of flat.en) if (!text.trim()) differences.push(`empty in en: ${key}`);
    expect(differences).toEqual([]);
  });

  it('have every key the pages ask for by name', () => {
    const used = new Set<string>();
    // The pages, and the sign-in pages of the embedded OpenID provider (oidc/provider.ts).
    for (const file of [...sourceFiles(WEB), ...sourceFiles(path.resolve(WEB, '../oidc'))]) {
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/\b(?:t|say)\((?:\s*lang,)?\s*'([\w.]+)'/g)) used.add(m[1]!);
      for (const m of source.matchAll(/(?:navKey|labelKey):\s*'([\w.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    for (const [lang, keys] of Object.entries(flat)) {
      const bases = baseKeys(keys.keys());
      expect([...used].filter((k) => !bases.has(k)).map((k) => `${lang}: ${k}`)).toEqual([]);
    }
  });

  it('name every published figure, and every loan programme the credit subgraph defines', () => {
    const programmes = fs
      .readdirSync(path.resolve(WEB, '../subgraphs/credit/db/migrations'))
      .flatMap((file) =>
        [...fs.readFileSync(path.resolve(WEB, '../subgraphs/credit/db/migrations', file), 'utf8').matchAll(/^\s*\['([A-Z_]+)', '/gm)].map(
          (m) => `programme.${m[1]}`,
        ),
      );
    expect(programmes.length).toBeGreaterThanOrEqual(9);
    const needed = [...FIGURES.map((f) => f.label.key), ...programmes];
    for (const [lang, keys] of Object.entries(flat)) expect(needed.filter((k) => !keys.has(k)).map((k) => `${lang}: ${k}`)).toEqual([]);
  });
});
