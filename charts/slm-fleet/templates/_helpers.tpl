{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "slm-fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource: the release name, plus the chart name unless the release already contains it. */}}
{{- define "slm-fleet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "slm-fleet.operatorName" -}}{{ include "slm-fleet.fullname" . | trunc 54 | trimSuffix "-" }}-operator{{- end -}}
{{- define "slm-fleet.routerName" -}}{{ include "slm-fleet.fullname" . | trunc 56 | trimSuffix "-" }}-router{{- end -}}

{{- define "slm-fleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "slm-fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: slm-fleet
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "operator"). */}}
{{- define "slm-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slm-fleet.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "slm-fleet.componentLabels" -}}
{{ include "slm-fleet.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image reference; call with (dict "root" $ "image" .Values.images.operator). */}}
{{- define "slm-fleet.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "slm-fleet.operatorServiceAccount" -}}{{ include "slm-fleet.operatorName" . }}{{- end -}}
{{- define "slm-fleet.routerServiceAccount" -}}{{ include "slm-fleet.routerName" . }}{{- end -}}

{{/*
Whether a monitoring.coreos.com object is rendered: "auto" renders when the API exists in the cluster
(or was passed with --api-versions), true/false force it. Call with (dict "root" $ "enabled" <value>).
Returns "true" or "".
*/}}
{{- define "slm-fleet.monitoringEnabled" -}}
{{- $v := toString .enabled -}}
{{- if eq $v "true" -}}true
{{- else if and (eq $v "auto") (.root.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") -}}true
{{- else if not (has $v (list "true" "false" "auto")) -}}
{{- fail (printf "monitoring toggle: value %q is not accepted; use auto, true or false" $v) -}}
{{- end -}}
{{- end -}}

{{/* The metric names, from files/metrics.yaml (the one place they are written). */}}
{{- define "slm-fleet.metrics" -}}
{{- .Files.Get "files/metrics.yaml" -}}
{{- end -}}

{{/* Standard pod-level scheduling and security blocks; call with (dict "root" $ "component" .Values.operator). */}}
{{- define "slm-fleet.podScheduling" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- end -}}
