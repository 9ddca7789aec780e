/** One published figure and the gateway query that reproduces it. */
export interface FigureCheck {
  /** The JSON path in published-figures.json, e.g. 'credit.disbursed_2021_2024_vnd'. */
  key: string;
  /** The period the figure covers, in words. */
  period: string;
  /** The published number ("more than 179000" is 179000 with compare 'atLeast'). */
  published: number;
  /** 'atLeast' for "more than", 'atMost' (with approxFloor) for "almost", 'approx' for rates rounded to the published precision. */
  compare: 'exact' | 'atLeast' | 'atMost' | 'approx';
  /** With 'atMost': the lowest value still faithful to "almost"; with 'approx': the decimals published. */
  approxFloor?: number;
  /** A GraphQL operation for the gateway. */
  query: string;
  extract: (data: any) => number;
}
