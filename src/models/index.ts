/**
 * Models: train, predict, combine, version.
 *
 *   trainModel(config, trainSet, { valid, onProgress }) → { model, info }   (logistic | ridge | gbdt)
 *   trainSetFromFrame(frame, features, label, { rows, weight }) / featureMatrix(frame, model)
 *   model.predictRow(x, offset, out) (allocation-free, live) / model.predict(matrix, n)
 *   loadModelFile(path): lobkit model.json, XGBoost JSON or LightGBM text, by content
 *   Ensemble / combineDirections: weighted direction with agreement confidence and a threshold
 *   saveArtifact(dir, {...}) / loadArtifact(dir) / checkData(artifact, {specHash, columns}, source)
 *   listArtifacts(root) / resolveArtifact(ref, root) / nextVersion(name, root)
 */
export type { Model, ModelJSON, ModelKind, Task, TrainSet } from './model.ts';
export { predictRows, classesOf } from './model.ts';
export { trainModel, parseModelConfig, modelConfigSchema, trainSetFromFrame, featureMatrix, type ModelConfig, type ModelConfigInput, type TrainOptions, type TrainResult } from './train.ts';
export { modelFromJSON } from './registry.ts';
export { loadModelFile, parseModelText } from './import/load.ts';
export { loadXgboostJson } from './import/xgboost.ts';
export { loadLightgbmText } from './import/lightgbm.ts';
export { TreeModel, type FeatureImportance } from './gbdt/model.ts';
export { trainGbdt, type GbdtInfo } from './gbdt/train.ts';
export { gbdtConfig, type GbdtConfig } from './gbdt/config.ts';
export { LogisticModel, trainLogistic } from './linear/logistic.ts';
export { RidgeModel, trainRidge } from './linear/ridge.ts';
export { Ensemble, combineDirections, directionOf, DEFAULT_CONFIDENCE_THRESHOLD, type EnsembleDecision, type EnsembleMember } from './ensemble.ts';
export { saveArtifact, loadArtifact, readManifest, checkData, listArtifacts, resolveArtifact, nextVersion, ARTIFACT_FORMAT, type Artifact, type ArtifactInput, type ArtifactManifest } from './artifact/artifact.ts';
export { isSemver, compareSemver, bumpPatch } from './artifact/semver.ts';
export { gitSha } from './artifact/git.ts';
export { auc, logLoss, multiLogLoss, mse } from './metrics.ts';
