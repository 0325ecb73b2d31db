#!/usr/bin/env bash
# Makes .device/java for run.sh on the device machine, which has CUDA but no JDK: a Java runtime
# (jlink, the modules fhe-native's tests need) and fhe-native's classes, test classes, test jars and
# native libraries (libzkllm_cuda.so and its JNI layer are built here by nvcc for sm_90), plus the
# classes of program and squeeze-tooling (no resources) and jackson for the model benchmark
# (ModelBenchmark: a GPT-2-small-shaped model under encryption). Run it from the repository root on
# this machine, then name .device/java in the device call's carry:
#   bash fhe-native/src/test/device/prepare-java.sh [--check]
# --check then runs the Java steps here (CudaDeviceRun --quick: the cuda tests on the host
# emulation, the native benchmark, the cuda benchmark reports that there is no GPU; ModelBenchmark
# on one layer of the reference shape, native).
set -euo pipefail
root=$(git rev-parse --show-toplevel)
out=$root/.device/java
cd "$root"
grep -qx '/.device/' .gitignore || { echo "prepare-java: .gitignore must list /.device/" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# fhe-native is the reactor's last module, so its test classpath is what the file holds at the end (3.8.1:
# the version jobs/pom.xml uses, so a built machine has it)
mvn -B -ntp -q -o test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -pl fhe-native -am -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/classpath.txt"
# squeeze-tooling's runtime classpath, for the jars the model benchmark loads besides fhe-native's (jackson)
mvn -B -ntp -q -o compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -pl squeeze-tooling -am \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/model-classpath.txt"

rm -rf "$out"
mkdir -p "$out/lib"
cp -r fhe-native/target/classes "$out/classes"
cp -r fhe-native/target/test-classes "$out/test-classes"
# jars into lib/, the reactor's class folders (zkllm-schemas) merged into classes/; jazzer (the
# fuzz tests) is large and not needed there
tr ':' '\n' <"$work/classpath.txt" | grep -v jazzer | while read -r entry; do
  if [ -d "$entry" ]; then cp -r "$entry/." "$out/classes/"; elif [ -f "$entry" ]; then cp "$entry" "$out/lib/"; fi
done
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps \
    --class-path "$out/lib/*" "$out/classes" "$out/test-classes")
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$out/runtime"
# the model benchmark's classes, added after jdeps (FheReport would pull in java.desktop; the benchmark
# needs java.base only): program's and squeeze-tooling's without their resources (the shipped models,
# the corpus), and jackson; DJL stays behind (the benchmark never trains)
for module in program squeeze-tooling; do cp -r "$module/target/classes/ai/." "$out/classes/ai/"; done
tr ':' '\n' <"$work/model-classpath.txt" | grep '/jackson-' | xargs -r cp -t "$out/lib/"
echo "prepare-java: $out ($(du -sh "$out" | cut -f1); modules $modules)"

if [ "${1:-}" = --check ]; then
  (cd fhe-native && "$out/runtime/bin/java" -cp "$out/test-classes:$out/classes:$out/lib/*" \
      ai.zkllm.fhe.ring.CudaDeviceRun "$work/device_java.json" --quick >/dev/null) || {
    echo "prepare-java: the check failed" >&2; exit 1; }
  cat "$work/device_java.json"
  "$out/runtime/bin/java" -cp "$out/classes:$out/lib/*" ai.zkllm.squeeze.tool.ModelBenchmark "$work/device_model.json" \
      --shape reference --layers 1 --tokens 2 --backend native --cache-encodings true >/dev/null || { echo "prepare-java: the model check failed" >&2; exit 1; }
  echo; cat "$work/device_model.json"
fi
