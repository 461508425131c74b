/**
 * Honest evaluation: metrics, cost-aware trade simulation, feasibility, fold distributions.
 *
 * Metrics (defined as scikit-learn defines them; the tests compare with sklearn's values):
 *   classificationMetrics(yClassIdx, probaRowMajor, { k }) → accuracy, balancedAccuracy, macroF1,
 *     perClass precision/recall/f1, confusion, logLoss, rocAuc (binary / macro one-vs-rest), prAuc
 *     (average precision), calibration bins + ECE
 *   classIndex(labels, [-1, 0, 1]) maps label values to class indices; binaryProba(p1)
 *   regressionMetrics(y, pred), ic(signal, fwdReturn) → Pearson IC and Spearman rank IC
 *   icDecay(signal, [{ name, values, horizon }]) → IC per horizon
 *
 * Trades (bps of entry notional; taker legs cross the spread and walk the book, maker legs assume the fill):
 *   feeScenarios(resolveFees(venue)) → taker/taker, maker/taker, maker/maker Costs
 *   simulateTrades(signal, frame, costs, { horizon, threshold, overlapping, rows }) → SimResult
 *   simulateBoth(...) → { honest (non-overlapping), overlapping (the trap, for comparison) }
 *   thresholdSweep(...) → threshold → trades/day, bps/trade, total
 *   oracleDirection(...) → perfect direction at the model's own entries
 *   evaluateSignal(frame, signal, { label, split | fold, costs }) → per fold + distributions
 *
 * Feasibility (before any model): computeFeasibility({ fees, spreadBps, adverseBps, slippageBps, moves })
 *   measureFeasibility(labeledFrame, { fees, size, depth }) measures those inputs from data.
 *
 * Across folds: summarizeFolds(perFoldResults) → { metric: { median, min, max, mean, perFold } }.
 */
export { classificationMetrics, regressionMetrics, classIndex, binaryProba, rocAuc, averagePrecision, calibrationBins, ic, icDecay, type ClassificationMetrics, type RegressionMetrics, type Calibration, type IcPoint } from './metrics.ts';
export { feeScenarios, resolveFees, depthFromFrame, walkBook, type Costs, type Depth, type Role } from './costs.ts';
export { simulateTrades, simulateBoth, oracleDirection, thresholdSweep, defaultThresholds, type SimOptions, type SimResult, type SimTrade, type SweepRow } from './simulate.ts';
export { computeFeasibility, measureFeasibility, type Feasibility, type FeasibilityInput, type FeasibilityScenario } from './feasibility.ts';
export { summarizeFolds, distribution, flattenNumbers, type Distribution } from './folds.ts';
export { evaluateSignal, labelHorizon, returnLabels, type Evaluation, type EvaluateOptions, type FoldEvaluation } from './evaluate.ts';
