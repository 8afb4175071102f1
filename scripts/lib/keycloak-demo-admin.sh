# Hook run once Keycloak is ready: the demo admin of docs/conventions.md exists
# in realm "shop" with realm role "admin". Everything goes through Keycloak's
# admin REST API with curl and a kcadmin token: it works the same against our
# .run/keycloak and an external Keycloak (STACK_EXTERNAL_INFRA=1, where there
# is no kcadm.sh), and costs no JVM start per call as kcadm.sh would.

DEMO_ADMIN_EMAIL='admin@shop.local'
DEMO_ADMIN_PASSWORD='Admin-pass-123!'
KC_REALM=shop

# kc_admin_token: a short-lived token of Keycloak's bootstrap admin (master realm).
kc_admin_token() {
  curl -fsS --max-time 10 "$KC_URL/realms/master/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=admin-cli -d username=kcadmin -d password=kcadmin | jq -er .access_token
}

# kc_api METHOD PATH [CURL-ARGS...]: PATH under /admin/realms/$KC_REALM, as kcadmin
# (KC_TOKEN, set by keycloak_demo_admin).
kc_api() {
  local method=$1 path=$2; shift 2
  curl -fsS --max-time 10 -X "$method" -H "Authorization: Bearer $KC_TOKEN" \
    "$KC_URL/admin/realms/$KC_REALM$path" "$@"
}

demo_admin_id() {
  kc_api GET "/users?exact=true&username=$DEMO_ADMIN_EMAIL" | jq -r '.[0].id // empty'
}

# demo_admin_state -> "no-realm" | "absent" | "no-role" | "ok"
demo_admin_state() {
  local id
  kc_api GET "" -o /dev/null 2>/dev/null || { echo no-realm; return 0; }
  id="$(demo_admin_id)"
  [[ -n "$id" ]] || { echo absent; return 0; }
  kc_api GET "/users/$id/role-mappings/realm/composite" |
    jq -e 'any(.[]; .name == "admin")' >/dev/null && echo ok || echo no-role
}

# demo_admin_create: the user with a permanent password, in one request.
demo_admin_create() {
  jq -n --arg email "$DEMO_ADMIN_EMAIL" --arg pw "$DEMO_ADMIN_PASSWORD" '{
    username: $email, email: $email, enabled: true, emailVerified: true,
    firstName: "Demo", lastName: "Admin",
    credentials: [{type: "password", value: $pw, temporary: false}]
  }' | kc_api POST /users -H 'content-type: application/json' --data-binary @-
}

# demo_admin_grant_role: map realm role "admin" (its full representation, as the API wants).
demo_admin_grant_role() {
  local id role
  id="$(demo_admin_id)" && [[ -n "$id" ]] || return 1
  role="$(kc_api GET /roles/admin)" || return 1
  kc_api POST "/users/$id/role-mappings/realm" -H 'content-type: application/json' --data-binary "[$role]"
}

keycloak_demo_admin() {
  local state
  if ! KC_TOKEN="$(kc_admin_token 2>/dev/null)"; then
    if external_infra; then
      die "cannot log in to the external Keycloak at $KC_URL as kcadmin/kcadmin; start it with KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD=kcadmin"
    fi
    die "cannot log in to Keycloak as kcadmin; its dev database predates this setup: npm run down, rm -rf .run/keycloak/data, npm run up"
  fi
  state="$(demo_admin_state)"
  case "$state" in
    ok) return 0 ;;
    no-realm) warn "realm '$KC_REALM' does not exist (no realm JSON imported yet): demo admin not created"; return 0 ;;
  esac
  local log="$LOGS/keycloak-admin.log"
  echo "== $(date -Is) demo admin $DEMO_ADMIN_EMAIL: $state" >>"$log"
  if [[ "$state" == absent ]]; then
    demo_admin_create >>"$log" 2>&1 || die "creating the demo admin failed; see .run/logs/keycloak-admin.log"
  fi
  demo_admin_grant_role >>"$log" 2>&1 || die "giving the demo admin realm role admin failed; see .run/logs/keycloak-admin.log"
  note "demo admin $DEMO_ADMIN_EMAIL now exists in realm $KC_REALM with role admin"
}

demo_admin_login_hint() {
  cat <<EOF
  curl -s -X POST http://localhost:8000/api/auth/login -H 'content-type: application/json' \\
       -d '{"email":"$DEMO_ADMIN_EMAIL","password":"$DEMO_ADMIN_PASSWORD"}'
EOF
}
