import { RetinaError } from '../../errors.js';
import type { ModelRepo } from '../../hub/index.js';
import type { InferenceSession } from '../../session/inference-session.js';
import { MODEL_FAMILIES } from '../model-families.js';
import { loadModel, openRepo, type FromPretrainedOptions, type ModelClass } from '../pretrained-model.js';
import { readAutoConfig, type AutoConfigType } from './configuration-auto.js';

// Classes are picked by the config's model_type, so each gets its own config class; `any` only erases which one.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: no single config type fits every class
type AnyModelClass<M> = ModelClass<M, any>;

/** Model classes per model_type; the first one is built when config.json's `architectures` names none of them. */
type ModelClassesByType<M> = Readonly<Record<string, readonly AnyModelClass<M>[]>>;

/** Builds the model class that config.json (`model_type`, then `architectures`) calls for, among those of one task. */
export interface AutoModelClass<M> {
  /** Reads config.json and the ONNX graph from a folder, URL or hub id (or a {@link ModelRepo}). */
  fromPretrained(source: string | ModelRepo, options?: FromPretrainedOptions): Promise<M>;
  /** Builds the model on an existing session, e.g. one created in a worker. */
  fromSession(config: AutoConfigType, session: InferenceSession): M;
  /** The class `config` leads to; fails with UNSUPPORTED_MODEL when this auto class cannot build it. */
  modelClassFor(config: AutoConfigType): AnyModelClass<M>;
  /** The Transformers classes it builds (config.json's `architectures`), from the family registry. */
  readonly architectures: readonly string[];
}

/** Every head of every family in the registry. */
type FamilyModelClass = (typeof MODEL_FAMILIES)[number]['modelClasses'][number];

/** What a head does ("image-classification", "image-segmentation", "backbone", ...), as the families declare it. */
export type ModelTask = FamilyModelClass['task'];

/** The instance type of the heads of `T`. */
export type ModelForTask<T extends ModelTask> = InstanceType<Extract<FamilyModelClass, { readonly task: T }>>;

const ALL_CLASSES: ModelClassesByType<AutoModelType> = Object.fromEntries(
  MODEL_FAMILIES.map((family) => [family.modelType, family.modelClasses]),
);

/** The heads of `task` per model_type, from the family registry; `M` is their instance type. */
function classesOf<M>(task: ModelTask): ModelClassesByType<M> {
  const byType: Record<string, AnyModelClass<M>[]> = {};
  for (const family of MODEL_FAMILIES) {
    const classes: readonly AnyModelClass<unknown>[] = family.modelClasses;
    const picked = classes.filter((modelClass) => modelClass.task === task);
    if (picked.length > 0) byType[family.modelType] = picked as AnyModelClass<M>[];
  }
  return byType;
}

function defineAutoModel<M>(name: string, byType: ModelClassesByType<M>): AutoModelClass<M> {
  const modelClassFor = (config: AutoConfigType): AnyModelClass<M> => {
    const candidates = Object.hasOwn(byType, config.modelType) ? byType[config.modelType] : undefined;
    if (!candidates) {
      throw new RetinaError(
        'UNSUPPORTED_MODEL',
        `${name} cannot build "${config.modelType}" models; it supports model_type ${Object.keys(byType).join(', ')}.`,
      );
    }
    const named = candidates.find((modelClass) => config.architectures.includes(modelClass.architecture));
    if (named) return named;
    const otherTask = ALL_CLASSES[config.modelType]!.find((modelClass) => config.architectures.includes(modelClass.architecture));
    if (otherTask) {
      throw new RetinaError(
        'UNSUPPORTED_MODEL',
        `config.json says this model is a ${otherTask.architecture}, which ${name} cannot build (it builds ` +
          `${candidates.map((c) => c.architecture).join(', ')}). Load it with ${otherTask.architecture} or AutoModel.`,
      );
    }
    return candidates[0]!;
  };
  return {
    modelClassFor,
    architectures: Object.values(byType).flatMap((classes) => classes.map((modelClass) => modelClass.architecture)),
    fromSession: (config, session) => new (modelClassFor(config))(config, session),
    async fromPretrained(source, options = {}) {
      const repo = openRepo(source, options);
      const config = await readAutoConfig(repo, options);
      return loadModel(modelClassFor(config), repo, config, options);
    },
  };
}

/** Any model AutoModel can return. */
export type AutoModelType = InstanceType<(typeof MODEL_FAMILIES)[number]['modelClasses'][number]>;

/**
 * The architecture config.json names (`architectures`), for any head: an ONNX graph is always exported with
 * its head. Without a known architecture, the bare model (BitModel, BeitModel, ViTHybridModel).
 */
export const AutoModel = defineAutoModel<AutoModelType>('AutoModel', ALL_CLASSES);

export const AutoModelForImageClassification = defineAutoModel<ModelForTask<'image-classification'>>(
  'AutoModelForImageClassification',
  classesOf('image-classification'),
);

export const AutoModelForSemanticSegmentation = defineAutoModel<ModelForTask<'image-segmentation'>>(
  'AutoModelForSemanticSegmentation',
  classesOf('image-segmentation'),
);

export const AutoModelForMaskedImageModeling = defineAutoModel<ModelForTask<'masked-image-modeling'>>(
  'AutoModelForMaskedImageModeling',
  classesOf('masked-image-modeling'),
);

export const AutoModelForDepthEstimation = defineAutoModel<ModelForTask<'depth-estimation'>>(
  'AutoModelForDepthEstimation',
  classesOf('depth-estimation'),
);

export const AutoBackbone = defineAutoModel<ModelForTask<'backbone'>>('AutoBackbone', classesOf('backbone'));

/** The Auto class of each task's heads (the bare models' is AutoModel); a family with a new task adds its class here. */
export const AUTO_MODEL_FOR_TASK: { readonly [T in ModelTask]: AutoModelClass<ModelForTask<T>> } = {
  'image-feature-extraction': AutoModel as AutoModelClass<ModelForTask<'image-feature-extraction'>>,
  'image-classification': AutoModelForImageClassification,
  'image-segmentation': AutoModelForSemanticSegmentation,
  'masked-image-modeling': AutoModelForMaskedImageModeling,
  'depth-estimation': AutoModelForDepthEstimation,
  backbone: AutoBackbone,
};

/** Every Auto model class by its name: what the worker can load (`loadModel(kind, ...)`). */
export const AUTO_MODEL_CLASSES = {
  AutoModel,
  AutoModelForImageClassification,
  AutoModelForSemanticSegmentation,
  AutoModelForMaskedImageModeling,
  AutoModelForDepthEstimation,
  AutoBackbone,
} as const;

/** The Transformers classes of `task`'s heads in the registry, e.g. the bare models for "image-feature-extraction". */
export function architecturesFor(task: ModelTask): string[] {
  return Object.values(classesOf(task)).flatMap((classes) => classes.map((modelClass) => modelClass.architecture));
}

/** The head registered as `architecture` (e.g. "BeitForImageClassification"), if a family has it. */
export function modelClassOf(architecture: string): FamilyModelClass | undefined {
  return MODEL_FAMILIES.flatMap((family): readonly FamilyModelClass[] => family.modelClasses).find(
    (modelClass) => modelClass.architecture === architecture,
  );
}
