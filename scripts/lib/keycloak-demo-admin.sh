# Hook run once Keycloak is ready: the demo admin of docs/conventions.md exists
# in realm "shop" with realm role "admin". Changes go through Keycloak's own
# kcadm.sh; the "already there?" check uses the admin REST API with curl because
# every kcadm.sh call starts a JVM (seconds each on two cores).

DEMO_ADMIN_EMAIL='admin@shop.local'
DEMO_ADMIN_PASSWORD='Admin-pass-123!'
KC_REALM=shop

kcadm() { "$KC_HOME/bin/kcadm.sh" "$@" --config "$KC_HOME/kcadm.config"; }

# kc_admin_token: a short-lived token of Keycloak's bootstrap admin (master realm).
kc_admin_token() {
  curl -fsS --max-time 10 "$KC_URL/realms/master/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=admin-cli -d username=kcadmin -d password=kcadmin | jq -r .access_token
}

# demo_admin_state -> "no-realm" | "absent" | "no-role" | "ok"
demo_admin_state() {
  local token id
  token="$(kc_admin_token)" || { echo "no-token"; return 0; }
  local api=(curl -fsS --max-time 10 -H "Authorization: Bearer $token")
  "${api[@]}" -o /dev/null "$KC_URL/admin/realms/$KC_REALM" 2>/dev/null || { echo no-realm; return 0; }
  id="$("${api[@]}" "$KC_URL/admin/realms/$KC_REALM/users?exact=true&username=$DEMO_ADMIN_EMAIL" | jq -r '.[0].id // empty')"
  [[ -n "$id" ]] || { echo absent; return 0; }
  "${api[@]}" "$KC_URL/admin/realms/$KC_REALM/users/$id/role-mappings/realm/composite" |
    jq -e 'any(.[]; .name == "admin")' >/dev/null && echo ok || echo no-role
}

keycloak_demo_admin() {
  local state
  state="$(demo_admin_state)"
  case "$state" in
    ok) return 0 ;;
    no-token) die "cannot log in to Keycloak as kcadmin; its dev database predates this setup: npm run down, rm -rf .run/keycloak/data, npm run up" ;;
    no-realm) warn "realm '$KC_REALM' does not exist (no realm JSON imported yet): demo admin not created"; return 0 ;;
  esac
  {
    kcadm config credentials --server "$KC_URL" --realm master --user kcadmin --password kcadmin
    if [[ "$state" == absent ]]; then
      kcadm create users -r "$KC_REALM" -s "username=$DEMO_ADMIN_EMAIL" -s "email=$DEMO_ADMIN_EMAIL" \
        -s enabled=true -s emailVerified=true -s firstName=Demo -s lastName=Admin
      kcadm set-password -r "$KC_REALM" --username "$DEMO_ADMIN_EMAIL" --new-password "$DEMO_ADMIN_PASSWORD"
    fi
    kcadm add-roles -r "$KC_REALM" --uusername "$DEMO_ADMIN_EMAIL" --rolename admin
  } >>"$LOGS/keycloak-admin.log" 2>&1 || die "creating the demo admin failed; see .run/logs/keycloak-admin.log"
  note "demo admin $DEMO_ADMIN_EMAIL now exists in realm $KC_REALM with role admin"
}

demo_admin_login_hint() {
  cat <<EOF
  curl -s -X POST http://localhost:8000/api/auth/login -H 'content-type: application/json' \\
       -d '{"email":"$DEMO_ADMIN_EMAIL","password":"$DEMO_ADMIN_PASSWORD"}'
EOF
}
