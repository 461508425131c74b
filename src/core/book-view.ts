/**
 * Read-only view of an L2 book, level 0 = best. Prices and sizes are scaled integers
 * (`/ 10^priceDecimals`, `/ 10^sizeDecimals`). Venue checksum code and features read books
 * through this interface only.
 */
export interface BookView {
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  bidCount(): number;
  askCount(): number;
  bidPrice(i: number): number;
  bidSize(i: number): number;
  askPrice(i: number): number;
  askSize(i: number): number;
}
