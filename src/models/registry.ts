import { TreeModel } from './gbdt/model.ts';
import { LogisticModel } from './linear/logistic.ts';
import { RidgeModel } from './linear/ridge.ts';
import type { Model, ModelJSON } from './model.ts';

/** Rebuilds a model from its `toJSON()` form, by kind. */
export function modelFromJSON(j: ModelJSON): Model {
  if (j?.format !== 'lobkit-model') throw new Error('not a lobkit model (missing "format": "lobkit-model")');
  switch (j.kind) {
    case 'logistic':
      return LogisticModel.fromJSON(j);
    case 'ridge':
      return RidgeModel.fromJSON(j);
    case 'gbdt':
    case 'xgboost':
    case 'lightgbm':
      return TreeModel.fromJSON(j);
    default:
      throw new Error(`unknown model kind "${String(j.kind)}"`);
  }
}
