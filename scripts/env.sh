# Shared by ./assay and .ci/run: find a JDK >= 21 and install the Debian packages Assay needs.

assay_java_major() { # prints the major version of the java binary given
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

assay_find_jdk() { # exports JAVA_HOME for a JDK >= 21: $JAVA_HOME, java on PATH, then /usr/lib/jvm (newest first)
  local candidate
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(assay_java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Debian's Maven 3.8 uses sun.misc.Unsafe through Guava; JDK 24+ warns about it on every build.
      if [ "$(assay_java_major "$candidate/bin/java")" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      fi
      return 0
    fi
  done
  echo "assay: no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 21+" >&2
  return 1
}

# command:Debian package — a command already on the PATH (e.g. node from another source) is left alone.
ASSAY_TOOLS="runsc:runsc bwrap:bubblewrap kcat:kcat mvn:maven node:nodejs npm:npm python3:python3 prlimit:util-linux promtool:prometheus jq:jq docker-compose:docker-compose chromium:chromium chromedriver:chromium-driver"

# file:Debian package — libraries the sandbox uses from the read-only /usr: real pytest for Python tests, acorn for
# the JavaScript analysis.
ASSAY_FILES="/usr/lib/python3/dist-packages/pytest/__init__.py:python3-pytest /usr/share/nodejs/acorn/dist/acorn.mjs:node-acorn"

assay_install_packages() { # installs what a fresh Debian machine lacks; needs root or sudo
  local missing="" pair
  for pair in $ASSAY_TOOLS; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
  done
  for pair in $ASSAY_FILES; do
    [ -e "${pair%%:*}" ] || missing="$missing ${pair#*:}"
  done
  [ -z "$missing" ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "assay: installing Debian packages:$missing" >&2
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

assay_sandbox_ready() { # a sandbox backend and what runs inside it are installed
  { command -v runsc >/dev/null || command -v bwrap >/dev/null; } || return 1
  local pair
  for pair in $ASSAY_FILES; do
    [ -e "${pair%%:*}" ] || return 1
  done
}
