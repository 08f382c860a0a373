# Sourced by the other scripts: puts a toolchain unpacked under /opt/swift on PATH when a
# non-login shell doesn't have it.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
