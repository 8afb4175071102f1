# The merged OpenAPI document and Swagger UI that the edge serves at /api-docs, and the
# Schemathesis venv that test/api/schemathesis.test.ts runs against it.

API_DOCS_DIR="$RUN/api-docs"
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="$RUN/schemathesis"

# Generated from the services' route declarations every time: a few hundred ms, and it can
# never go stale after a pull. Built beside the live copy and swapped in.
step_api_docs() {
  step "Generating the merged OpenAPI document and Swagger UI (.run/api-docs, served at /api-docs)"
  (cd "$ROOT" && node --import tsx scripts/api-docs.ts "$API_DOCS_DIR") >>"$LOGS/api-docs.log" 2>&1 ||
    die "generating the API document failed; see .run/logs/api-docs.log"
  ok
}

# Schemathesis from PyPI into its own venv, pinned; a second run only checks the version.
step_schemathesis() {
  step "Installing Schemathesis $SCHEMATHESIS_VERSION (PyPI) into .run/schemathesis"
  if [[ "$("$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null)" == *"$SCHEMATHESIS_VERSION"* ]]; then
    skip "present"
    return 0
  fi
  have python3 || apt_install python3
  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  rm -rf "$SCHEMATHESIS_VENV"
  {
    python3 -m venv "$SCHEMATHESIS_VENV" &&
      "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  } >>"$LOGS/schemathesis-install.log" 2>&1 || die "installing Schemathesis failed; see .run/logs/schemathesis-install.log"
  ok
}
