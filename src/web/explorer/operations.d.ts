/** Built by the bundler from schema/operations/*.graphql: one entry per file. */
declare module 'reelgraph:operations' {
  const operations: { file: string; query: string }[];
  export default operations;
}
