import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSchema, coordinateOf, formatReport, parseAcknowledgements, type AcknowledgedChange, type SubgraphSdl } from '../schema/check.js';
import { defaultRoutingUrl, readCommittedSupergraph } from '../schema/compose.js';
import { loadOperations } from '../platform/operations.js';
import { subgraphs } from '../subgraphs/catalog.js';

// Every case edits SDL strings in memory: the working tree is only read.
const committedSupergraph = readCommittedSupergraph();
const operations = loadOperations();
const workingTree: SubgraphSdl[] = subgraphs.map((s) => ({
  name: s.name,
  url: defaultRoutingUrl(s.defaultPort),
  sdl: fs.readFileSync(s.schemaFile, 'utf8'),
}));

/** The working tree's SDL with one subgraph's text edited (each edit must apply). */
function edited(subgraph: string, ...edits: Array<[string | RegExp, string]>): SubgraphSdl[] {
  return workingTree.map((s) => {
    if (s.name !== subgraph) return s;
    let sdl = s.sdl;
    for (const [from, to] of edits) {
      const next = sdl.replace(from, to);
      if (next === sdl) throw new Error(`edit did not apply to ${subgraph}: ${String(from)}`);
      sdl = next;
    }
    return { ...s, sdl };
  });
}

function check(sdl: SubgraphSdl[], acknowledged: AcknowledgedChange[] = []) {
  return checkSchema({ subgraphs: sdl, committedSupergraph, operations, acknowledged });
}

const REMOVE_CANCELLATION_REASON: [RegExp, string] = [/\n\s*"Why the case was cancelled;[^\n]*\n\s*cancellationReason: String\n/, '\n'];

describe('npm run schema:check (schema/check.ts)', () => {
  it('passes the working tree as committed: it composes, nothing breaks, every operation validates', () => {
    const result = check(workingTree);
    expect(result.compositionErrors).toEqual([]);
    expect(result.breakingChanges).toEqual([]);
    expect(result.invalidOperations).toEqual([]);
    expect(result.inconsistentDescriptions).toEqual([]);
    expect(result.ok).toBe(true);
    expect(formatReport(result)).toContain('schema check: passed');
  });

  it('fails on a shared element described differently in one subgraph, naming the description clients would see', () => {
    // A department edits the description of a field every subgraph declares (AuditEvent's), in
    // its own SDL alone: composition would show clients the others' words and drop the edit.
    const result = check(edited('housing', ['"When it happened."', '"When the event was recorded."']));
    expect(result.compositionErrors).toEqual([]);
    expect(result.ok).toBe(false);
    expect(result.inconsistentDescriptions).toHaveLength(1);
    const message = result.inconsistentDescriptions[0]!;
    expect(message).toContain('"AuditEvent.occurredAt"');
    expect(message).toMatch(/supergraph will use description \(from subgraphs[^)]*"credit"/);
    expect(message).toMatch(/In subgraph "housing", the description is:\s+"""\s+When the event was recorded\.\s+"""/);
    const report = formatReport(result);
    expect(report).toContain('descriptions of what several subgraphs declare: 1 differ');
    expect(report).toContain('DIFFERENT  Element "AuditEvent.occurredAt"');
    expect(report).toContain('schema check: FAILED');
  });

  it('fails on a removed field and names the subgraph that removed it', () => {
    const result = check(edited('housing', REMOVE_CANCELLATION_REASON));
    expect(result.ok).toBe(false);
    expect(result.breakingChanges).toEqual([
      expect.objectContaining({
        type: 'FIELD_REMOVED',
        coordinate: 'HousingCase.cancellationReason',
        subgraphs: ['housing'],
        description: 'HousingCase.cancellationReason was removed.',
      }),
    ]);
    expect(result.invalidOperations).toEqual([]);
    expect(formatReport(result)).toMatch(/BREAKING {2}\[housing\] HousingCase\.cancellationReason: HousingCase\.cancellationReason was removed\./);
  });

  it('fails on a retyped field', () => {
    const result = check(edited('housing', ['  totalFunding: Money!', '  totalFunding: Int!']));
    expect(result.ok).toBe(false);
    expect(result.breakingChanges).toEqual([
      expect.objectContaining({ type: 'FIELD_CHANGED_KIND', coordinate: 'HousingCase.totalFunding', subgraphs: ['housing'] }),
    ]);
  });

  it('fails on an output field made nullable (clients that relied on a value get null)', () => {
    const result = check(edited('housing', ['  totalFunding: Money!', '  totalFunding: Money']));
    expect(result.breakingChanges.map((c) => [c.coordinate, c.description])).toEqual([
      ['HousingCase.totalFunding', 'HousingCase.totalFunding changed type from Money! to Money.'],
    ]);
    expect(result.ok).toBe(false);
  });

  it('fails on an optional argument made required, and on a required argument added', () => {
    const madeRequired = check(
      edited('registry', [
        'households(filter: HouseholdFilter, first: Int = 20, after: String)',
        'households(filter: HouseholdFilter!, first: Int = 20, after: String)',
      ]),
    );
    expect(madeRequired.ok).toBe(false);
    expect(madeRequired.breakingChanges).toEqual([
      expect.objectContaining({ type: 'ARG_CHANGED_KIND', coordinate: 'Query.households(filter:)', subgraphs: ['registry'] }),
    ]);

    const added = check(edited('housing', ['housingCase(id: ID!): HousingCase', 'housingCase(id: ID!, year: Int!): HousingCase']));
    expect(added.ok).toBe(false);
    expect(added.breakingChanges).toEqual([
      expect.objectContaining({ type: 'REQUIRED_ARG_ADDED', coordinate: 'Query.housingCase(year:)', subgraphs: ['housing'] }),
    ]);
  });

  it('fails on nullability tightened on an input field', () => {
    const result = check(edited('housing', [/(input AddFundContributionInput \{[\s\S]*?donorName: )String\n/, '$1String!\n']));
    expect(result.ok).toBe(false);
    expect(result.breakingChanges).toEqual([
      expect.objectContaining({
        type: 'FIELD_CHANGED_KIND',
        coordinate: 'AddFundContributionInput.donorName',
        description: 'AddFundContributionInput.donorName changed type from String to String!.',
        subgraphs: ['housing'],
      }),
    ]);
  });

  it('fails on an enum value removed', () => {
    const result = check(edited('housing', [/\n\s*"An existing house is repaired or renovated\."\n\s*RENOVATION\n/, '\n']));
    expect(result.ok).toBe(false);
    expect(result.breakingChanges).toEqual([
      expect.objectContaining({ type: 'VALUE_REMOVED_FROM_ENUM', coordinate: 'HousingCaseKind.RENOVATION', subgraphs: ['housing'] }),
    ]);
  });

  it('fails on an operation in schema/operations that no longer validates', () => {
    const sdl = edited('housing', [/\n\s*(?:"[^\n]*"|"""(?:(?!""")[\s\S])*""")\n\s*housingSupport: \[HousingCase!\]\n/, '\n']);
    const result = check(sdl);
    expect(result.ok).toBe(false);
    expect(result.breakingChanges.map((c) => [c.coordinate, c.subgraphs])).toEqual([['Household.housingSupport', ['housing']]]);
    expect(result.invalidOperations.map((o) => o.name).sort()).toEqual(['coverage-gaps', 'household-360']);
    expect(result.invalidOperations[0]!.errors.join('\n')).toContain('Cannot query field "housingSupport" on type "Household"');
    // Even an acknowledged break cannot excuse an operation the dashboards run.
    const acknowledged = check(sdl, [{ subgraph: 'housing', change: 'Household.housingSupport', reason: 'test' }]);
    expect(acknowledged.breakingChanges.every((c) => c.acknowledged)).toBe(true);
    expect(acknowledged.ok).toBe(false);
    expect(formatReport(acknowledged)).toContain('INVALID  household-360');
  });

  it('fails on a composition error, and says so before anything else', () => {
    // The housing subgraph retypes the registry's key field: the subgraphs no longer agree.
    const result = check(
      edited('housing', [
        /type Household @key\(fields: "id"\)([^{]*)\{\n(\s*"[^\n]*"\n)?\s*id: ID!/,
        'type Household @key(fields: "id")$1{\n  "Registry id."\n  id: Int!',
      ]),
    );
    expect(result.ok).toBe(false);
    expect(result.compositionErrors.length).toBeGreaterThan(0);
    expect(result.compositionErrors.join('\n')).toMatch(/Household\.id/);
    expect(result.supergraphSdl).toBeUndefined();
    expect(formatReport(result)).toContain('COMPOSITION FAILED');

    const syntax = check(edited('housing', [/type HousingCase( [^{]*)?\{/, 'type HousingCase {{']));
    expect(syntax.ok).toBe(false);
    expect(syntax.compositionErrors.join('\n')).toMatch(/Syntax Error/);
  });

  it('passes a breaking change acknowledged for its subgraph, by coordinate or by description', () => {
    const sdl = edited('housing', REMOVE_CANCELLATION_REASON);
    const byCoordinate = check(sdl, [{ subgraph: 'housing', change: 'HousingCase.cancellationReason', reason: 'the case page no longer shows it' }]);
    expect(byCoordinate.ok).toBe(true);
    expect(byCoordinate.breakingChanges[0]!.acknowledged?.reason).toBe('the case page no longer shows it');
    expect(byCoordinate.unusedAcknowledgements).toEqual([]);
    expect(formatReport(byCoordinate)).toMatch(/acknowledged {2}\[housing\] HousingCase\.cancellationReason/);

    const byDescription = check(sdl, [{ subgraph: 'housing', change: 'HousingCase.cancellationReason was removed.', reason: 'agreed' }]);
    expect(byDescription.ok).toBe(true);

    // An acknowledgement is for one subgraph's change: another subgraph's does not excuse it.
    const wrongSubgraph = check(sdl, [{ subgraph: 'credit', change: 'HousingCase.cancellationReason', reason: 'no' }]);
    expect(wrongSubgraph.ok).toBe(false);
    expect(wrongSubgraph.unusedAcknowledgements).toHaveLength(1);
  });

  it('reports acknowledgements that no longer match any change', () => {
    const result = check(workingTree, [{ subgraph: 'housing', change: 'Query.housingCase', reason: 'done long ago' }]);
    expect(result.ok).toBe(true);
    expect(result.unusedAcknowledgements).toHaveLength(1);
    expect(formatReport(result)).toContain('match no change');
  });

  it('lists an added enum value as a change to review, without failing', () => {
    const result = check(edited('housing', ['  RENOVATION\n', '  RENOVATION\n  "Moving the household to a resettlement flat."\n  RESETTLEMENT\n']));
    expect(result.ok).toBe(true);
    expect(result.supergraphChanged).toBe(true);
    expect(result.dangerousChanges).toEqual([expect.objectContaining({ coordinate: 'HousingCaseKind.RESETTLEMENT', subgraphs: ['housing'] })]);
  });

  it('takes the coordinate out of every kind of graphql-js description', () => {
    expect(coordinateOf('Loan was removed.')).toBe('Loan');
    expect(coordinateOf('Loan changed from an Object type to an Interface type.')).toBe('Loan');
    expect(coordinateOf('Loan.status was removed.')).toBe('Loan.status');
    expect(coordinateOf('Loan.status changed type from LoanStatus! to String!.')).toBe('Loan.status');
    expect(coordinateOf('Query.loans arg first has changed type from Int to Int!.')).toBe('Query.loans(first:)');
    expect(coordinateOf('Query.loans arg first was removed.')).toBe('Query.loans(first:)');
    expect(coordinateOf('A required arg year on Query.loans was added.')).toBe('Query.loans(year:)');
    expect(coordinateOf('A required field year on input type LoanInput was added.')).toBe('LoanInput.year');
    expect(coordinateOf('OVERDUE was removed from enum type LoanStatus.')).toBe('LoanStatus.OVERDUE');
    expect(coordinateOf('Loan was removed from union type Record.')).toBe('Record');
    expect(coordinateOf('Loan no longer implements interface Node.')).toBe('Loan');
  });

  it('reads the acknowledgement file and refuses an entry without a reason', () => {
    const committed = fs.readFileSync(new URL('../schema/acknowledged-breaking-changes.json', import.meta.url), 'utf8');
    expect(Array.isArray(parseAcknowledgements(committed))).toBe(true);
    expect(parseAcknowledgements('[{"subgraph":"a","change":"B.c","reason":"d"}]')).toEqual([{ subgraph: 'a', change: 'B.c', reason: 'd' }]);
    expect(() => parseAcknowledgements('{"acknowledged":[{"subgraph":"a","change":"B.c"}]}')).toThrow(/reason/);
  });
});
