# Jaeger (v1 all-in-one, in-memory storage): the services export their traces to it over OTLP.
# Built by step_go_tools (scripts/tools/jaeger); every listener on loopback only.

JAEGER_PIDFILE="$PIDS/jaeger.pid"
JAEGER_UI_PORT=16686
JAEGER_OTLP_GRPC_PORT=4317
JAEGER_OTLP_HTTP_PORT=4318
# Traces kept in memory before the oldest go: a drop's worth of orders in a few hundred MB.
JAEGER_MAX_TRACES="${JAEGER_MAX_TRACES:-50000}"

jaeger_up() { http_ok "http://127.0.0.1:$JAEGER_UI_PORT/api/services" && tcp_open "$JAEGER_OTLP_HTTP_PORT"; }

step_jaeger() {
  step "Starting Jaeger (UI/API $JAEGER_UI_PORT, OTLP $JAEGER_OTLP_GRPC_PORT/$JAEGER_OTLP_HTTP_PORT, in memory)"
  if jaeger_up; then skip "already running"; return 0; fi
  local port
  for port in "$JAEGER_UI_PORT" "$JAEGER_OTLP_GRPC_PORT" "$JAEGER_OTLP_HTTP_PORT"; do
    port_busy "$port" && busy_not_ours Jaeger "$port"
  done
  [[ -x "$TOOLS_BIN/jaeger-all-in-one" ]] || die "jaeger-all-in-one is not built; run up.sh again (step 'Building Go tools')"
  # Loopback only, and no port beyond the UI and OTLP but the admin one (health, on loopback):
  # the legacy Jaeger/Zipkin collectors and the query gRPC API listen on 127.0.0.1 too.
  SPAN_STORAGE_TYPE=memory start_bg jaeger "$LOGS/jaeger.log" "$TOOLS_BIN/jaeger-all-in-one" \
    --memory.max-traces="$JAEGER_MAX_TRACES" \
    --query.http-server.host-port="127.0.0.1:$JAEGER_UI_PORT" \
    --query.grpc-server.host-port=127.0.0.1:16685 \
    --collector.otlp.enabled=true \
    --collector.otlp.grpc.host-port="127.0.0.1:$JAEGER_OTLP_GRPC_PORT" \
    --collector.otlp.http.host-port="127.0.0.1:$JAEGER_OTLP_HTTP_PORT" \
    --collector.grpc-server.host-port=127.0.0.1:14250 \
    --collector.http-server.host-port=127.0.0.1:14268 \
    --admin.http.host-port=127.0.0.1:14269
  wait_until 30 jaeger_up || die "Jaeger did not come up; see .run/logs/jaeger.log"
  ok
}

jaeger_running() { pid_alive "$JAEGER_PIDFILE" || jaeger_up; }
jaeger_stop() { stop_pidfile jaeger "$JAEGER_PIDFILE"; }
