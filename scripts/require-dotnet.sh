#!/usr/bin/env bash
# The .NET SDK is the one thing this project does not install: Debian does not package it.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is not installed. See https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

major="$(dotnet --version | cut -d. -f1)"
if [ "$major" -lt 10 ]; then
  echo "This project needs the .NET 10 SDK; found $(dotnet --version)." >&2
  exit 1
fi
