#!/usr/bin/env bash
# The CUDA kernels on the device machine (CUDA, CMake, no JDK): build with CMake/nvcc, check every
# kernel on the GPU against the CPU kernels bit for bit (several n, limb counts, batches of polys,
# and a depth-7 chain of kernels), then time each operation against the single-thread CPU
# kernels (scalar and AVX2) on the same machine; with .device/java (prepare-java.sh, carried), also
# the Java cuda backend's tests on the GPU, FheBenchmark native vs cuda, and the model benchmark: a
# GPT-2-small-shaped squeezed model under encryption on cuda, and one layer of it at 1, 8 and 32 sessions.
# Writes at most 12 files to $OUT:
#   env.json           GPU, driver, nvcc, CPU, and which steps ran
#   build.log          the CMake configure + build output
#   hostcheck.json     the host emulation checker (the same run CI does), as a baseline
#   device_check.json  the GPU checks and the timings (ms; medians)
#   device_check.log   its console output, then the Java step's
#   device_java.json   CudaDeviceRun: tests found/passed/failed on the GPU, benchmark medians (ms), µs per operation
#   device_model.json  ModelBenchmark --shape gpt2-small --tokens 3 --backend cuda --cache-encodings true: seconds per token, by stage,
#                      and each token's device figures (launches, device_wait_seconds: the rest of its seconds is host work)
#   device_sessions_{1,8,32}.json  the same with --layers 1 and 1, 8 or 32 concurrent sessions: tokens per second
#                      (tokens_per_second_after_first: a warm miner's, after every session's first token)
#   sanitizer.log      compute-sanitizer memcheck of the quick checks, when the tool works
#   racecheck.log      compute-sanitizer racecheck of the quick checks (informative; 90 s cap)
# Usage, from the repository root:   bash fhe-native/src/test/device/run.sh
# Exit status: 0 when the build and every check passed. Budget: about 1-3 minutes, 3-6 with the Java step;
# the model step gets what is left of 9 minutes (at most 4), the sessions steps what is left of 9 min 20 s,
# so one device call of 600 s holds it all. Should the sessions steps run out of time, a second call on the
# still warm machine runs only them (after an incremental build):
#   ZKLLM_DEVICE_STEPS=sessions ZKLLM_DEVICE_SESSIONS="8 32" bash fhe-native/src/test/device/run.sh
set -u
script_start=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../main/cuda" && pwd)
OUT=${OUT:-/tmp/zkllm-cuda-out}
BUILD=${ZKLLM_CUDA_BUILD:-/tmp/zkllm-cuda-build}
DRY_RUN=${ZKLLM_CUDA_DRY_RUN:-0}   # 1: build and run the host checker only (for machines without a GPU)
STEPS=${ZKLLM_DEVICE_STEPS:-all}    # all, or sessions: the build and the sessions steps only
SESSIONS=${ZKLLM_DEVICE_SESSIONS:-1 8 32}
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
if [ "$DRY_RUN" != 1 ] && [ "$STEPS" = all ]; then
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

# The Java half, when prepare-java.sh made .device/java here and the call carried it: the cuda
# backend's JUnit tests on the GPU's library, then FheBenchmark native (one thread) vs cuda.
java_rc=-1; model_rc=-1
JAVA_DIR=${ZKLLM_DEVICE_JAVA:-$PWD/.device/java}
if [ -x "$JAVA_DIR/runtime/bin/java" ]; then
  if [ "$STEPS" = all ]; then
    step "Java: cuda backend tests + FheBenchmark native vs cuda (CudaDeviceRun)"
    java_args=()
    [ "$DRY_RUN" = 1 ] && java_args=(--quick)
    { echo "== CudaDeviceRun"; (cd fhe-native && timeout 420 "$JAVA_DIR/runtime/bin/java" \
        -Djava.util.concurrent.ForkJoinPool.common.parallelism=1 \
        -cp "$JAVA_DIR/test-classes:$JAVA_DIR/classes:$JAVA_DIR/lib/*" \
        ai.zkllm.fhe.ring.CudaDeviceRun "$OUT/device_java.json" "${java_args[@]}"); } >>"$OUT/device_check.log" 2>&1
    java_rc=$?
    [ -f "$OUT/device_java.json" ] && head -c 1500 "$OUT/device_java.json"
    [ "$java_rc" = 0 ] || status=1
    # the model benchmark: a GPT-2-small-shaped model (random weights), tokens after a 1-token prompt, on the GPU;
    # encodings cached, so that tokens after the first show the GPU with its plaintexts resident
    left=$(( 540 - ($(date +%s) - script_start) ))
    [ "$left" -gt 240 ] && left=240
    if [ "$DRY_RUN" != 1 ] && [ "$left" -gt 60 ]; then
      step "Java: ModelBenchmark gpt2-small on cuda (${left} s at most)"
      { echo "== ModelBenchmark"; timeout "$left" "$JAVA_DIR/runtime/bin/java" -Xmx64g \
          -cp "$JAVA_DIR/classes:$JAVA_DIR/lib/*" ai.zkllm.squeeze.tool.ModelBenchmark "$OUT/device_model.json" \
          --shape gpt2-small --tokens 3 --backend cuda --cache-encodings true; } >>"$OUT/device_check.log" 2>&1
      model_rc=$?
      grep -E "^token|chosen" "$OUT/device_check.log" | tail -3
      [ "$model_rc" = 0 ] || status=1
    fi
  fi
  # concurrent sessions (the miner batches their rounds; a batch shares its key switches' launches):
  # tokens per second of one layer at each count of $SESSIONS, with whatever time is left
  sessions_exit=""
  for sessions in $SESSIONS; do
    left=$(( 560 - ($(date +%s) - script_start) ))
    if [ "$DRY_RUN" != 1 ] && [ "$left" -gt 45 ]; then
      step "Java: ModelBenchmark gpt2-small, 1 layer, $sessions session(s) on cuda (${left} s at most)"
      { echo "== ModelBenchmark sessions $sessions"; timeout "$left" "$JAVA_DIR/runtime/bin/java" -Xmx64g \
          -cp "$JAVA_DIR/classes:$JAVA_DIR/lib/*" ai.zkllm.squeeze.tool.ModelBenchmark \
          "$OUT/device_sessions_$sessions.json" --shape gpt2-small --layers 1 --tokens 3 --sessions "$sessions" \
          --backend cuda --cache-encodings true; } >>"$OUT/device_check.log" 2>&1
      sessions_exit="$sessions_exit $sessions:$?"  # informative: a step cut short by the time left fails nothing
      grep -E "tokens/s" "$OUT/device_check.log" | tail -1
    fi
  done
else
  echo "no $JAVA_DIR (prepare-java.sh makes it): Java step skipped"
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
  "java_exit": $java_rc,
  "model_exit": $model_rc,
  "sessions_exit": "$(json_str "${sessions_exit:-}")",
  "dry_run": $([ "$DRY_RUN" = 1 ] && echo true || echo false),
  "steps": "$(json_str "$STEPS")",
  "status": $status
}
JSON
cat "$OUT/env.json"
exit $status
