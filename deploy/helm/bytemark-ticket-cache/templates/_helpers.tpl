{{/* The release's full name, at most 63 characters. */}}
{{- define "btc.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select one component's pods: name, instance, component. Call with (dict "root" $ "component" "worker"). */}}
{{- define "btc.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels. Call with (dict "root" $ "component" "worker"). */}}
{{- define "btc.labels" -}}
{{ include "btc.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "btc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "btc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* An image pinned by digest, else by tag (default: appVersion); never "latest". Call with (dict "root" $ "image" .Values.images.worker). */}}
{{- define "btc.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag | toString -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else if eq $tag "latest" -}}
{{- fail (printf "image %s: the tag \"latest\" is not a pinned version; set a version tag or a digest" .image.repository) -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Variables that must come from existingSecret, never from config. */}}
{{- define "btc.secretVariables" -}}
TOKEN_ENCRYPTION_KEY MYSQL_URL MONGO_URL BYTEMARK_CLIENT_SECRET TEMPORAL_API_KEY SLACK_BOT_TOKEN TEMPORAL_TLS_CLIENT_KEY_DATA MYSQL_SSL_CA
{{- end -}}

{{/* The non-secret settings as env entries: config (an empty value is left out, so the app's default applies), then
     what the chart itself sets. Used by the ConfigMap and by the
     pre-install migrate hook, which runs before the ConfigMap exists. */}}
{{- define "btc.configData" -}}
{{- $secret := splitList " " (include "btc.secretVariables" .) -}}
{{- range $name, $value := .Values.config }}
{{- if has $name $secret }}
{{- fail (printf "config.%s is a secret: put it in the Secret named by existingSecret, not in values" $name) }}
{{- end }}
{{- if ne ($value | toString) "" }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
NODE_ENV: "production"
WORKER_METRICS_PORT: {{ .Values.worker.metricsPort | toString | quote }}
WORKER_HEALTH_PORT: {{ .Values.worker.healthPort | toString | quote }}
WORKER_SHUTDOWN_GRACE_SECONDS: {{ .Values.worker.shutdownGraceSeconds | toString | quote }}
WORKER_SHUTDOWN_FORCE_SECONDS: {{ .Values.worker.shutdownForceSeconds | toString | quote }}
{{- with .Values.temporal.tls }}
{{- if .existingSecret }}
TEMPORAL_TLS: "true"
TEMPORAL_TLS_CLIENT_CERT_PATH: {{ printf "%s/%s" .mountPath .certKey | quote }}
TEMPORAL_TLS_CLIENT_KEY_PATH: {{ printf "%s/%s" .mountPath .keyKey | quote }}
{{- if .caKey }}
TEMPORAL_TLS_SERVER_CA_CERT_PATH: {{ printf "%s/%s" .mountPath .caKey | quote }}
{{- end }}
{{- if .serverName }}
TEMPORAL_TLS_SERVER_NAME: {{ .serverName | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.temporal.enableTlsWithoutClientCert (not .Values.temporal.tls.existingSecret) }}
TEMPORAL_TLS: "true"
{{- end }}
{{- end -}}

{{/* Pod-level settings every pod shares: security context, pull secrets, the ServiceAccount token left unmounted. */}}
{{- define "btc.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Volumes every pod has: a writable /tmp (the root filesystem is read-only) and the Temporal TLS Secret if set. */}}
{{- define "btc.volumes" -}}
volumes:
  - name: tmp
    emptyDir: {}
{{- with .Values.temporal.tls }}
{{- if .existingSecret }}
  - name: temporal-tls
    secret:
      secretName: {{ .existingSecret }}
      # 0440 (owner and group read): written in decimal, which every YAML version reads alike.
      defaultMode: 288
{{- end }}
{{- end }}
{{- end -}}

{{- define "btc.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- if .Values.temporal.tls.existingSecret }}
  - name: temporal-tls
    mountPath: {{ .Values.temporal.tls.mountPath }}
    readOnly: true
{{- end }}
{{- end -}}

{{- define "btc.existingSecret" -}}
{{- required "existingSecret must name a Secret holding TOKEN_ENCRYPTION_KEY, MYSQL_URL, MONGO_URL and the other secret variables" .Values.existingSecret -}}
{{- end -}}
