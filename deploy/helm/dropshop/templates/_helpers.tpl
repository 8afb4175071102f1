{{/* Names and labels. */}}
{{- define "dropshop.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "dropshop.labels" -}}
app.kubernetes.io/part-of: dropshop
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "name" "order") */}}
{{- define "dropshop.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "dropshop.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* One service's settings: the defaults, overridden by services.<name>. Returns YAML. */}}
{{- define "dropshop.settings" -}}
{{- $svc := index .root.Values.services .name -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $svc)) -}}
{{- end -}}

{{/* The container's environment sources: shared ConfigMap, then the service's own Secret. */}}
{{- define "dropshop.envFrom" -}}
- configMapRef:
    name: {{ include "dropshop.fullname" .root }}-env
- secretRef:
    name: {{ printf "%s-%s" .root.Values.secrets.prefix .name }}
{{- end -}}

{{- define "dropshop.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "dropshop.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: { drop: [ALL] }
{{- end -}}

{{/* How the image runs one entry point of a service (main, migrate, seed): the one place
     that knows the image runs the compiled JavaScript (dist/, with the shop-dist condition
     for the @shop/* packages), as compose and the native stack do. With "tracing" true the
     tracing preload is loaded first (it must patch the modules before they load). */}}
{{- define "dropshop.command" -}}
["node", "--conditions=shop-dist", {{ if .tracing }}"--import", "./packages/telemetry/dist/register.js", {{ end }}"services/{{ .name }}/dist/{{ .entry }}.js"]
{{- end -}}
