// No Node imports here: the ONNX scorer, which also runs in browsers, uses these.

/**
 * How to install each optional peer dependency of `@hfq/models` (they are not installed with it:
 * native binaries, GPU drivers and install scripts that download from outside the npm registry).
 */
export const OPTIONAL_PEER_INSTALL: Readonly<Record<string, string>> = {
  'onnxruntime-node': 'npm i onnxruntime-node --onnxruntime-node-install=skip',
  webgpu: 'npm i webgpu@^0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
  '@tensorflow/tfjs-backend-webgpu': 'npm i webgpu@^0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
  '@tensorflow/tfjs-node':
    'npm i @tensorflow/tfjs-node@4.22.0 (its install script downloads libtensorflow from storage.googleapis.com)',
  '@tensorflow/tfjs-node-gpu':
    'npm i @tensorflow/tfjs-node-gpu@4.22.0 (downloads libtensorflow; needs CUDA 11.2 and cuDNN 8)',
};

/** " Install it with `...`." for an optional peer, or "" for another package. */
export function installHint(pkg: string): string {
  const cmd = OPTIONAL_PEER_INSTALL[pkg];
  return cmd === undefined ? '' : ` Install it with \`${cmd}\`.`;
}
