{{/* The image every FountainAI process runs. */}}
{{- define "fountainai.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "fountainai.labels" -}}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
app.kubernetes.io/part-of: fountainai
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
{{- end }}

{{/* Pod labels of one component; selectors use these only, which never change on upgrade. */}}
{{- define "fountainai.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "fountainai.cnpgCluster" -}}
{{ .Release.Name }}-postgres
{{- end }}

{{/* FOUNTAIN_DATABASE_URL: from the Secret, or the URL of CloudNativePG's app Secret, which
points at the cluster's -rw Service (the primary, wherever failover has put it). */}}
{{- define "fountainai.databaseURL" -}}
- name: FOUNTAIN_DATABASE_URL
  valueFrom:
    secretKeyRef:
{{- if .Values.cnpg.enabled }}
      name: {{ include "fountainai.cnpgCluster" . }}-app
      key: uri
{{- else }}
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.keys.databaseURL }}
{{- end }}
{{- end }}

{{- define "fountainai.ingestKey" -}}
- name: FOUNTAIN_INGEST_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.keys.ingestKey }}
{{- end }}

{{- define "fountainai.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "fountainai.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}
