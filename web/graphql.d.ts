// esbuild loads .graphql files as text (platform/assets.ts), so the dashboard sends the very
// operations in schema/operations/ that the tests validate against the supergraph.
declare module '*.graphql' {
  const text: string;
  export default text;
}
