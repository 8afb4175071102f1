# Step: Go tools into .run/tools/bin (k6, mailpit, actionlint, deck, toxiproxy, jaeger; docker-compose, helm
# and kubeconform for the deploy tests), and the Kubernetes schemas kubeconform checks with.
# Only these exact versions are served by the module proxy on our machines.

K6_VERSION=v1.8.1
MAILPIT_VERSION=v1.28.0
ACTIONLINT_VERSION=v1.7.12
DECK_VERSION=v1.55.0
# toxiproxy-server: the fault suite (test/faults) puts it between the services and
# PgBouncer, Redis and RabbitMQ for latency, timeouts and reset connections.
TOXIPROXY_VERSION=v2.5.0
# The deploy tests (test/deploy): `docker compose config`, `helm lint`/`helm template` and a
# schema check of the rendered manifests. compose v5.6.0 is the newest that builds with Go 1.26.8.
COMPOSE_VERSION=v5.6.0
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
# Jaeger v1's all-in-one (UI, query API, OTLP receiver, in-memory storage): the trace store.
# scripts/tools/jaeger records it with `go get -tool` (its go.mod has a replace directive).
JAEGER_VERSION=v1.76.0
# Kubernetes JSON schemas, vendored in the PyPI package kubernetes-validate (its wheel is a
# zip; nothing of it is installed or run): scripts/tools/k8s-schemas.mjs makes kubeconform's
# standalone files from it. K8S_SCHEMA_VERSION is the Kubernetes release the chart is checked against.
K8S_VALIDATE_VERSION=1.37.0
K8S_SCHEMA_VERSION=v1.34.0
K8S_SCHEMAS="$RUN/tools/k8s-schemas"

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

# install_as NAME PKG@VERSION: `go install` names a binary after its package's directory
# (toxiproxy's server is .../cmd/server); this one is installed under NAME instead.
install_as() {
  local tmp rc=0
  tmp="$(mktemp -d)"
  GOBIN="$tmp" go install "$2" && mv "$tmp/$(basename "${2%@*}")" "$TOOLS_BIN/$1" || rc=1
  rm -rf "$tmp"
  return "$rc"
}

# build_wrapper DIR BIN LDFLAGS: build a wrapper module under scripts/tools/.
# -mod=readonly: the wrapper's committed go.sum is the checksum source of truth.
build_wrapper() {
  (cd "$ROOT/scripts/tools/$1" && go build -mod=readonly -trimpath -ldflags "-s -w $3" -o "$TOOLS_BIN/$2" .)
}

# build_tool DIR BIN PACKAGE: build a `tool` a wrapper module under scripts/tools/ records.
build_tool() {
  (cd "$ROOT/scripts/tools/$1" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$TOOLS_BIN/$2" "$3")
}

# k8s_schemas: the standalone schemas of K8S_SCHEMA_VERSION under .run/tools/k8s-schemas
# (8 MB), made once from the kubernetes-validate wheel.
k8s_schemas() {
  local out="$K8S_SCHEMAS/$K8S_SCHEMA_VERSION-standalone-strict" stamp="$K8S_SCHEMAS/.version" tmp
  [[ "$(cat "$stamp" 2>/dev/null)" == "$K8S_VALIDATE_VERSION/$K8S_SCHEMA_VERSION" && -s "$out/deployment-apps-v1.json" ]] && return 0
  note "fetching Kubernetes $K8S_SCHEMA_VERSION schemas (PyPI kubernetes-validate $K8S_VALIDATE_VERSION, ~23 MB)"
  # pip only downloads the wheel; python3's zipfile unpacks it (both from Debian if missing).
  { have pip3 || have pip; } && have python3 || apt_install python3-pip
  tmp="$(mktemp -d)"
  {
    "$(command -v pip3 || command -v pip)" download --no-deps --quiet -d "$tmp" "kubernetes-validate==$K8S_VALIDATE_VERSION" &&
      python3 -m zipfile -e "$tmp"/kubernetes_validate-*.whl "$tmp/wheel" &&
      rm -rf "$out" &&
      node "$ROOT/scripts/tools/k8s-schemas.mjs" "$tmp/wheel/kubernetes_validate/kubernetes-json-schema/$K8S_SCHEMA_VERSION-local-strict" "$out"
  } >>"$LOGS/go-build.log" 2>&1 || { rm -rf "$tmp"; die "making the Kubernetes schemas failed; see .run/logs/go-build.log"; }
  rm -rf "$tmp"
  echo "$K8S_VALIDATE_VERSION/$K8S_SCHEMA_VERSION" >"$stamp"
  BUILT_ANY=1
}

step_go_tools() {
  step "Building Go tools (k6, mailpit, actionlint, deck, toxiproxy, docker-compose, helm, kubeconform, jaeger) into .run/tools/bin"
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
  go_tool toxiproxy-server github.com/Shopify/toxiproxy/v2 "$TOXIPROXY_VERSION" \
    install_as toxiproxy-server "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION"
  # compose: its go.mod has exclude directives; scripts/tools/compose repeats them.
  go_tool docker-compose github.com/docker/compose/v5 "$COMPOSE_VERSION" \
    build_wrapper compose docker-compose "-X main.version=$COMPOSE_VERSION"
  go_tool helm helm.sh/helm/v3 "$HELM_VERSION" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  go_tool kubeconform github.com/yannh/kubeconform "$KUBECONFORM_VERSION" \
    go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  # Jaeger: a large build (ten minutes on a cold module cache).
  go_tool jaeger-all-in-one github.com/jaegertracing/jaeger "$JAEGER_VERSION" \
    build_tool jaeger jaeger-all-in-one github.com/jaegertracing/jaeger/cmd/all-in-one
  mkdir -p "$K8S_SCHEMAS"
  k8s_schemas
  if ((BUILT_ANY)); then ok; else skip "already built"; fi
}
