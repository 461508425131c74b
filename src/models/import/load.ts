import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import type { Model } from '../model.ts';
import { modelFromJSON } from '../registry.ts';
import { loadLightgbmText } from './lightgbm.ts';
import { loadXgboostJson } from './xgboost.ts';

/**
 * Reads a model file of any supported kind, recognised by its content: lobkit's own model.json,
 * an XGBoost JSON model, or a LightGBM text model.
 */
export function loadModelFile(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read model file: ${(e as Error).message}`, { file: path });
  }
  return parseModelText(text, path);
}

export function parseModelText(text: string, source: string): Model {
  try {
    const head = text.trimStart();
    if (head.startsWith('tree')) return loadLightgbmText(text, source);
    if (head.startsWith('{')) {
      const j = JSON.parse(text) as { format?: string; learner?: unknown };
      if (j.format === 'lobkit-model') return modelFromJSON(j as never);
      if (j.learner !== undefined) return loadXgboostJson(text, source);
      throw new Error(`${source}: JSON but neither a lobkit model ("format": "lobkit-model") nor an XGBoost model ("learner")`);
    }
    throw new Error(`${source}: not a model file (expected lobkit/XGBoost JSON or a LightGBM text model)`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const msg = (e as Error).message;
    if (!msg.startsWith(source)) throw new InputError(msg, { file: source });
    const m = /^:(\d+)?: ?/.exec(msg.slice(source.length)) ?? /^(): /.exec(msg.slice(source.length));
    const rest = m ? msg.slice(source.length + m[0].length) : msg.slice(source.length);
    throw new InputError(rest, m?.[1] ? { file: source, line: Number(m[1]) } : { file: source });
  }
}
