# Mailpit: the SMTP sink the email service sends to; tests read mail back from its API.

MAILPIT_PIDFILE="$PIDS/mailpit.pid"

mailpit_up() { http_ok http://127.0.0.1:8025/livez; }

# Both listeners: the email service needs SMTP, the tests read mail over HTTP.
mailpit_answers() { mailpit_up && tcp_open 1025; }

step_mailpit() {
  if external_infra; then
    step "Waiting for Mailpit (SMTP 1025, UI/API 8025; $EXTERNAL_NOTE)"
    wait_external Mailpit 60 mailpit_answers
    ok
    return 0
  fi
  step "Starting Mailpit (SMTP 1025, UI/API 8025)"
  if mailpit_up; then skip "already running"; return 0; fi
  port_busy 1025 && busy_not_ours "Mailpit (SMTP)" 1025
  port_busy 8025 && busy_not_ours "Mailpit (HTTP)" 8025
  [[ -x "$TOOLS_BIN/mailpit" ]] || die "mailpit is not built; run up.sh again (step 'Building Go tools')"
  # --smtp-auth-accept-any: nodemailer may send credentials; a local sink takes any.
  start_bg mailpit "$LOGS/mailpit.log" "$TOOLS_BIN/mailpit" \
    --smtp 127.0.0.1:1025 --listen 127.0.0.1:8025 \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --max 5000
  wait_until 20 mailpit_up || die "Mailpit did not come up; see .run/logs/mailpit.log"
  ok
}

mailpit_stop() { stop_pidfile mailpit "$MAILPIT_PIDFILE"; }
