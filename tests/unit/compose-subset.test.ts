import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { credit } from '../../subgraphs/credit/index.js';
import { housing } from '../../subgraphs/housing/index.js';
import { registry } from '../../subgraphs/registry/index.js';

// A stack of some subgraphs composes without the absent ones' contributions to the consistency
// checks (schema/compose.ts, withoutAbsentExternals), and keeps those of the present ones.

/** The selection a registry field of CommuneConsistency requires, as composed. */
const requiresOf = (sdl: string, field: string) => new RegExp(`\\n  ${field}\\(.*@join__field\\(graph: REGISTRY, requires: "([^"]*)"`).exec(sdl)?.[1];

describe('composing some of the subgraphs', () => {
  it('the registry alone composes, its findings requiring nothing', () => {
    const sdl = composeSupergraph([registry]);
    expect(sdl).not.toMatch(/creditFindings/);
    expect(sdl).toMatch(/type CommuneConsistency/);
  });

  it("with credit and housing, the registry requires their findings and housing requires credit's loans", () => {
    const sdl = composeSupergraph([registry, credit, housing]);
    expect(sdl).toMatch(/creditFindings/);
    expect(sdl).toMatch(/housingFindings/);
    expect(sdl).not.toMatch(/employmentFindings/);
    expect(requiresOf(sdl, 'findings')).toMatch(/^creditFindings \{.*\} housingFindings \{.*\}$/);
    expect(sdl).toMatch(
      /housingFindings: \[DepartmentFinding!\]! @inaccessible @join__field\(graph: HOUSING, requires: "housingLoanFacts \{ householdId loanId programme disbursedOn \}"\)/,
    );
  });

  it('housing without credit composes, its findings requiring nothing', () => {
    const sdl = composeSupergraph([registry, housing]);
    expect(sdl).not.toMatch(/housingLoanFacts/);
  });
});
