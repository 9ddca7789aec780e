import { describe, expect, it } from 'vitest';
import { currentGatewayProof, gatewayProof, isGatewayProof } from '../../platform/gateway-proof.js';

describe("the gateway's proof to the subgraphs", () => {
  it('is made once a second for the fetches going out, and each one made is taken', () => {
    const t = 1_800_000_000_000;
    const first = currentGatewayProof(t);
    expect(currentGatewayProof(t + 999)).toBe(first);
    const next = currentGatewayProof(t + 1000);
    expect(next).not.toBe(first);
    // A clock stepped back makes a new one rather than keep one from the future.
    expect(currentGatewayProof(t + 500)).not.toBe(next);
    expect(isGatewayProof(first, t + 999)).toBe(true);
    expect(isGatewayProof(next, t + 1000)).toBe(true);
  });

  it('is refused when too old, from the future, or altered', () => {
    const t = 1_800_000_000_000;
    const proof = gatewayProof(t);
    expect(isGatewayProof(proof, t + 120_000)).toBe(true);
    expect(isGatewayProof(proof, t + 120_001)).toBe(false);
    expect(isGatewayProof(proof, t - 120_001)).toBe(false);
    expect(isGatewayProof(`${t + 1}${proof.slice(13)}`, t)).toBe(false);
    expect(isGatewayProof(proof.slice(0, -1) + (proof.endsWith('A') ? 'B' : 'A'), t)).toBe(false);
    expect(isGatewayProof(undefined, t)).toBe(false);
  });
});
