# Step: Go tools into .run/tools/bin (k6, mailpit, actionlint, deck).
# Only these exact versions are served by the module proxy on our machines.

K6_VERSION=v1.8.1
MAILPIT_VERSION=v1.28.0
ACTIONLINT_VERSION=v1.7.12
DECK_VERSION=v1.55.0

# built_version BIN MODULE -> the version of MODULE compiled into BIN ("" if none).
# `go version -m` reads the build info Go embeds, so no tool has to be run.
built_version() {
  [[ -x "$1" ]] || return 0
  go version -m "$1" 2>/dev/null | awk -v m="$2" '($1 == "mod" || $1 == "dep") && $2 == m { print $3; exit }'
}

# go_tool NAME BIN MODULE VERSION BUILD-CMD...: build unless BIN already has MODULE@VERSION.
go_tool() {
  local name=$1 bin="$TOOLS_BIN/$1" module=$2 version=$3; shift 3
  [[ "$(built_version "$bin" "$module")" == "$version" ]] && return 0
  note "building $name $version (a few minutes on a fresh machine; log: .run/logs/go-build.log)"
  echo "== $(date -Is) $name $version" >>"$LOGS/go-build.log"
  GOBIN="$TOOLS_BIN" "$@" >>"$LOGS/go-build.log" 2>&1 ||
    { die "building $name failed; see .run/logs/go-build.log"; }
  BUILT_ANY=1
}

# build_wrapper DIR BIN LDFLAGS: build a wrapper module under scripts/tools/.
# -mod=readonly: the wrapper's committed go.sum is the checksum source of truth.
build_wrapper() {
  (cd "$ROOT/scripts/tools/$1" && go build -mod=readonly -trimpath -ldflags "-s -w $3" -o "$TOOLS_BIN/$2" .)
}

step_go_tools() {
  step "Building Go tools (k6, mailpit, actionlint, deck) into .run/tools/bin"
  BUILT_ANY=0
  # GOFLAGS from the environment (e.g. -mod=vendor) must not leak into these builds.
  export GOFLAGS=-buildvcs=false
  go_tool k6 go.k6.io/k6 "$K6_VERSION" go install "go.k6.io/k6@$K6_VERSION"
  # mailpit: no checksum-database entry for this version, so a wrapper module
  # (scripts/tools/mailpit) pins its hash in go.sum instead of `go install`.
  go_tool mailpit github.com/axllent/mailpit "$MAILPIT_VERSION" \
    build_wrapper mailpit mailpit "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION"
  go_tool actionlint github.com/rhysd/actionlint "$ACTIONLINT_VERSION" \
    go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  # deck's go.mod has replace directives, which `go install pkg@version` rejects;
  # scripts/tools/deck is a wrapper module that repeats them (see its go.mod).
  go_tool deck github.com/kong/deck "$DECK_VERSION" \
    build_wrapper deck deck "-X github.com/kong/deck/cmd.VERSION=$DECK_VERSION"
  if ((BUILT_ANY)); then ok; else skip "already built"; fi
}
