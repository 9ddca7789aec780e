import { getNamedType, isObjectType, isScalarType, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.js';
import {
  attackSurface,
  CONFIDENCE,
  figureFields,
  isWithheld,
  leaves,
  posterior,
  withheldLikelihood,
  type AttackSurface,
  type FigureField,
  type Leaf,
} from './attacker.js';

// A hostile caller without a token combines allowed queries to learn what is withheld: it
// subtracts the communes from the city (hierarchy), the published parts from their total
// (parts), single years from a span (periods), and divides an amount or a rate by what it knows
// (amounts, rates). Every family is computed over the whole schema: every figures field of City
// and Commune, every `@count` in it and every Money and Float field beside it.
//
// The attacker is Bayesian and knows the published disclosure policy: each relation "total =
// withheld values + published parts" gives it a likelihood for each withheld value, and it
// multiplies the likelihoods of every relation a value is in. An attack succeeds when it is at
// least CONFIDENCE sure of a withheld value, and right. The truth is an analyst's exact answer.
//
// Documents are not safelisted here (PUBLIC_OPERATIONS=any): this suite attacks disclosure
// control itself, over everything the schema offers. catalogue.test.ts attacks the registered
// operations a public caller is actually limited to.
process.env.PUBLIC_OPERATIONS = 'any';

const scale = Number(process.env.ATTACK_SCALE || 0.01);
const DATA_SETS = [
  { name: 'demo data', options: { data: 'demo' as const } },
  { name: `city data set at scale ${scale}`, options: { data: 'city' as const, scale } },
];

type Entity = 'City' | 'Commune';

/** One answer (a figures field with one argument set) of the city or of one commune. */
interface Tree {
  entity: Entity;
  /** "city" or the commune's index. */
  where: string;
  public: unknown;
  exact: unknown;
}

/** What the attacker gathered on one withheld value. */
interface Evidence {
  truth: number;
  likelihoods: number[][];
  families: Set<string>;
}

describe.each(DATA_SETS)('differencing attacks on the $name', ({ options }) => {
  let stack: TestStack;
  let surface: AttackSurface;
  let fields: FigureField[];
  /** By "field|argument label": the city's tree and every commune's. */
  const answers = new Map<string, Tree[]>();
  const evidence = new Map<string, Evidence>();
  const report: string[] = [];
  let refusedPeriods = 0;

  beforeAll(async () => {
    stack = await startTestStack(options);
    surface = await attackSurface(stack);
    fields = figureFields(surface);
    const analyst = await stack.token({ roles: ['analyst'] });
    for (const field of fields) {
      for (const set of field.argumentSets) {
        const inner = (selection: string) => (selection ? ` { ${selection} }` : '');
        const key = `${field.name}|${set.label}`;
        const cityQuery = `{ city { ${field.name}${set.args}${inner(field.selection.city)} } }`;
        const communesQuery = `{ communes { code ${field.name}${set.args}${inner(field.selection.commune)} } }`;
        const [cp, ce, mp, me] = await Promise.all([
          stack.query(cityQuery, undefined, undefined, null),
          stack.query(cityQuery, undefined, undefined, analyst),
          stack.query(communesQuery, undefined, undefined, null),
          stack.query(communesQuery, undefined, undefined, analyst),
        ]);
        expect(ce.errors, `${key} exact`).toBeUndefined();
        expect(me.errors, `${key} exact`).toBeUndefined();
        // A period off the public grid is refused: nothing to attack.
        if (cp.errors || mp.errors) {
          refusedPeriods++;
          continue;
        }
        answers.set(key, [
          { entity: 'City', where: 'city', public: cp.data.city[field.name], exact: ce.data.city[field.name] },
          ...mp.data.communes.map((c: any, i: number) => ({
            entity: 'Commune' as const,
            where: `commune ${i}`,
            public: c[field.name],
            exact: me.data.communes[i][field.name],
          })),
        ]);
      }
    }
  }, 600_000);

  afterAll(async () => {
    await stack?.close();
    console.log(
      `differencing attacks (${options.data}${options.data === 'city' ? ` at scale ${scale}` : ''}), ${refusedPeriods} answers refused:\n  ${report.join('\n  ')}`,
    );
  });

  const typeOf = (field: FigureField, entity: Entity) => getNamedType((surface.schema.getType(entity) as GraphQLObjectType).getFields()[field.name]!.type);
  const leavesOf = (field: FigureField, value: unknown, entity: Entity): Leaf[] =>
    isObjectType(typeOf(field, entity)) ? leaves(surface, typeOf(field, entity), value) : [{ path: '', coordinate: `${entity}.${field.name}`, value }];
  const byPath = (field: FigureField, tree: Tree, which: 'public' | 'exact') =>
    new Map(leavesOf(field, tree[which], tree.entity).map((l) => [l.path, l.value]));
  const isCount = (leaf: Leaf) => surface.rules.counts.has(leaf.coordinate);
  const scalarOf = (leaf: Leaf) => {
    const [typeName, fieldName] = leaf.coordinate.split('.') as [string, string];
    const type = surface.schema.getType(typeName) as GraphQLObjectType | undefined;
    const t = type?.getFields()[fieldName] ? getNamedType(type.getFields()[fieldName]!.type) : undefined;
    return t && isScalarType(t) ? t.name : undefined;
  };

  /**
   * One relation "total = parts", attacked: each withheld part (public null, true 1..threshold)
   * gains the relation's likelihood. Returns how many withheld parts it touched.
   */
  function relation(family: string, total: unknown, parts: Array<{ id: string; public: unknown; exact: unknown }>): number {
    const withheld = parts.filter((p) => isWithheld(surface, p.public, p.exact));
    if (!withheld.length || typeof total !== 'number') return 0;
    if (parts.some((p) => p.public === null && !withheld.includes(p))) return 0;
    const published = parts.filter((p) => !withheld.includes(p)).map((p) => p.public as number);
    const likelihood = withheldLikelihood(surface, total, published, withheld.length);
    for (const part of withheld) {
      const known = evidence.get(part.id) ?? { truth: part.exact as number, likelihoods: [], families: new Set<string>() };
      known.likelihoods.push(likelihood);
      known.families.add(family);
      evidence.set(part.id, known);
    }
    return withheld.length;
  }

  /** The withheld values the attacker is at least CONFIDENCE sure of, from every relation gathered so far. */
  function recovered(): string[] {
    const found: string[] = [];
    for (const [id, e] of evidence) {
      const p = posterior(e.likelihoods, surface.threshold)[e.truth - 1]!;
      if (p >= CONFIDENCE) found.push(`${id} = ${e.truth} (${(p * 100).toFixed(1)}% sure, from ${[...e.families].join(', ')})`);
    }
    return found;
  }

  function summary(family: string, attempts: number): void {
    let max = 0;
    for (const e of evidence.values()) if (e.families.has(family)) max = Math.max(max, posterior(e.likelihoods, surface.threshold)[e.truth - 1]!);
    report.push(`${family}: ${attempts} withheld values attacked; the attacker's confidence in a true value reaches at most ${(max * 100).toFixed(1)}%`);
  }

  const cellId = (where: string, key: string, path: string) => `${where} ${key} ${path}`;

  it('cannot recover a withheld commune from the city total minus the other communes (hierarchy)', () => {
    let attempts = 0;
    for (const field of fields) {
      for (const set of field.argumentSets) {
        const key = `${field.name}|${set.label}`;
        const trees = answers.get(key);
        if (!trees) continue;
        const [city, ...communes] = trees as [Tree, ...Tree[]];
        const cityPublic = byPath(field, city, 'public');
        const communeMaps = communes.map((c) => ({ tree: c, pub: byPath(field, c, 'public'), exact: byPath(field, c, 'exact') }));
        for (const leaf of leavesOf(field, city.exact, 'City')) {
          if (!isCount({ ...leaf, coordinate: leaf.coordinate })) continue;
          attempts += relation(
            'hierarchy',
            cityPublic.get(leaf.path),
            communeMaps.map((c) => ({ id: cellId(c.tree.where, key, leaf.path), public: c.pub.get(leaf.path) ?? null, exact: c.exact.get(leaf.path) })),
          );
        }
      }
    }
    summary('hierarchy', attempts);
    expect(attempts, 'the data has withheld commune counts to attack').toBeGreaterThan(0);
    expect(recovered()).toEqual([]);
  });

  it('cannot recover a withheld part from its total minus the other parts (parts)', () => {
    let attempts = 0;
    for (const field of fields) {
      if (!isObjectType(typeOf(field, 'City'))) continue;
      for (const set of field.argumentSets) {
        const key = `${field.name}|${set.label}`;
        for (const tree of answers.get(key) ?? []) {
          const pub = byPath(field, tree, 'public');
          const groups = new Map<string, Array<{ id: string; public: unknown; exact: unknown }>>();
          for (const leaf of leavesOf(field, tree.exact, tree.entity)) {
            const m = /^(.*?)\.?(\w+)\[(\d+)\]\.(\w+)$/.exec(leaf.path);
            if (!m || !isCount(leaf)) continue;
            const totalPath = m[1] ? `${m[1]}.${m[4]}` : m[4]!;
            if (!pub.has(totalPath)) continue;
            const list = groups.get(totalPath) ?? [];
            list.push({ id: cellId(tree.where, key, leaf.path), public: pub.get(leaf.path) ?? null, exact: leaf.value });
            groups.set(totalPath, list);
          }
          for (const [totalPath, parts] of groups) attempts += relation('parts', pub.get(totalPath), parts);
        }
      }
    }
    summary('parts', attempts);
    expect(attempts, 'the data has withheld parts to attack').toBeGreaterThan(0);
    expect(recovered()).toEqual([]);
  });

  // Many questions: on a loaded machine (the suite runs files in parallel) it needs more than the default minute.
  it('cannot recover a withheld year from the spans it is in minus the other years (periods), and cannot ask for days', { timeout: 300_000 }, async () => {
    let attempts = 0;
    for (const field of fields) {
      const years = field.argumentSets.filter((s) => s.period?.kind === 'year');
      for (const span of field.argumentSets.filter((s) => s.period?.kind === 'span')) {
        const spanTrees = answers.get(`${field.name}|${span.label}`);
        if (!spanTrees) continue;
        const yearsIn = years.filter((y) => span.period!.years.includes(y.period!.years[0]!));
        const yearTrees = yearsIn.map((y) => ({ label: y.label, trees: answers.get(`${field.name}|${y.label}`) }));
        if (yearTrees.some((y) => !y.trees)) continue;
        spanTrees.forEach((spanTree, t) => {
          const spanPublic = byPath(field, spanTree, 'public');
          for (const leaf of leavesOf(field, spanTree.exact, spanTree.entity)) {
            // A trend lists one item a year: its items are not the span's parts.
            if (!isCount(leaf) || (/\[\d+\]/.test(leaf.path) && field.name.endsWith('Trend'))) continue;
            const parts = yearTrees.map(({ label, trees }) => {
              const tree = trees![t]!;
              const pub = byPath(field, tree, 'public');
              return {
                id: cellId(tree.where, `${field.name}|${label}`, leaf.path),
                public: pub.has(leaf.path) ? pub.get(leaf.path) : null,
                exact: byPath(field, tree, 'exact').get(leaf.path),
              };
            });
            attempts += relation('periods', spanPublic.get(leaf.path), parts);
          }
        });
      }
    }
    // Two periods a day apart would give that day's records: a caller without exact counts may
    // not ask for them at all.
    const days = await stack.query(
      `{ city { a: creditFigures(from: "2023-01-01", to: "2023-06-30") { loans } b: creditFigures(from: "2023-01-01", to: "2023-07-01") { loans } } }`,
      undefined,
      undefined,
      null,
    );
    // (The department fields are nullable since issue 15: the refused fields are null, nothing else.)
    expect(days.data?.city?.a ?? null).toBeNull();
    expect(days.data?.city?.b ?? null).toBeNull();
    expect(days.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    summary('periods', attempts);
    expect(attempts, 'the data has withheld years to attack').toBeGreaterThan(0);
    expect(recovered()).toEqual([]);
  });

  it('cannot recover a withheld value by combining every relation it is in', () => {
    const combined = [...evidence.values()].filter((e) => e.families.size > 1).length;
    const max = Math.max(0, ...[...evidence.values()].map((e) => posterior(e.likelihoods, surface.threshold)[e.truth - 1]!));
    report.push(
      `combined: ${combined} withheld values are in relations of more than one family; over every relation, the attacker's confidence reaches at most ${(max * 100).toFixed(1)}%`,
    );
    expect(recovered()).toEqual([]);
  });

  it('cannot recover a withheld count from an amount or a rate beside it (amounts, rates)', () => {
    let amounts = 0;
    let rates = 0;
    let blocked = 0;
    const found: string[] = [];
    for (const field of fields) {
      if (!isObjectType(typeOf(field, 'City'))) continue;
      for (const set of field.argumentSets) {
        const key = `${field.name}|${set.label}`;
        const trees = answers.get(key);
        if (!trees) continue;
        const cityPublic = byPath(field, trees[0]!, 'public');
        for (const tree of trees.slice(1)) {
          const pub = byPath(field, tree, 'public');
          const exact = leavesOf(field, tree.exact, tree.entity);
          const parentOf = (path: string) => path.replace(/\.?\w+$/, '');
          for (const count of exact) {
            if (!isCount(count) || !isWithheld(surface, pub.get(count.path) ?? null, count.value)) continue;
            const siblings = exact.filter((l) => parentOf(l.path) === parentOf(count.path) && l !== count);
            for (const money of siblings.filter((l) => scalarOf(l) === 'Money')) {
              amounts++;
              const amount = pub.get(money.path);
              // The unit amount, as the city's amount over its count (a fixed unit shows as such).
              const unit = Number(cityPublic.get(money.path)) / Number(cityPublic.get(count.path));
              if (amount === null || amount === undefined || !Number.isFinite(unit) || unit <= 0) {
                blocked++;
                continue;
              }
              if (Math.abs(Number(amount) / unit - (count.value as number)) < 0.5)
                found.push(`${tree.where} ${key} ${count.path} = ${String(count.value)} from ${money.path}`);
            }
            for (const rate of siblings.filter((l) => scalarOf(l) === 'Float')) {
              rates++;
              const r = pub.get(rate.path);
              if (typeof r !== 'number') {
                blocked++;
                continue;
              }
              // A percentage is of a whole: the largest count beside it. A rate of the withheld
              // count over that whole gives the count back exactly (up to float rounding).
              const wholes = siblings.filter((l) => isCount(l) && typeof pub.get(l.path) === 'number');
              const whole = wholes.sort((x, y) => (pub.get(y.path) as number) - (pub.get(x.path) as number))[0];
              if (whole && Math.abs((r * (pub.get(whole.path) as number)) / 100 - (count.value as number)) < 1e-6) {
                found.push(`${tree.where} ${key} ${count.path} = ${String(count.value)} from ${rate.path} × ${whole.path}`);
              }
            }
          }
        }
      }
    }
    report.push(
      `amounts and rates: ${amounts} amounts and ${rates} rates beside withheld counts, ${blocked} of them withheld too, ${found.length} gave the count back`,
    );
    expect(amounts + rates, 'the data has withheld counts with amounts or rates beside them').toBeGreaterThan(0);
    expect(found).toEqual([]);
  });

  it('asks the same cell twice, and any other way, and gets the same answer', async () => {
    // Averaging repeated answers must not wash the perturbation out: one cell, one answer.
    const a = await stack.query(`{ city { povertyFigures(year: 2023) { households poor nearPoor } } }`, undefined, undefined, null);
    const b = await stack.query(`{ city { x: povertyTrend(fromYear: 2022, toYear: 2024) { year households poor nearPoor } } }`, undefined, undefined, null);
    const c = await stack.query(`{ city { povertyFigures(year: 2023) { nearPoor poor households } } }`, undefined, undefined, null);
    expect(a.errors).toBeUndefined();
    const trend2023 = b.data.city.x.find((f: any) => f.year === 2023);
    expect({ households: trend2023.households, poor: trend2023.poor, nearPoor: trend2023.nearPoor }).toEqual(a.data.city.povertyFigures);
    expect(c.data.city.povertyFigures).toEqual(a.data.city.povertyFigures);
  });
});
