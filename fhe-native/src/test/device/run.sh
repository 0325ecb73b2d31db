#!/usr/bin/env bash
# The CUDA kernels on the device machine (CUDA, CMake, no JDK): build with CMake/nvcc, check every
# kernel on the GPU against the CPU kernels bit for bit (several n, limb counts, batches of polys,
# and a depth-7 chain of kernels), then time each operation against the single-thread CPU
# kernels (scalar and AVX2) on the same machine. Writes at most 7 files to $OUT:
#   env.json           GPU, driver, nvcc, CPU, and which steps ran
#   build.log          the CMake configure + build output
#   hostcheck.json     the host emulation checker (the same run CI does), as a baseline
#   device_check.json  the GPU checks and the timings (ms; medians)
#   device_check.log   its console output
#   sanitizer.log      compute-sanitizer memcheck of the quick checks, when the tool works
#   racecheck.log      compute-sanitizer racecheck of the quick checks (informative; 90 s cap)
# Usage, from the repository root:   bash fhe-native/src/test/device/run.sh
# Exit status: 0 when the build and every check passed. Budget: about 1-3 minutes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../main/cuda" && pwd)
OUT=${OUT:-/tmp/zkllm-cuda-out}
BUILD=${ZKLLM_CUDA_BUILD:-/tmp/zkllm-cuda-build}
DRY_RUN=${ZKLLM_CUDA_DRY_RUN:-0}   # 1: build and run the host checker only (for machines without a GPU)
mkdir -p "$OUT"
status=0
step() { echo "== $*"; }

if [ -z "${CUDACXX:-}" ]; then
  if command -v nvcc >/dev/null 2>&1; then export CUDACXX=$(command -v nvcc)
  elif [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
fi
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

step "configure + build ($BUILD)"
start=$(date +%s)
{
  cmake -S "$src" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$BUILD" --parallel "$(nproc 2>/dev/null || echo 4)"
} >"$OUT/build.log" 2>&1 || { echo "build failed"; tail -30 "$OUT/build.log"; status=1; }
build_s=$(( $(date +%s) - start ))
grep -E "CUDA kernels" "$OUT/build.log" || true

hostcheck_rc=-1; device_rc=-1; sanitizer_rc=-1; racecheck_rc=-1
if [ -x "$BUILD/zkllm_cuda_hostcheck" ]; then
  step "host emulation checker"
  timeout 120 "$BUILD/zkllm_cuda_hostcheck" --json "$OUT/hostcheck.json" | tail -5
  hostcheck_rc=${PIPESTATUS[0]}
  [ "$hostcheck_rc" = 0 ] || status=1
fi
if [ "$DRY_RUN" != 1 ]; then
  if [ -x "$BUILD/zkllm_cuda_check" ]; then
    step "GPU checks + timings"
    timeout 240 "$BUILD/zkllm_cuda_check" --bench --json "$OUT/device_check.json" >"$OUT/device_check.log" 2>&1
    device_rc=$?
    grep -E "FAIL|checks,|^bench|SKIP" "$OUT/device_check.log" | head -60
    [ "$device_rc" = 0 ] || status=1
    if command -v compute-sanitizer >/dev/null 2>&1; then
      step "compute-sanitizer memcheck (quick checks)"
      timeout 90 compute-sanitizer --tool memcheck --print-limit 20 "$BUILD/zkllm_cuda_check" --quick >"$OUT/sanitizer.log" 2>&1
      sanitizer_rc=$?
      tail -3 "$OUT/sanitizer.log"
      step "compute-sanitizer racecheck (shared memory of the tile kernels; quick checks)"
      timeout 90 compute-sanitizer --tool racecheck --print-limit 20 "$BUILD/zkllm_cuda_check" --quick >"$OUT/racecheck.log" 2>&1
      racecheck_rc=$?
      tail -3 "$OUT/racecheck.log"
    fi
  else
    echo "zkllm_cuda_check not built (no CUDA compiler?)"; status=1
  fi
fi

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
nvcc_version=$("${CUDACXX:-nvcc}" --version 2>/dev/null | tail -1)
cpu=$(grep -m1 "model name" /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
cat >"$OUT/env.json" <<JSON
{
  "gpu": "$(json_str "$gpu")",
  "nvcc": "$(json_str "$nvcc_version")",
  "cpu": "$(json_str "$cpu")",
  "cores": $(nproc 2>/dev/null || echo 0),
  "build_seconds": $build_s,
  "hostcheck_exit": $hostcheck_rc,
  "device_check_exit": $device_rc,
  "sanitizer_exit": $sanitizer_rc,
  "racecheck_exit": $racecheck_rc,
  "dry_run": $([ "$DRY_RUN" = 1 ] && echo true || echo false),
  "status": $status
}
JSON
cat "$OUT/env.json"
exit $status
