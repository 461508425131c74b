import { BID, type Side } from '../core/events.ts';
import { Fixed, FixedSum } from './fixed.ts';

/** One open lot: quantity (> 0) bought (dir +1) or sold short (dir −1) at a price. */
interface Lot {
  dir: 1 | -1;
  qty: Fixed;
  price: Fixed;
}

/**
 * Exact accounting of one linear instrument in its quote currency: cash, position, fees, funding,
 * realized P&L matched first-in first-out, and unrealized P&L of the open lots at a mark price.
 * Invariant (tested): cash + position·mark = realized + unrealized(mark) − fees + funding.
 */
export class InstrumentLedger {
  readonly cash = new FixedSum();
  readonly fees = new FixedSum();
  readonly funding = new FixedSum();
  readonly realized = new FixedSum();
  /** Σ |price · size| traded. */
  readonly turnover = new FixedSum();
  position: Fixed = Fixed.ZERO;
  fills = 0;
  makerFills = 0;
  private readonly lots: Lot[] = [];

  constructor(
    readonly venue: string,
    readonly symbol: string,
  ) {}

  /** Books a fill; returns the realized P&L it closed (before fees). */
  fill(side: Side, price: Fixed, qty: Fixed, fee: Fixed, maker: boolean): Fixed {
    const dir: 1 | -1 = side === BID ? 1 : -1;
    const notional = price.mul(qty);
    this.cash.add(dir === 1 ? notional.neg() : notional);
    this.cash.add(fee.neg());
    this.fees.add(fee);
    this.turnover.add(notional);
    this.position = this.position.add(dir === 1 ? qty : qty.neg());
    this.fills++;
    if (maker) this.makerFills++;
    // FIFO matching against lots of the other direction
    let rem = qty;
    let closed = Fixed.ZERO;
    const lots = this.lots;
    while (rem.sign() > 0 && lots.length > 0 && lots[0].dir !== dir) {
      const lot = lots[0];
      const m = lot.qty.cmp(rem) <= 0 ? lot.qty : rem;
      // long lot closed by a sale: (sell − buy)·m; short lot closed by a purchase: (sell − buy)·m too
      const pnl = (lot.dir === 1 ? price.sub(lot.price) : lot.price.sub(price)).mul(m);
      closed = closed.add(pnl);
      rem = rem.sub(m);
      if (m === lot.qty || lot.qty.eq(m)) lots.shift();
      else lot.qty = lot.qty.sub(m);
    }
    if (rem.sign() > 0) lots.push({ dir, qty: rem, price });
    this.realized.add(closed);
    return closed;
  }

  /** A funding payment at `mark` and `rate` (longs pay a positive rate): −position·mark·rate, added to cash. */
  payFunding(mark: Fixed, rate: Fixed): Fixed {
    const amount = this.position.mul(mark).mul(rate).neg();
    this.cash.add(amount);
    this.funding.add(amount);
    return amount;
  }

  /** Unrealized P&L of the open lots at `mark`. */
  unrealized(mark: Fixed): Fixed {
    let u = Fixed.ZERO;
    for (const lot of this.lots) u = u.add((lot.dir === 1 ? mark.sub(lot.price) : lot.price.sub(mark)).mul(lot.qty));
    return u;
  }

  /** cash + position · mark. */
  equity(mark: Fixed): Fixed {
    return this.cash.value.add(this.position.mul(mark));
  }

  /** Open lots (copies), oldest first. */
  openLots(): { dir: 1 | -1; qty: Fixed; price: Fixed }[] {
    return this.lots.map((l) => ({ ...l }));
  }
}
