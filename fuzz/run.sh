#!/usr/bin/env bash
# Fuzzes one parser with AFL++ through SharpFuzz: fuzz/run.sh <image|literal> <minutes> [findings folder]
# Needs: the .NET SDK, afl++ (Debian/Ubuntu: apt-get install afl++). See fuzz/README.md.
set -euo pipefail
target=${1:?usage: fuzz/run.sh <image|literal> <minutes> [findings folder]}
minutes=${2:?usage: fuzz/run.sh <image|literal> <minutes> [findings folder]}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out="$here/out"
findings=${3:-$out/findings-$target}

cd "$repo"
# The fuzzing tool is pinned in fuzz/.config (not the root manifest, so the README's test command never fetches it).
(cd "$here" && dotnet tool restore >/dev/null)
rm -rf "$out/bin"   # a fresh copy: instrumenting twice is refused
dotnet publish fuzz/StickyPi.Fuzz -c Release -o "$out/bin" -v quiet -nologo
# Seeds from the same generator the tests use, plus every finding already turned into a regression test.
rm -rf "$out/seeds"
dotnet "$out/bin/StickyPi.Fuzz.dll" seed "$out/seeds"
if [ -d "$here/regressions/$target" ]; then cp "$here/regressions/$target"/* "$out/seeds/$target/" 2>/dev/null || true; fi

# Instrument the code under test (our parsers, and MetadataExtractor which reads the EXIF for them), not the harness
# or the BCL. A fresh publish replaced them, so each is instrumented exactly once.
(cd "$here" && dotnet sharpfuzz "$out/bin/StickyPi.Core.dll")
if [ "$target" = image ]; then (cd "$here" && dotnet sharpfuzz "$out/bin/MetadataExtractor.dll"); fi

export AFL_SKIP_BIN_CHECK=1          # the .NET host is not AFL-instrumented; SharpFuzz instruments the IL
export AFL_NO_UI=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CPUFREQ=1
export AFL_AUTORESUME=1
export STICKYPI_DIRECT_IO=0
resume=()
[ -d "$findings/default/queue" ] && resume=(-i -) || resume=(-i "$out/seeds/$target")
# One instance, lowest priority: the machine is shared. -t: per-input time limit (ms); -m none: the runtime reserves
# far more virtual memory than it uses (the parser's own limits bound the real memory).
exec nice -n 19 afl-fuzz "${resume[@]}" -o "$findings" -t 5000 -m none -V $((minutes * 60)) \
    -- dotnet "$out/bin/StickyPi.Fuzz.dll" "$target"
