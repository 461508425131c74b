/**
 * A columnar table of float64 columns for one instrument: what feature extraction produces, labels
 * extend, datasets store and models read. Timestamps are columns too (`ts`: exchange time ns,
 * `local_ts`), so a frame is self-describing. Columns are plain Float64Arrays of length `n`;
 * missing values are NaN. Build one with `FrameBuilder` (typed arrays growing geometrically).
 */
export class Frame {
  private readonly index = new Map<string, number>();

  constructor(
    readonly names: string[],
    readonly cols: Float64Array[],
    readonly n: number,
    /** Free-form metadata (venue, symbol, feature spec hash, ...), kept with the table on disk. */
    readonly meta: Record<string, string> = {},
  ) {
    if (names.length !== cols.length) throw new Error(`frame: ${names.length} names for ${cols.length} columns`);
    for (let i = 0; i < names.length; i++) {
      if (this.index.has(names[i])) throw new Error(`frame: duplicate column "${names[i]}"`);
      if (cols[i].length !== n) throw new Error(`frame: column "${names[i]}" has ${cols[i].length} rows, expected ${n}`);
      this.index.set(names[i], i);
    }
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  col(name: string): Float64Array {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`frame has no column "${name}" (have: ${this.names.slice(0, 12).join(', ')}${this.names.length > 12 ? ', ...' : ''})`);
    return this.cols[i];
  }

  /** A frame with only these columns (shared, not copied). */
  select(names: string[]): Frame {
    return new Frame(names, names.map((n) => this.col(n)), this.n, { ...this.meta });
  }

  /** A frame with these columns added or replaced (shared, not copied). */
  with(names: string[], cols: Float64Array[]): Frame {
    const outNames = [...this.names];
    const outCols = [...this.cols];
    for (let k = 0; k < names.length; k++) {
      const i = this.index.get(names[k]);
      if (i === undefined) {
        outNames.push(names[k]);
        outCols.push(cols[k]);
      } else outCols[i] = cols[k];
    }
    return new Frame(outNames, outCols, this.n, { ...this.meta });
  }

  /** Rows [start, end) (views, not copies). */
  slice(start: number, end: number): Frame {
    return new Frame(this.names, this.cols.map((c) => c.subarray(start, end)), end - start, { ...this.meta });
  }

  /** Rows selected by index (copies). */
  take(rows: ArrayLike<number>): Frame {
    const m = rows.length;
    const cols = this.cols.map((c) => {
      const o = new Float64Array(m);
      for (let i = 0; i < m; i++) o[i] = c[rows[i]];
      return o;
    });
    return new Frame(this.names, cols, m, { ...this.meta });
  }

  /** Row-major matrix of the given columns (n × names.length), for model code. */
  matrix(names: string[]): Float64Array {
    const k = names.length;
    const out = new Float64Array(this.n * k);
    for (let j = 0; j < k; j++) {
      const c = this.col(names[j]);
      for (let i = 0; i < this.n; i++) out[i * k + j] = c[i];
    }
    return out;
  }
}

/** Appends rows of a fixed set of columns into typed arrays that grow geometrically. */
export class FrameBuilder {
  private cols: Float64Array[];
  private cap: number;
  n = 0;

  constructor(
    readonly names: string[],
    capacity = 1024,
  ) {
    this.cap = Math.max(16, capacity);
    this.cols = names.map(() => new Float64Array(this.cap));
  }

  /** Appends one row from `row[offset .. offset + names.length)`. */
  push(row: ArrayLike<number>, offset = 0): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    const k = this.cols.length;
    for (let j = 0; j < k; j++) this.cols[j][i] = row[offset + j];
  }

  private grow(): void {
    this.cap *= 2;
    this.cols = this.cols.map((c) => {
      const o = new Float64Array(this.cap);
      o.set(c);
      return o;
    });
  }

  /** The rows so far as a Frame (exactly sized copies; the builder can go on). */
  frame(meta: Record<string, string> = {}): Frame {
    return new Frame(
      this.names,
      this.cols.map((c) => c.slice(0, this.n)),
      this.n,
      meta,
    );
  }
}
