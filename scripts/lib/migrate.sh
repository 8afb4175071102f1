# Steps: knex migrations for every service that has src/migrate.ts (both its
# database and its _test twin) before the services start; the product seed
# after they are ready, so the consumers' queues exist when the product
# events go out. Services appear over time; missing ones are skipped.

TSX="$ROOT/node_modules/.bin/tsx"

# service_env NAME DB -> KEY=VALUE lines: the service's pm2 environment
# (ecosystem.config.cjs is the one source) pointed at database DB.
service_env() {
  node -e '
    const [name, db] = process.argv.slice(1);
    const eco = require(process.cwd() + "/ecosystem.config.cjs");
    const env = eco.serviceEnv(name, name + "-tasks", eco.SERVICES[name]);
    // Migrations and seeds talk to Postgres itself, not through PgBouncer.
    env.DATABASE_URL = env.DATABASE_URL.replace(/\/[^/]+$/, "/" + db).replace(":6432/", ":5432/");
    for (const [k, v] of Object.entries(env)) console.log(k + "=" + v);
  ' "$1" "$2"
}

# run_task NAME DB LOG SCRIPT: run a TypeScript entry point with the service's env.
run_task() {
  local name=$1 db=$2 log=$3 script=$4 envs
  mapfile -t envs < <(cd "$ROOT" && service_env "$name" "$db")
  echo "== $(date -Is) $script ($db)" >>"$log"
  (cd "$ROOT" && env "${envs[@]}" "$TSX" "$script") >>"$log" 2>&1
}

# task_key NAME DB FILES...: changes when the files change or the database is
# recreated (new oid), so an unchanged stack skips the tsx start-ups.
task_key() {
  local db=$2; shift 2
  echo "${DB_OIDS[$db]:-none}:$(fingerprint "$@")"
}

# load_db_oids: one query for every database's oid (a psql start costs ~0.2 s).
declare -A DB_OIDS=()
load_db_oids() {
  local name oid
  while IFS='|' read -r name oid; do DB_OIDS[$name]=$oid; done \
    < <(psql_su -tA -c "SELECT datname, oid FROM pg_database")
}

migration_files() {
  find "$ROOT/services/$1/src" -type f \( -path '*migrat*' -o -name 'knexfile*' \) 2>/dev/null | sort
}

step_migrate() {
  step "Migrating service databases (<name>_db and <name>_test)"
  local name db files key ran=0 stamp
  load_db_oids
  for name in "${SERVICES[@]}"; do
    [[ -f "$ROOT/services/$name/src/migrate.ts" ]] || continue
    mapfile -t files < <(migration_files "$name")
    for db in "${name}_db" "${name}_test"; do
      key="$(task_key "$name" "$db" "${files[@]}")"
      stamp="$STATE/migrated-$db"
      [[ "$(cat "$stamp" 2>/dev/null)" == "$key" ]] && continue
      run_task "$name" "$db" "$LOGS/migrate-$name.log" "services/$name/src/migrate.ts" ||
        die "migrating $db failed; see .run/logs/migrate-$name.log"
      echo "$key" >"$stamp"
      ran=$((ran + 1))
    done
  done
  if ((ran)); then ok; else skip "nothing new"; fi
}

step_seed() {
  step "Seeding the product catalog"
  local seed="$ROOT/services/product/src/seed.ts" files key stamp="$STATE/seeded-product_db"
  [[ -f "$seed" ]] || { skip "no services/product/src/seed.ts yet"; return 0; }
  load_db_oids
  mapfile -t files < <(migration_files product)
  key="$(task_key product product_db "$seed" "${files[@]}")"
  [[ "$(cat "$stamp" 2>/dev/null)" == "$key" ]] && { skip "already seeded"; return 0; }
  run_task product product_db "$LOGS/seed-product.log" services/product/src/seed.ts ||
    die "seeding products failed; see .run/logs/seed-product.log"
  echo "$key" >"$stamp"
  ok
}
