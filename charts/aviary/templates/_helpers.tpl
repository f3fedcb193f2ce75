{{/* Names and labels shared by the templates. */}}

{{- define "aviary.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>", or the release name alone when it already contains the chart name. */}}
{{- define "aviary.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aviary.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aviary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "aviary.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "aviary.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: aviary
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "aviary.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aviary.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The user name the API server gives the controller's ServiceAccount token. */}}
{{- define "aviary.serviceAccountUser" -}}
system:serviceaccount:{{ .Release.Namespace }}:{{ include "aviary.serviceAccountName" . }}
{{- end }}

{{- define "aviary.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}

{{/*
The rules the controller needs where ModelDeployments live: in a ClusterRole when it watches every
namespace, else in a Role in each watched namespace. Derived from src/controller, src/router and
src/kube (kube/resource.h lists every resource the controller names).
*/}}
{{- define "aviary.workloadRules" -}}
# ModelDeployments: the informer lists and watches them; get re-reads one after a write Conflict;
# update (PUT of the object) adds and removes the aviary.dev/finalizer.
- apiGroups: [aviary.dev]
  resources: [modeldeployments]
  verbs: [get, list, watch, update]
# PUT .../status: the status the controller computed, which also clears the status.requests it acted on.
- apiGroups: [aviary.dev]
  resources: [modeldeployments/status]
  verbs: [update]
# The Deployments and Services aviary owns carry an ownerReference with blockOwnerDeletion; where the
# OwnerReferencesPermissionEnforcement admission plugin runs, setting it needs update on the owner's
# finalizers.
- apiGroups: [aviary.dev]
  resources: [modeldeployments/finalizers]
  verbs: [update]
# The stable and canary Deployments: an informer (list, watch; label app.kubernetes.io/managed-by=aviary)
# and server-side apply (patch, and create when the apply makes the object). Never deleted by aviary:
# the garbage collector removes them with their ModelDeployment (ownerReferences).
- apiGroups: [apps]
  resources: [deployments]
  verbs: [list, watch, create, patch]
# ReplicaSets of those Deployments: listed (by the labels aviary.dev/modeldeployment and
# aviary.dev/revision) only when a rollback follows a promotion that had begun, to take the old
# stable's pod template back from its ReplicaSet.
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list]
# Model cards: the ConfigMap <md>-<revision>-card is written by server-side apply (create when new)
# when a revision is promoted or rolled back; the cards of a ModelDeployment are listed by label and
# those whose revision left status.history are deleted.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [list, create, patch, delete]
# The retraining trigger's webhook key: spec.monitoring.drift.webhook.secretRef names a Secret in the
# ModelDeployment's namespace, read once per drift episode. Only get: no list or watch, so the
# controller cannot enumerate Secrets and holds none in a cache.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
# The <md>, <md>-stable and <md>-canary Services: the same informer and server-side apply.
- apiGroups: [""]
  resources: [services]
  verbs: [list, watch, create, patch]
# events.k8s.io/v1 Events about a ModelDeployment: create one, patch its series count when it repeats.
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- if .Values.gatewayAPI.enabled }}
# traffic.provider gatewayAPI: read the HTTPRoute that spec.traffic.gatewayAPI.httpRoute names and
# merge-patch the weights of aviary's two backendRefs (and its mirror filter).
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, patch]
{{- end }}
{{- end }}
