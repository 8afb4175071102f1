# The edge at 127.0.0.1:8000: nginx run from .run/nginx with the config that
# nginx/render.sh renders from nginx/edge.conf.template (owned by the edge work).

NGINX_DIR="$RUN/nginx"
NGINX_CONF="$NGINX_DIR/nginx.conf"
NGINX_PIDFILE="$NGINX_DIR/nginx.pid"

# -e: where nginx writes start-up errors before it has read the conf (the
# compiled-in default is /var/log/nginx, which is not ours).
nginx_cmd() { nginx -e "$LOGS/nginx-edge-error.log" -c "$NGINX_CONF" -p "$NGINX_DIR/" "$@"; }

nginx_running() { pid_alive "$NGINX_PIDFILE"; }

# Until nginx/ has a config, a stand-in answers 503 with the API's error shape.
nginx_placeholder() {
  cat >"$NGINX_CONF" <<EOF
# Placeholder written by scripts/lib/nginx.sh: nginx/render.sh does not exist yet.
worker_processes 1;
pid $NGINX_PIDFILE;
error_log $LOGS/nginx-edge-error.log warn;
events { worker_connections 256; }
http {
    access_log $LOGS/nginx-edge-access.log;
    client_body_temp_path $NGINX_DIR/client_body_temp;
    proxy_temp_path $NGINX_DIR/proxy_temp;
    fastcgi_temp_path $NGINX_DIR/fastcgi_temp;
    uwsgi_temp_path $NGINX_DIR/uwsgi_temp;
    scgi_temp_path $NGINX_DIR/scgi_temp;
    server {
        listen 127.0.0.1:8000;
        default_type application/json;
        location / {
            return 503 '{"error":{"code":"EDGE_NOT_CONFIGURED","message":"nginx/ has no edge config yet","requestId":"\$request_id"}}';
        }
    }
}
EOF
}

step_nginx() {
  step "Starting the edge (nginx on 127.0.0.1:8000)"
  mkdir -p "$NGINX_DIR"
  if [[ -f "$ROOT/nginx/render.sh" ]]; then
    # render.sh also runs `nginx -t` on what it rendered.
    bash "$ROOT/nginx/render.sh" >>"$LOGS/nginx-render.log" 2>&1 ||
      die "the nginx config does not render or fails nginx -t; see .run/logs/nginx-render.log"
  else
    nginx_placeholder
    warn "nginx/render.sh not found: the edge is a placeholder answering 503"
  fi
  nginx_cmd -t -q >>"$LOGS/nginx-render.log" 2>&1 ||
    die "nginx -t failed for .run/nginx/nginx.conf; see .run/logs/nginx-render.log"
  if nginx_running; then
    nginx_cmd -s reload >>"$LOGS/nginx-render.log" 2>&1 || die "nginx reload failed; see .run/logs/nginx-edge-error.log"
    skip "running; configuration reloaded"
    return 0
  fi
  port_busy 8000 && busy_not_ours "edge nginx" 8000
  nginx_cmd >>"$LOGS/nginx-render.log" 2>&1 || die "nginx did not start; see .run/logs/nginx-edge-error.log"
  wait_until 10 port_busy 8000 || die "nginx is not listening on 8000; see .run/logs/nginx-edge-error.log"
  ok
}

nginx_stop() {
  nginx_running || return 0
  local pid
  pid="$(tr -dc '0-9' <"$NGINX_PIDFILE")"
  # quit = graceful: finish the requests in flight (nginx removes its pid file).
  nginx_cmd -s quit >/dev/null 2>&1 || true
  wait_until 15 bash -c "! kill -0 $pid 2>/dev/null" || { kill -KILL "$pid" 2>/dev/null; rm -f "$NGINX_PIDFILE"; }
}
