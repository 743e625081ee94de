#!/usr/bin/env bash
# Install the real registry (docker-registry), client (skopeo), htpasswd, `pass` with Docker's pass
# credential helper, and kubectl, when missing and we are root.
# Without root the end-to-end tests skip with a message; everything else still runs.
set -euo pipefail
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v skopeo >/dev/null || need+=(skopeo)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v unshare >/dev/null || need+=(util-linux)
command -v pass >/dev/null || need+=(pass)
command -v docker-credential-pass >/dev/null || need+=(golang-docker-credential-helpers)
command -v kubectl >/dev/null || need+=(kubernetes-client)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: missing ${need[*]} (needs root and apt-get); end-to-end registry tests will be skipped" >&2
  exit 0
fi
echo "installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
