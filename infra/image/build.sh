#!/usr/bin/env bash
# Builds the meshward image (tap + control plane) from the repository root.
# Usage: infra/image/build.sh [IMAGE]   (default ghcr.io/meshward/meshward:<package version>)
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(node -p "require('./package.json').version")
image="${1:-ghcr.io/meshward/meshward:${version}}"
builder="${CONTAINER_BUILDER:-docker}"
"$builder" build -f infra/image/Dockerfile -t "$image" .
echo "built $image; set MESHWARD_TAP_IMAGE=$image on the control plane so the injector uses it"
