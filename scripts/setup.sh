#!/usr/bin/env bash
# Installs every build, test and run dependency of rally from Debian 12's packages.
# Idempotent: quiet and fast when everything is already there.
set -euo pipefail

packages=(
  build-essential g++ cmake ninja-build pkg-config git clang-format
  clang-14 libclang-rt-14-dev # libFuzzer and its sanitizers: the fuzz preset (fuzz/)
  libcaf-dev
  libboost1.81-dev
  libssl-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libbz2-dev libzstd-dev
  openjdk-17-jdk-headless maven
  nginx wrk curl python3 procps util-linux iproute2
  gzip bzip2 zstd openssl ca-certificates time
  chromium # renders the HTML report in tests/integration/test_html_report.py
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx's Debian package starts a system service on port 80; rally's tests start their own.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
    "${sudo_cmd[@]}" systemctl stop nginx || true
    "${sudo_cmd[@]}" systemctl disable nginx >/dev/null 2>&1 || true
  fi
fi
