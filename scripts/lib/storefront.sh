# Step: the storefront's static build (storefront/ -> storefront/dist), which the edge
# serves from disk. Sourced by scripts/up.sh. Its npm dependencies (Vite, Preact) have
# their own lockfile, apart from the services'.

STOREFRONT="$ROOT/storefront"

storefront_sources() {
  find "$STOREFRONT/src" "$STOREFRONT/scripts" -type f 2>/dev/null | sort
  printf '%s\n' "$STOREFRONT/package.json" "$STOREFRONT/package-lock.json" "$STOREFRONT/index.html" \
    "$STOREFRONT/vite.config.ts" "$STOREFRONT/tsconfig.json"
}

storefront_deps() {
  local marker="$STOREFRONT/node_modules/.package-lock.json"
  if [[ -e "$marker" && -z "$(find "$STOREFRONT/package.json" "$STOREFRONT/package-lock.json" -newer "$marker" 2>/dev/null)" ]]; then
    return 0
  fi
  note "npm ci in storefront/ (log: .run/logs/storefront-build.log)"
  (cd "$STOREFRONT" && npm ci --no-audit --no-fund) >>"$LOGS/storefront-build.log" 2>&1 ||
    (cd "$STOREFRONT" && npm install --no-audit --no-fund) >>"$LOGS/storefront-build.log" 2>&1 ||
    die "npm install in storefront/ failed; see .run/logs/storefront-build.log"
  touch "$marker"
}

step_storefront() {
  step "Building the storefront (storefront/dist, served by the edge)"
  [[ -f "$STOREFRONT/package.json" ]] || { skip "no storefront/ yet"; return 0; }
  local key stamp="$STATE/storefront-build"
  mapfile -t files < <(storefront_sources)
  key="$(node -v):$(fingerprint "${files[@]}")"
  if [[ -f "$STOREFRONT/dist/index.html" && "$(cat "$stamp" 2>/dev/null)" == "$key" ]]; then
    skip "up to date"
    return 0
  fi
  storefront_deps
  # Built beside the live one, then swapped in: the edge never serves a half-written
  # build. The previous build's hashed assets are kept one generation, so a page opened
  # before the swap can still load its lazy chunks.
  rm -rf "$STOREFRONT/dist.next"
  (cd "$STOREFRONT" && npx --no-install tsc -p tsconfig.json --noEmit &&
    npx --no-install vite build --outDir dist.next --emptyOutDir --logLevel warn &&
    STOREFRONT_DIST=dist.next node scripts/precompress.mjs) >>"$LOGS/storefront-build.log" 2>&1 ||
    die "the storefront build failed; see .run/logs/storefront-build.log"
  local own
  if [[ -f "$STOREFRONT/dist/.vite/manifest.json" ]]; then
    # Only the previous build's own files (its manifest), not what it carried over itself.
    while read -r own; do
      [[ -n "$own" ]] || continue
      cp -n "$STOREFRONT/dist/$own" "$STOREFRONT/dist.next/$own" 2>/dev/null || true
      cp -n "$STOREFRONT/dist/$own.gz" "$STOREFRONT/dist.next/$own.gz" 2>/dev/null || true
    done < <(node -e '
      const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const c of Object.values(m)) for (const f of [c.file, ...(c.css ?? []), ...(c.assets ?? [])]) console.log(f);
    ' "$STOREFRONT/dist/.vite/manifest.json")
  fi
  rm -rf "$STOREFRONT/dist.old"
  [[ -d "$STOREFRONT/dist" ]] && mv "$STOREFRONT/dist" "$STOREFRONT/dist.old"
  mv "$STOREFRONT/dist.next" "$STOREFRONT/dist"
  rm -rf "$STOREFRONT/dist.old"
  echo "$key" >"$stamp"
  ok
}
