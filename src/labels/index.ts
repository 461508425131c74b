/**
 * Forward labels (offline only). Every label column is named `fwd_*`; each label also has an
 * end-time column `fwd_end_ts_<suffix>` (the last instant its window looks at) and `fwd_end_ts`
 * is the max over all of them — what purged splits use.
 *
 *   const spec = normalizeLabelSpec(yamlOrJson, { venue });          // durations → ns, fees → bps
 *   const { frame, labels, endOf } = await labelFrame(featureFrame, spec, { events });
 *
 * Columns (h a time horizon such as 10s, n rows ahead, k the smoothing window, N trades):
 *   fwd_ret_<h>, fwd_ret_<n>ev      mid return, bps (to the quote prevailing at ts + h / n rows on)
 *   fwd_dir_<h>, fwd_dir_<n>ev      3-class direction in {-1, 0, +1} against a threshold:
 *                                   fixed bps, k × spread, or k × rolling std of the backward return
 *   fwd_sret_<k>ev, fwd_sdir_<k>ev  DeepLOB smoothed: mean of the next k mids vs the previous k
 *   fwd_vwret_<N>t                  volume-weighted mid over the next N trades vs the mid, bps
 *   fwd_tb_<h>, fwd_tb_ret_<h>      triple barrier: +1 take-profit, -1 stop-loss, 0 timeout; exit return
 *   fwd_mfe_<h>, fwd_mae_<h>        max favourable / adverse mid excursion of a long, bps
 *   fwd_mkb_*_<H>, fwd_mka_*_<H>    maker orders resting at the bid / ask: fill (0/1), ttf (s),
 *                                   markout (bps), adv (mid move after the fill, in the order's
 *                                   favour), edge (markout − maker fee; 0 when unfilled)
 * A label is NaN when its window runs past the data or crosses a row with valid != 1 (a gap):
 * frames must carry rows with valid = 0 while the book is unusable, as feature and book frames do.
 */
export { parseDuration, formatDuration, humanDuration } from './duration.ts';
export { FEE_SCHEDULES, feesFor, findFees, type FeeSchedule } from './fees.ts';
export { normalizeLabelSpec, defaultLabelSpecInput, labelSpecHash, labelSpecJson, needsEvents, type LabelSpec, type LabelSpecInput, type MakerSpec, type Threshold } from './spec.ts';
export { labelFrame, labelFrameSync, LABEL_END, REQUIRED_COLUMNS, type LabeledFrame, type LabelOptions, type MakerReport } from './label-frame.ts';
export { MakerLabeler, MAKER_SLACK_NS } from './maker.ts';
export { summarizeLabels, type LabelSummary } from './summary.ts';
export { asOfRow, horizonRows, checkTimes } from './time-index.ts';
