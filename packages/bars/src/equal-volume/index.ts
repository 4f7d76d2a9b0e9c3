export {
  type BarSizeOptions,
  equalVolumeBarSize,
  equalVolumeBarSizes,
  trailingBarSizes,
} from './bar-size.js';
export {
  type EqualVolumeBatchOptions,
  equalVolumeBarsBatch,
  type TrailingBarSize,
  type VolumeBarsBatch,
} from './batch.js';
export { type EqualVolumeOptions, equalVolumeBars } from './equal-volume-bars.js';
export {
  allocVolumeBarColumns,
  equalVolumeBarsKernel,
  type MinuteColumns,
  type VolumeBarColumns,
} from './kernel.js';
