# Step: the services and packages compiled to JavaScript (services/*/dist, packages/*/dist),
# which pm2 runs (ecosystem.config.cjs). `npm run build` (scripts/build.mjs) deletes the
# outputs whose source is gone, then runs `tsc -b` over the project references (each
# workspace's tsconfig.build.json): it rebuilds only the projects whose sources changed
# since their dist/.tsbuildinfo, so an unchanged tree costs one check.
# Sourced by scripts/up.sh.

step_build() {
  step "Compiling the services to JavaScript (tsc -b into dist/)"
  local out rebuilt total
  echo "== $(date -Is) npm run build" >>"$LOGS/build.log"
  out="$(cd "$ROOT" && npm run --silent build -- --verbose 2>&1)" || {
    printf '%s\n' "$out" >>"$LOGS/build.log"
    die "compiling the services failed (npm run build); see .run/logs/build.log"
  }
  printf '%s\n' "$out" >>"$LOGS/build.log"
  # tsc -b --verbose: "Building project '...'" for each project it compiled.
  rebuilt="$(grep -c "Building project" <<<"$out" || true)"
  total="$(grep -c "^    \* " <<<"$out" || true)"
  if ((rebuilt == 0)); then skip "up to date"; else skip "compiled $rebuilt of $total projects"; fi
}
