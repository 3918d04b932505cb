// Package helm_test checks the Helm chart (deploy/helm/fountainai) offline: it renders the chart
// with the helm CLI pinned in tools/helm/go.mod, decodes every object strictly into its Kubernetes
// API type (or, for the operators' custom resources, against their CRD schemas in testdata/crds),
// and checks the objects against each other and against the binary, as compose_test.go checks
// docker-compose.yml.
package helm_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const (
	chartDir  = "deploy/helm/fountainai"
	release   = "fountainai"
	namespace = "fountainai"
)

// scheme knows the built-in kinds the chart may render; any other kind fails to decode.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		appsv1.AddToScheme, corev1.AddToScheme, batchv1.AddToScheme, autoscalingv2.AddToScheme,
		policyv1.AddToScheme, rbacv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// strict decodes YAML or JSON by apiVersion and kind, failing on unknown or duplicate fields.
var strict = serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

// customResource is an object of an operator's CRD, checked against its schema.
type customResource struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       map[string]any    `json:"spec"`
}

// manifest is one rendering of the chart, by kind and name.
type manifest struct {
	deployments     map[string]*appsv1.Deployment
	daemonSets      map[string]*appsv1.DaemonSet
	services        map[string]*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	serviceAccounts map[string]*corev1.ServiceAccount
	jobs            map[string]*batchv1.Job
	hpas            map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs            map[string]*policyv1.PodDisruptionBudget
	clusterRoles    map[string]*rbacv1.ClusterRole
	bindings        map[string]*rbacv1.ClusterRoleBinding
	// custom by kind, then name.
	custom map[string]map[string]customResource
}

// helmOnce builds the pinned helm once (the first build takes minutes) before the renderings run
// side by side.
var helmOnce = sync.OnceValues(func() ([]byte, error) {
	return exec.Command("go", helmArgs("version")...).CombinedOutput()
})

func helmArgs(args ...string) []string {
	return append([]string{"tool", "-modfile=tools/helm/go.mod", "helm"}, args...)
}

// render runs `helm template` on the chart with the given extra arguments (values files relative
// to the repository, --set) and decodes what it prints.
func render(t *testing.T, args ...string) manifest {
	t.Helper()
	out, err := helmOnce()
	require.NoError(t, err, "build the pinned helm: %s", out)
	cmd := exec.Command("go", helmArgs(append([]string{"template", release, chartDir, "--namespace", namespace}, args...)...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	rendered, err := cmd.Output()
	require.NoError(t, err, "helm template %v: %s", args, stderr.String())
	m, err := decode(rendered)
	require.NoError(t, err, "helm template %v", args)
	return m
}

func decode(rendered []byte) (manifest, error) {
	m := manifest{
		deployments: map[string]*appsv1.Deployment{}, daemonSets: map[string]*appsv1.DaemonSet{},
		services: map[string]*corev1.Service{}, configMaps: map[string]*corev1.ConfigMap{},
		serviceAccounts: map[string]*corev1.ServiceAccount{}, jobs: map[string]*batchv1.Job{},
		hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{}, pdbs: map[string]*policyv1.PodDisruptionBudget{},
		clusterRoles: map[string]*rbacv1.ClusterRole{}, bindings: map[string]*rbacv1.ClusterRoleBinding{},
		custom: map[string]map[string]customResource{},
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(rendered)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return m, nil
		} else if err != nil {
			return m, err
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return m, err
		}
		if string(bytes.TrimSpace(js)) == "null" {
			continue // a template that rendered nothing
		}
		var tm metav1.TypeMeta
		if err := json.Unmarshal(js, &tm); err != nil {
			return m, err
		}
		if crd, ok := crds()[tm.APIVersion+"/"+tm.Kind]; ok {
			cr, err := decodeCustom(js, crd)
			if err != nil {
				return m, fmt.Errorf("%s %s: %w", tm.Kind, firstLine(doc), err)
			}
			if m.custom[tm.Kind] == nil {
				m.custom[tm.Kind] = map[string]customResource{}
			}
			if err := addOnce(m.custom[tm.Kind], cr.Metadata.Name, cr); err != nil {
				return m, err
			}
			continue
		}
		obj, _, err := strict.Decode(js, nil, nil)
		if err != nil {
			return m, fmt.Errorf("%s/%s: %w", tm.APIVersion, tm.Kind, err)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			err = addOnce(m.deployments, o.Name, o)
		case *appsv1.DaemonSet:
			err = addOnce(m.daemonSets, o.Name, o)
		case *corev1.Service:
			err = addOnce(m.services, o.Name, o)
		case *corev1.ConfigMap:
			err = addOnce(m.configMaps, o.Name, o)
		case *corev1.ServiceAccount:
			err = addOnce(m.serviceAccounts, o.Name, o)
		case *batchv1.Job:
			err = addOnce(m.jobs, o.Name, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			err = addOnce(m.hpas, o.Name, o)
		case *policyv1.PodDisruptionBudget:
			err = addOnce(m.pdbs, o.Name, o)
		case *rbacv1.ClusterRole:
			err = addOnce(m.clusterRoles, o.Name, o)
		case *rbacv1.ClusterRoleBinding:
			err = addOnce(m.bindings, o.Name, o)
		default:
			err = fmt.Errorf("the test does not know %s/%s", tm.APIVersion, tm.Kind)
		}
		if err != nil {
			return m, err
		}
	}
}

func addOnce[T any](objs map[string]T, name string, obj T) error {
	if name == "" {
		return errors.New("an object without a name")
	}
	if _, dup := objs[name]; dup {
		return fmt.Errorf("%s is rendered twice", name)
	}
	objs[name] = obj
	return nil
}

func firstLine(doc []byte) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(doc)), "\n")
	return line
}

// ---- CRD schemas ----

// crdFile is one CRD's openAPIV3Schema as vendored into testdata/crds, with where it came from.
type crdFile struct {
	Origin  string  `json:"origin"`
	Note    string  `json:"note"`
	Group   string  `json:"group"`
	Version string  `json:"version"`
	Kind    string  `json:"kind"`
	Schema  *schema `json:"openAPIV3Schema"`
}

// schema is the part of a structural schema this test checks: types, properties, maps, items,
// required fields and enums; unknown fields fail unless x-kubernetes-preserve-unknown-fields.
type schema struct {
	Type                 string             `json:"type"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	Required             []string           `json:"required"`
	Enum                 []any              `json:"enum"`
	PreserveUnknown      bool               `json:"x-kubernetes-preserve-unknown-fields"`
	IntOrString          bool               `json:"x-kubernetes-int-or-string"`
}

var crds = sync.OnceValue(func() map[string]crdFile {
	files, err := filepath.Glob("deploy/helm/testdata/crds/*.json")
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("no CRD schemas in deploy/helm/testdata/crds: %v", err))
	}
	out := map[string]crdFile{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var c crdFile
		if err := json.Unmarshal(data, &c); err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		out[c.Group+"/"+c.Version+"/"+c.Kind] = c
	}
	return out
})

func decodeCustom(js []byte, crd crdFile) (customResource, error) {
	var cr customResource
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return cr, err
	}
	// metadata is the API server's ObjectMeta, checked above; the CRD's schema only requires it.
	meta, err := json.Marshal(obj["metadata"])
	if err != nil {
		return cr, err
	}
	md := json.NewDecoder(bytes.NewReader(meta))
	md.DisallowUnknownFields()
	if err := md.Decode(&cr.Metadata); err != nil {
		return cr, fmt.Errorf("metadata: %w", err)
	}
	obj["metadata"] = map[string]any{}
	if problems := crd.Schema.validate("", obj); len(problems) > 0 {
		return cr, errors.New(strings.Join(problems, "; "))
	}
	cr.APIVersion, _ = obj["apiVersion"].(string)
	cr.Kind, _ = obj["kind"].(string)
	cr.Spec, _ = obj["spec"].(map[string]any)
	return cr, nil
}

func (s *schema) validate(path string, v any) []string {
	if s == nil {
		return nil
	}
	if s.IntOrString {
		switch v.(type) {
		case string, json.Number:
			return nil
		}
		return []string{fmt.Sprintf("%s: %v is neither an integer nor a string", path, v)}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", path, v, s.Enum)}
	}
	var problems []string
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %T", path, v)}
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				problems = append(problems, fmt.Sprintf("%s: missing required %s", path, r))
			}
		}
		additional, err := s.additional()
		if err != nil {
			return []string{fmt.Sprintf("%s: %v", path, err)}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch p, known := s.Properties[k]; {
			case known:
				problems = append(problems, p.validate(path+"."+k, obj[k])...)
			case additional != nil:
				problems = append(problems, additional.validate(path+"."+k, obj[k])...)
			case !s.PreserveUnknown:
				problems = append(problems, fmt.Sprintf("%s: unknown field %q", path, k))
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %T", path, v)}
		}
		for i, item := range arr {
			problems = append(problems, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), item)...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			problems = append(problems, fmt.Sprintf("%s: want a string, got %T %v", path, v, v))
		}
	case "integer":
		if n, ok := v.(json.Number); !ok {
			problems = append(problems, fmt.Sprintf("%s: want an integer, got %T %v", path, v, v))
		} else if _, err := n.Int64(); err != nil {
			problems = append(problems, fmt.Sprintf("%s: want an integer, got %s", path, n))
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			problems = append(problems, fmt.Sprintf("%s: want a number, got %T %v", path, v, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			problems = append(problems, fmt.Sprintf("%s: want a boolean, got %T %v", path, v, v))
		}
	case "":
		if !s.PreserveUnknown && len(s.Properties) > 0 {
			return (&schema{Type: "object", Properties: s.Properties, Required: s.Required}).validate(path, v)
		}
	default:
		problems = append(problems, fmt.Sprintf("%s: schema type %q unknown to the test", path, s.Type))
	}
	return problems
}

// additional is the schema of a map's values: additionalProperties as a schema, or, when true,
// any value.
func (s *schema) additional() (*schema, error) {
	raw := bytes.TrimSpace(s.AdditionalProperties)
	switch {
	case len(raw) == 0, string(raw) == "false":
		return nil, nil
	case string(raw) == "true":
		return &schema{PreserveUnknown: true}, nil
	}
	var a schema
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
