export { addNormOp } from './add-norm.js';
export { type AttentionSpec, attentionOp, type RowLayout } from './attention.js';
export { dropoutOp } from './dropout.js';
export { geluOp } from './gelu.js';
export { fastKernelsActive, fastKernelsEnabled, setFastKernels } from './install.js';
export { layerNormOp } from './layer-norm.js';
export { columnSumOp, linearOp } from './linear.js';
