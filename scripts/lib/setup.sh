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
  [ -x /usr/bin/time ] || missing+=(time)
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

# The server's passkey checks (webauthn-rs) link the system OpenSSL, found through pkg-config.
ensure_native_libraries() {
  local missing=()
  have pkg-config || missing+=(pkg-config)
  pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_build_tools() {
  ensure_native_libraries
  ensure_rust
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_binaryen
}

# The release build is two parts, each rebuilt only when a file it is made from changed since it
# was last built: the portal (the server, the reading pages' bundle, the styles and public files)
# and the forms bundle. cargo-leptos always empties the site root and runs wasm-bindgen and
# wasm-opt again, so an unchanged part is not handed to it at all. A part's stamp holds the
# checksums of what it made, and its time is when that build started: the part is up to date while
# no file it is made from (its workspace crates, the manifests and toolchain, this script, the
# build tools) is newer than the stamp and what it made is still there, unchanged.
RELEASE_STAMPS="$ROOT/target/release-stamps"

# The folders of the workspace crates a package is built from, for the given cargo tree options.
crate_dirs() {
  (cd "$ROOT" && cargo tree -e normal,build --prefix none --format '{p}' "$@") |
    grep -o "($ROOT/[^)]*)" | tr -d '()' | sort -u
}

# part_up_to_date NAME INPUT...: the part's outputs are as it left them and no input changed since.
part_up_to_date() {
  local stamp="$RELEASE_STAMPS/$1"; shift
  [ -f "$stamp" ] && (cd "$ROOT" && sha256sum --check --status "$stamp" 2>/dev/null) || return 1
  [ -z "$(find -H "$@" -newer "$stamp" -print -quit)" ]
}

# part_built NAME STARTED OUTPUT...: records a finished part (STARTED is a file touched at its start).
part_built() {
  local stamp="$RELEASE_STAMPS/$1" started="$2"; shift 2
  (cd "$ROOT" && sha256sum "$@") >"$stamp.new"
  # The stamp keeps the time the build started: a source changed while it ran is newer, and the
  # next build takes it.
  touch -r "$started" "$stamp.new"
  mv "$stamp.new" "$stamp"
  rm -f "$started"
}

# Strips the producers and target-features sections wasm-opt leaves: about 1 KiB of brotli off
# each bundle, which the forms bundle needs to stay within its 150 KiB.
strip_wasm() {
  wasm-opt -Oz --strip-producers --strip-target-features --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$1" -o "$1"
}

build_release() {
  mkdir -p "$RELEASE_STAMPS"
  local tools=("$ROOT/Cargo.toml" "$ROOT/Cargo.lock" "$ROOT/rust-toolchain.toml"
    "$ROOT/scripts/lib/setup.sh" "$(command -v cargo-leptos)" "$(command -v wasm-bindgen)"
    "$(command -v wasm-opt)")
  local tool
  for tool in "${tools[@]}"; do
    [ -e "$tool" ] || die "A build tool is missing (run ensure_build_tools first)"
  done
  local front_dirs server_dirs started
  front_dirs="$(crate_dirs -p frontend --features forms --target wasm32-unknown-unknown)" &&
    server_dirs="$(crate_dirs -p server --target all)" && [ -n "$front_dirs" ] && [ -n "$server_dirs" ] ||
    die "cargo tree could not list the crates the release is built from"
  mapfile -t front_dirs <<<"$front_dirs"
  mapfile -t server_dirs <<<"$server_dirs"

  if part_up_to_date portal "${tools[@]}" "${server_dirs[@]}" "${front_dirs[@]}" \
    "$ROOT/style" "$ROOT/public"; then
    say "The server and the portal bundle are up to date"
  else
    started="$RELEASE_STAMPS/portal.started"
    touch "$started"
    say "Building the portal (release: server and WASM)"
    (cd "$ROOT" && cargo leptos build --release --project portal)
    strip_wasm "$ROOT/target/site/pkg/portal.wasm"
    # Everything in the site but the compressed copies the server makes and the forms bundle.
    local portal_outputs
    mapfile -t portal_outputs < <(cd "$ROOT" && find target/site -type f -not -name '*.br' \
      -not -name '*.gz' -not -name 'portal-forms.*' -not -name 'portal-outreach.*' | sort)
    part_built portal "$started" target/release/server "${portal_outputs[@]}"
  fi

  build_bundle portal-forms site-forms "the forms bundle (the rules engine in the browser)"
  build_bundle portal-outreach site-outreach "the outreach bundle (the volunteers' offline desk)"
}

# build_bundle PROJECT SITE WHAT: a second bundle of the frontend crate (its cargo-leptos PROJECT
# with other features), unless its inputs did not change. cargo-leptos empties a project's site
# root before building it, so each is built in its own (target/SITE) and its two files join the
# site's. Expects build_release's `tools` and `front_dirs`.
build_bundle() {
  local project="$1" site="$2" what="$3" started
  if part_up_to_date "$project" "${tools[@]}" "${front_dirs[@]}"; then
    say "${what^} is up to date"
  else
    started="$RELEASE_STAMPS/$project.started"
    touch "$started"
    say "Building $what"
    (cd "$ROOT" && cargo leptos build --release --project "$project" --frontend-only)
    strip_wasm "$ROOT/target/$site/pkg/$project.wasm"
    part_built "$project" "$started" "target/$site/pkg/$project.js" "target/$site/pkg/$project.wasm"
  fi
  # Keeping the files' times keeps the server's compressed copies of them (made at start) fresh.
  cp -p "$ROOT/target/$site/pkg/$project.js" "$ROOT/target/$site/pkg/$project.wasm" "$ROOT/target/site/pkg/"
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
