/**
 * @packageDocumentation
 * `@hfq/models`: Dataset building, GRU/Transformer/iTransformer/Crossformer/return-sequence models with an IC loss on TensorFlow.js, ensembles and ONNX export/inference.
 */
export const PACKAGE_NAME = '@hfq/models';
