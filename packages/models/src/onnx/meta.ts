/**
 * The metadata keys of an hfq ONNX file, in a module of their own so that the scorer (which runs
 * in browsers too) does not pull in the exporter and TensorFlow.js.
 */
/** Metadata keys written into every exported file. */
export const META = {
  format: 'hfq.format',
  config: 'hfq.config',
  features: 'hfq.features',
  preprocess: 'hfq.preprocess',
  horizonWeights: 'hfq.horizonWeights',
  layout: 'hfq.inputLayout',
} as const;
