#!/usr/bin/env bash
# The whole GPU measurement in one command, on the GPU machine, from the repository root, with
# the payload of scripts/gpu/bundle.ts carried in .gpu/ (see docs/gpu.md for the device call):
#
#   bash scripts/gpu/run.sh
#
# 1. unpacks node and Dawn, installs the Vulkan loader if the machine has none (dpkg -x; ldconfig),
#    finds the NVIDIA Vulkan driver (VK_DRIVER_FILES) if the loader does not;
# 2. probe: the adapter, kernel overhead, readback latency, upload, matMul, a custom WGSL kernel;
# 3. checks: loss curves webgpu vs wasm for every architecture, parity files (tfjs + ONNX);
# 4. check.py: parameters, PyTorch loss curves vs tfjs, forward parity (tfjs wasm/webgpu,
#    onnxruntime, PyTorch) against float64;
# 5. bench.py: PyTorch step and mini-epoch times for every paper-scale case;
# 6. the webgpu training benchmark for every paper-scale case, in priority order, until the time
#    budget ends (cases left are recorded as skipped);
# 7. summary.json (ratios, goal, checks) and a table printed last.
#
# Everything is written to $OUT (7 files: log.txt, probe.json, curves.json, checks-python.json,
# reference.json, bench-webgpu.json, summary.json). Total time is kept under HFQ_GPU_SECONDS
# (default 560) so that it fits one 10-minute call.
#
# Knobs for a dry run on a machine without a GPU (docs/gpu.md): HFQ_GPU_SYSROOT (where the loader
# .deb is unpacked; default /, elsewhere it goes on LD_LIBRARY_PATH), HFQ_GPU_DAWN=null (Dawn's
# null adapter: everything runs, nothing is computed), HFQ_GPU_CASES (default paper).
set -uo pipefail

OUT=${OUT:-/tmp/hfq-gpu-out}
WORK=${HFQ_GPU_WORK:-/tmp/hfq-gpu}
TOTAL=${HFQ_GPU_SECONDS:-560}
SYSROOT=${HFQ_GPU_SYSROOT:-/}
CASES=${HFQ_GPU_CASES:-paper}
WEBGPU=(--backend webgpu)
[ -n "${HFQ_GPU_DAWN:-}" ] && WEBGPU+=(--dawn-backend "$HFQ_GPU_DAWN")
T0=$(date +%s)
mkdir -p "$OUT" "$WORK"
export PYTHONUNBUFFERED=1

log() { echo "[run.sh +$(($(date +%s) - T0))s] $*" | tee -a "$OUT/log.txt" >&2; }
left() { echo $((TOTAL - ($(date +%s) - T0))); }
# Runs a step with a time limit, its output appended to log.txt (and shown).
step() {
  local limit=$1
  shift
  log "$* (limit ${limit}s)"
  timeout --kill-after=5 "$limit" "$@" 2>&1 | tee -a "$OUT/log.txt"
  local rc=${PIPESTATUS[0]}
  log "exit $rc"
  return 0
}
unxz_to() { # unxz_to <file.xz> <dest>: xz, or Python's lzma where xz is missing
  xz -dc "$1" >"$2" 2>/dev/null ||
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
}

if [ ! -f .gpu/manifest.json ]; then
  echo "no .gpu/ payload: build it with 'node --conditions=source --import tsx scripts/gpu/bundle.ts' and carry .gpu" >&2
  exit 2
fi

# 1. Node, the bundle, Dawn, the Vulkan loader and driver.
log "payload: $(python3 -c 'import json; m = json.load(open(".gpu/manifest.json")); print(m["commit"], m["builtAt"], m["totalBytes"], "bytes, missing:", m["missing"], "uncommitted:", m.get("uncommitted"))')"
unxz_to .gpu/node.xz "$WORK/node" && chmod +x "$WORK/node"
rm -rf "$WORK/app" && cp -r .gpu/app "$WORK/app"
unxz_to "$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$WORK/app/node_modules/webgpu/dist/linux-x64/dawn.node"
NODE="$WORK/node"
APP="$WORK/app/train-bench.mjs"
log "node $("$NODE" --version)"
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  mkdir -p "$SYSROOT"
  for f in .gpu/deb/*.deb; do [ -f "$f" ] && dpkg -x "$f" "$SYSROOT" && log "unpacked $f into $SYSROOT"; done
  if [ "$SYSROOT" = / ]; then
    ldconfig
  else
    export LD_LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
fi
log "Vulkan loader: $(ldconfig -p | grep -o '/.*libvulkan\.so\.1$' | head -1) ${LD_LIBRARY_PATH:-}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$OUT/log.txt"

# 2. Probe; without an adapter, point the loader at the NVIDIA driver's ICD file and retry.
step 60 "$NODE" "$APP" probe "${WEBGPU[@]}" --out "$OUT/probe.json"
if ! grep -q '"name": "webgpu"' "$OUT/probe.json" 2>/dev/null && [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json $(find / -xdev -name 'nvidia_icd*.json' 2>/dev/null | head -3); do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd"
      log "retrying with VK_DRIVER_FILES=$icd"
      step 60 "$NODE" "$APP" probe "${WEBGPU[@]}" --out "$OUT/probe.json"
      grep -q '"name": "webgpu"' "$OUT/probe.json" && break
      unset VK_DRIVER_FILES
    fi
  done
fi
if ! grep -q '"name": "webgpu"' "$OUT/probe.json" 2>/dev/null; then
  log "webgpu did not come up: see probe.json; the PyTorch reference and the wasm side still run"
fi

# 3-4. Correctness: tfjs webgpu vs wasm loss curves, then the Python checks on the same files.
"$NODE" "$APP" params --out "$WORK/params.json"
step 120 "$NODE" "$APP" checks --backends wasm,webgpu "${WEBGPU[@]:2}" --dir "$WORK/checks" --out "$OUT/curves.json"
if python3 -c 'import torch' 2>/dev/null; then
  step 90 python3 scripts/gpu/reference/check.py --params "$WORK/params.json" --checks "$WORK/checks" \
    --out "$OUT/checks-python.json"
  # 5. PyTorch on the same GPU.
  step 130 python3 scripts/gpu/reference/bench.py --params "$WORK/params.json" --out "$OUT/reference.json" \
    --cases "$CASES" --deadline-s 110
else
  log "no PyTorch here: the reference models are checked with the numpy stand-in, and not timed"
  step 60 python3 scripts/gpu/reference/selftest.py --params "$WORK/params.json" --checks "$WORK/checks" \
    --out "$OUT/checks-python.json"
fi

# 6. The webgpu benchmark with what time is left.
budget=$(($(left) - 25))
if [ "$budget" -gt 30 ]; then
  step $((budget + 15)) "$NODE" "$APP" bench "${WEBGPU[@]}" --cases "$CASES" --deadline-s "$budget" --case-budget-ms 20000 \
    --out "$OUT/bench-webgpu.json" --commit "$(python3 -c 'import json; print(json.load(open(".gpu/manifest.json"))["commit"])')"
else
  log "no time left for the webgpu benchmark"
fi

# 7. Summary (printed last, so the device tool's output tail shows it).
"$NODE" "$APP" summary --dir "$OUT" 2>&1 | tee -a "$OUT/log.txt"
log "done"
