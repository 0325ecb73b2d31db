#!/bin/sh
# Configures and builds libzkllm_fhe.so; Maven runs this in generate-resources (fhe-native/pom.xml).
# Usage: build-native.sh <source dir> <build dir> <output dir> <java.home>
set -eu
source_dir=$1 build_dir=$2 output_dir=$3 java_home=$4

for tool in cmake c++; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "zkllm-fhe: '$tool' is not on the PATH. The native ring kernels need CMake >= 3.16 and a" >&2
    echo "C++17 compiler (e.g. apt-get install cmake g++). To build without them, pass" >&2
    echo "-Dnative.skip=true: the engine then runs on the slower Java kernels." >&2
    exit 1
  fi
done

cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
  -DJNI_INCLUDE_HINT="$java_home/include" -DZKLLM_NATIVE_OUTPUT_DIR="$output_dir"
cmake --build "$build_dir" --parallel 2
