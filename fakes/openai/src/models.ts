import { modelNotFound } from './errors';

/**
 * What `GET /v1/models` lists. Chat completions accept any model name, so callers can test
 * their own model allow-lists without the fake getting in the way.
 */
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'o4-mini'];

/** A fixed date: real `created` values are when the model was published, not now. */
const CREATED = 1_715_367_049;

export type Model = { id: string; object: 'model'; created: number; owned_by: string };

function model(id: string): Model {
  return { id, object: 'model', created: CREATED, owned_by: 'system' };
}

export function listModels(): { object: 'list'; data: Model[] } {
  return { object: 'list', data: MODELS.map(model) };
}

export function getModel(id: string): Model {
  if (!MODELS.includes(id)) throw modelNotFound(id);
  return model(id);
}
