#!/usr/bin/env bash
# Regenerates the golden help output that GoldenOutputTests compares the help builder against.
#
#   tests/StickyPi.Tools.Tests/Golden/regenerate.sh [commit]
#
# 1. Copies the repository's docs/*.md into Golden/docs (the input snapshot the test converts).
# 2. Builds the help builder as it was at <commit> (default: c4567f8, the last commit with the hand-written
#    Markdown/YAML reader, before Markdig + YamlDotNet) from `git archive` into a temporary folder.
# 3. Runs that builder on Golden/docs and writes its MAML and about topics into Golden/en-US.
# So the golden files always say what the OLD reader made of today's pages; run it after adding or changing
# pages whenever the comparison should cover them, then commit Golden/.
set -euo pipefail
commit="${1:-c4567f8dd72c44892bca6a2f90bb7087d9cea5dd}"
golden="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$golden" rev-parse --show-toplevel)"
work="$(mktemp -d "${TMPDIR:-/tmp}/stickypi-golden-XXXXXX")"
trap 'rm -rf "$work"' EXIT

git -C "$repo" archive "$commit" tools/StickyPi.HelpBuilder Directory.Build.props Directory.Packages.props | tar -x -C "$work"
dotnet build "$work/tools/StickyPi.HelpBuilder" -c Release -nologo -v q -o "$work/bin" >&2

rm -rf "$golden/docs" "$golden/en-US"
mkdir -p "$golden/docs"
cp "$repo"/docs/*.md "$golden/docs/"
dotnet "$work/bin/StickyPi.HelpBuilder.dll" --docs "$golden/docs" --out "$golden/en-US" --module-dll StickyPi.dll --quiet
echo "golden help regenerated from $commit's builder: $(ls "$golden/docs" | wc -l) pages -> $golden/en-US"
