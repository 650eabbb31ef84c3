# Installs what the portal needs to build, run and test, and only what is missing.
# Sourced after common.sh. Each step says what it does; repeat runs take seconds.

CARGO_LEPTOS_VERSION="0.3.7"
BINARYEN_VERSION="132"

toolchain_channel() { sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml"; }

ensure_rust() {
  local channel; channel="$(toolchain_channel)"
  if ! rustup toolchain list | grep -q "^$channel"; then
    say "Installing Rust $channel (named in rust-toolchain.toml)"
    rustup toolchain install "$channel" --profile minimal --component rustfmt,clippy --target wasm32-unknown-unknown
  fi
  if ! rustup target list --installed --toolchain "$channel" | grep -q '^wasm32-unknown-unknown$'; then
    say "Adding the wasm32-unknown-unknown target to Rust $channel"
    rustup target add wasm32-unknown-unknown --toolchain "$channel"
  fi
  local component
  for component in rustfmt clippy; do
    if ! rustup component list --installed --toolchain "$channel" | grep -q "^$component"; then
      say "Adding $component to Rust $channel"
      rustup component add "$component" --toolchain "$channel"
    fi
  done
}

ensure_cargo_leptos() {
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (builds from source: 15-20 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

ensure_wasm_bindgen() {
  # cargo-leptos runs the wasm-bindgen on PATH; it must equal the crate in Cargo.lock.
  local wanted
  wanted="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wanted" ]; then
    say "Installing wasm-bindgen-cli $wanted to match Cargo.lock (about 5 minutes, once)"
    cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

ensure_binaryen() {
  # Debian's wasm-opt (108) writes WASM that Chromium rejects; npm's binaryen 132 works.
  local bin="$TOOLS/binaryen/node_modules/.bin/wasm-opt"
  if ! "$bin" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "Installing wasm-opt (binaryen $BINARYEN_VERSION) from npm into .tools/"
    mkdir -p "$TOOLS/binaryen"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/binaryen" "binaryen@$BINARYEN_VERSION"
  fi
  mkdir -p "$TOOLS/bin"
  ln -sf "$bin" "$TOOLS/bin/wasm-opt"
}

APT_UPDATED=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    die "Missing system packages: $*. Install them with: sudo apt-get install $*"
  fi
  if [ -z "$APT_UPDATED" ]; then
    say "Updating the Debian package lists"
    apt-get update -qq
    APT_UPDATED=1
  fi
  say "Installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Chromium for the browser tests, PostgreSQL for the second database run, sqlite3 for the test
# that tampers with the audit log behind the portal's back, nginx for the two-instance check.
ensure_test_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  have sqlite3 || missing+=(sqlite3)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  have nginx || missing+=(nginx-light)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# nginx and wrk for the throughput comparison of the bench.
ensure_bench_packages() {
  local missing=()
  have nginx || missing+=(nginx-light)
  have wrk || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_cargo_nextest() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "Installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
}

ensure_node_packages() {
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "Installing the npm packages of ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --silent --no-audit --no-fund)
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_binaryen
}

build_release() {
  say "Building the portal (release: server and WASM)"
  (cd "$ROOT" && cargo leptos build --release --project portal)
  # cargo-leptos empties a project's site root before building it, so the forms bundle is built in
  # its own and its two files join the site's.
  say "Building the forms bundle (the rules engine in the browser)"
  (cd "$ROOT" && cargo leptos build --release --project portal-forms --frontend-only)
  cp "$ROOT"/target/site-forms/pkg/portal-forms.{js,wasm} "$ROOT/target/site/pkg/"
  # One more wasm-opt pass that also drops the producers and target-features sections: about
  # 1 KiB of brotli off each bundle, which the forms bundle needs to stay within its 150 KiB.
  local wasm
  for wasm in "$ROOT"/target/site/pkg/portal.wasm "$ROOT"/target/site/pkg/portal-forms.wasm; do
    wasm-opt -Oz --strip-producers --strip-target-features --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$wasm" -o "$wasm"
  done
}

# schemathesis (PyPI) for the contract fuzz of the public API; tests only, in its own venv.
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="$TOOLS/schemathesis"

ensure_schemathesis() {
  local bin="$SCHEMATHESIS_VENV/bin/schemathesis"
  if ! "$bin" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    say "Installing schemathesis $SCHEMATHESIS_VERSION from PyPI into .tools/schemathesis"
    have python3 || apt_install python3
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    rm -rf "$SCHEMATHESIS_VENV"
    python3 -m venv "$SCHEMATHESIS_VENV"
    "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}
