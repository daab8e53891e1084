package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

// SARIF 2.1.0 (OASIS, errata 01). The structs below are the subset syspool writes, encoded by hand
// rather than through a SARIF library: it is a few dozen fields, we control field order and
// omission exactly (goldens stay readable and deterministic), and the output is validated against
// the official schema in sarif_test.go.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifFingerprintKey names our partialFingerprints entry; the "/v1" lets the fingerprint
	// recipe change later without silently matching old alerts to new ones.
	sarifFingerprintKey = "syspoolFindingFingerprint/v1"
	// placeholderDir prefixes the physical location of a finding whose source file is unknown
	// (live collection): GitHub code scanning rejects results without a repository-relative
	// artifact URI, and a URI scheme of our own is refused too ("unrecognized SARIF location URI
	// scheme"). See docs/ci.md.
	placeholderDir = ".syspool"
	helpBaseURI    = "https://github.com/syspool/syspool/blob/main/docs/rules.md#"
	infoURI        = "https://github.com/syspool/syspool"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	AutomationDetails *sarifAutomation  `json:"automationDetails,omitempty"`
	Invocations       []sarifInvocation `json:"invocations"`
	Artifacts         []sarifArtifact   `json:"artifacts,omitempty"`
	Results           []sarifResult     `json:"results"`
	Properties        *sarifRunPropBag  `json:"properties,omitempty"`
	ColumnKind        string            `json:"columnKind,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	ShortDescription     sarifText        `json:"shortDescription"`
	FullDescription      sarifText        `json:"fullDescription"`
	Help                 sarifMultiformat `json:"help"`
	HelpURI              string           `json:"helpUri"`
	DefaultConfiguration sarifConfig      `json:"defaultConfiguration"`
	Properties           sarifRuleProps   `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
	// SecuritySeverity is GitHub's 0.0-10.0 score that sorts alerts into critical/high/medium/low.
	SecuritySeverity string `json:"security-severity,omitempty"`
	Severity         string `json:"severity"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	EndTimeUTC          string              `json:"endTimeUtc,omitempty"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string        `json:"level"`
	Message    sarifText     `json:"message"`
	Descriptor *sarifRuleRef `json:"associatedRule,omitempty"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifArtifact struct {
	Location sarifAL           `json:"location"`
	Roles    []string          `json:"roles"`
	Hashes   map[string]string `json:"hashes,omitempty"`
}

// sarifAL is an artifactLocation.
type sarifAL struct {
	URI   string `json:"uri"`
	Index *int   `json:"index,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Kind                string             `json:"kind"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifAL     `json:"artifactLocation"`
	Region           sarifRegion `json:"region"`
}

// sarifRegion is always line 1: findings are about cluster objects, not lines of the capture, and
// GitHub code scanning requires region.startLine.
type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifResultProps struct {
	Status   rule.Status     `json:"status"`
	Severity string          `json:"severity"`
	Resource string          `json:"resource"`
	Pool     string          `json:"pool,omitempty"`
	Evidence []rule.Evidence `json:"evidence,omitempty"`
	Fix      string          `json:"fix,omitempty"`
}

type sarifRunPropBag struct {
	Cluster        string `json:"cluster,omitempty"`
	ClusterID      string `json:"clusterId,omitempty"`
	SnapshotDigest string `json:"snapshotDigest,omitempty"`
	FailOn         string `json:"failOn,omitempty"`
}

// SARIF writes the findings as a SARIF 2.1.0 log for GitHub code scanning, Azure DevOps and other
// SARIF viewers. Failing and unevaluated findings become results (pass and skip too with Verbose,
// as kind pass and notApplicable); waived failures carry an accepted external suppression.
func SARIF(w io.Writer, in Input, opts Options) error {
	s, r := in.Snapshot, in.Report
	rules, index := sarifRules(in)
	artifacts, artifactIndex := sarifArtifacts(s)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "syspool", Version: version.String(), InformationURI: infoURI, Rules: rules}},
		// GitHub takes the part before the last "/" as the analysis category, so each cluster's
		// alerts are tracked separately when several clusters upload to one repository.
		AutomationDetails: &sarifAutomation{ID: "syspool/" + clusterLabel(s) + "/"},
		Invocations:       []sarifInvocation{{ExecutionSuccessful: true, EndTimeUTC: sarifTime(r.GeneratedAt)}},
		Artifacts:         artifacts,
		Results:           []sarifResult{},
		Properties: &sarifRunPropBag{Cluster: s.Cluster.Name, ClusterID: s.Cluster.ID,
			SnapshotDigest: digestOf(s), FailOn: severityName(in.FailOn)},
		ColumnKind: "unicodeCodePoints",
	}
	for _, f := range r.Findings {
		res, ok := sarifResultOf(f, s, index[f.RuleID], artifactIndex, opts)
		if !ok {
			continue
		}
		run.Results = append(run.Results, res)
		if f.Status == rule.Error {
			i := index[f.RuleID]
			run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNotification{
				Level: "error", Message: sarifText{Text: f.RuleID + ": " + notEvaluated(f.Message)},
				Descriptor: &sarifRuleRef{ID: f.RuleID, Index: i},
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifResultOf(f rule.Finding, s *snapshot.Snapshot, ruleIndex int, artifacts map[string]int, opts Options) (sarifResult, bool) {
	res := sarifResult{
		RuleID:              f.RuleID,
		RuleIndex:           ruleIndex,
		Message:             sarifText{Text: f.Message},
		PartialFingerprints: map[string]string{sarifFingerprintKey: f.Fingerprint},
		Properties: sarifResultProps{Status: f.Status, Severity: f.Severity.String(), Resource: f.Resource.String(),
			Pool: f.Resource.Pool, Evidence: f.Evidence, Fix: f.Fix},
	}
	// SARIF §3.27.9: a result whose kind is not "fail" must have level "none".
	switch f.Status {
	case rule.Fail:
		res.Kind, res.Level = "fail", sarifLevel(f.Severity)
		if f.Fix != "" && f.Waiver == nil {
			res.Message.Text = strings.TrimRight(res.Message.Text, ". ") + ". Fix: " + f.Fix
		}
	case rule.Error:
		// Not evaluated is neither a pass nor a failure: "review" asks a human to look, and the
		// run's toolExecutionNotifications carry it as an error as well.
		res.Kind, res.Level = "review", "none"
		res.Message.Text = notEvaluated(f.Message)
	case rule.Pass:
		if !opts.Verbose {
			return res, false
		}
		res.Kind, res.Level = "pass", "none"
	case rule.Skip:
		if !opts.Verbose {
			return res, false
		}
		res.Kind, res.Level = "notApplicable", "none"
	default:
		return res, false
	}
	if f.Waiver != nil {
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
			Justification: waiverText(f.Waiver)}}
	}
	res.Locations = []sarifLocation{{
		PhysicalLocation: sarifPhysical{ArtifactLocation: sourceLocation(s, f.Resource, artifacts), Region: sarifRegion{StartLine: 1}},
		LogicalLocations: []sarifLogical{{Name: f.Resource.Name, FullyQualifiedName: ResourceID(s.Cluster, f.Resource), Kind: "resource"}},
	}}
	return res, true
}

// notEvaluated prefixes msg unless the engine already did.
func notEvaluated(msg string) string {
	if strings.HasPrefix(strings.ToLower(msg), "not evaluated") {
		return msg
	}
	return "not evaluated: " + msg
}

func waiverText(w *rule.Waived) string {
	return w.Reason + " (owner " + w.Owner + ", until " + w.Expires.Format("2006-01-02") + ")"
}

// sarifRules lists the whole catalog (so a viewer can show rules that passed), plus any rule a
// finding names that the catalog lacks, and returns each ID's index in the list.
func sarifRules(in Input) ([]sarifRule, map[string]int) {
	rules := make([]sarifRule, 0, len(in.Catalog))
	index := map[string]int{}
	add := func(r rule.Rule) {
		if _, dup := index[r.ID]; dup {
			return
		}
		index[r.ID] = len(rules)
		rules = append(rules, sarifRuleOf(r))
	}
	for _, r := range sortedRules(in.Catalog) {
		add(r)
	}
	for _, f := range in.Report.Findings {
		add(rule.Rule{ID: f.RuleID, Title: f.Title, Category: f.Category, Severity: f.Severity})
	}
	return rules, index
}

func sarifRuleOf(r rule.Rule) sarifRule {
	tags := []string{"aks", "kubernetes", "system-node-pool"}
	if r.Category != "" {
		tags = append(tags, strings.ToLower(r.Category))
	}
	full := r.Rationale
	if full == "" {
		full = r.Title
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 pascalCase(r.Title),
		ShortDescription:     sarifText{Text: r.Title},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifMultiformat{Text: helpText(r), Markdown: helpMarkdown(r)},
		HelpURI:              helpBaseURI + strings.ToLower(r.ID),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
		Properties:           sarifRuleProps{Tags: tags, SecuritySeverity: securitySeverity(r.Severity), Severity: r.Severity.String()},
	}
}

func helpText(r rule.Rule) string {
	var b strings.Builder
	if r.Rationale != "" {
		b.WriteString(r.Rationale + "\n\n")
	}
	if r.Remediation != "" {
		b.WriteString("Remediation: " + r.Remediation + "\n\n")
	}
	for _, s := range r.Sources {
		b.WriteString("- " + s.Title + ": " + s.URL + "\n")
	}
	b.WriteString("Run `syspool rules explain " + r.ID + "` for thresholds.")
	return b.String()
}

func helpMarkdown(r rule.Rule) string {
	var b strings.Builder
	b.WriteString("**" + r.ID + " " + mdText(r.Title) + "**\n\n")
	if r.Rationale != "" {
		b.WriteString(r.Rationale + "\n\n")
	}
	if r.Remediation != "" {
		b.WriteString("**Remediation.** " + r.Remediation + "\n\n")
	}
	if len(r.Sources) > 0 {
		b.WriteString("**Sources**\n\n")
		for _, s := range r.Sources {
			b.WriteString("- [" + mdText(s.Title) + "](" + s.URL + ")\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("Run `syspool rules explain " + r.ID + "` for thresholds.")
	return b.String()
}

// sarifLevel maps a failing severity to a SARIF level: the two that block a change are errors.
func sarifLevel(s rule.Severity) string {
	switch {
	case s >= rule.High:
		return "error"
	case s == rule.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's score: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
// Info findings get none, so GitHub does not present them as security alerts at all.
func securitySeverity(s rule.Severity) string {
	switch s {
	case rule.Critical:
		return "9.5"
	case rule.High:
		return "8.0"
	case rule.Medium:
		return "5.5"
	case rule.Low:
		return "3.0"
	}
	return ""
}

// sarifArtifacts lists the input files with their sha256, so the log itself records what was
// read; live sources (no hash) are not files and are left out.
func sarifArtifacts(s *snapshot.Snapshot) ([]sarifArtifact, map[string]int) {
	var out []sarifArtifact
	index := map[string]int{}
	for _, src := range s.Provenance.Sources {
		if src.SHA256 == "" {
			continue
		}
		if _, dup := index[src.Path]; dup {
			continue
		}
		index[src.Path] = len(out)
		out = append(out, sarifArtifact{Location: sarifAL{URI: fileURI(src.Path)}, Roles: []string{"analysisTarget"},
			Hashes: map[string]string{"sha-256": src.SHA256}})
	}
	return out, index
}

// sourceKinds says which data kinds a resource of each kind was read from, most specific first.
var sourceKinds = map[string][]snapshot.DataKind{
	"cluster":  {snapshot.KindCluster, snapshot.KindPools},
	"pool":     {snapshot.KindPools, snapshot.KindCluster},
	"node":     {snapshot.KindNodes},
	"pod":      {snapshot.KindPods},
	"workload": {snapshot.KindDeployments, snapshot.KindDaemonSets, snapshot.KindPods},
	"pdb":      {snapshot.KindPDBs},
}

// sourceOf returns the file the resource was read from: the first source (in input order) that
// contributed objects of the resource's data kind, else the first file read at all. ok is false
// when no file was read (live collection).
func sourceOf(s *snapshot.Snapshot, r rule.Resource) (src snapshot.Source, ok bool) {
	files := make([]snapshot.Source, 0, len(s.Provenance.Sources))
	for _, src := range s.Provenance.Sources {
		if src.SHA256 != "" {
			files = append(files, src)
		}
	}
	for _, k := range sourceKinds[r.Kind] {
		for _, src := range files {
			if src.Objects[k] > 0 {
				return src, true
			}
		}
	}
	if len(files) > 0 {
		return files[0], true
	}
	return snapshot.Source{}, false
}

// sourceLocation is sourceOf as a SARIF artifact location, or a placeholder path that names the
// cluster when no file is known (see placeholderDir).
func sourceLocation(s *snapshot.Snapshot, r rule.Resource, artifacts map[string]int) sarifAL {
	src, ok := sourceOf(s, r)
	if !ok {
		return sarifAL{URI: placeholderDir + "/" + url.PathEscape(clusterLabel(s))}
	}
	i := artifacts[src.Path]
	return sarifAL{URI: fileURI(src.Path), Index: &i}
}

// fileURI turns a path as the user typed it into a URI reference: relative paths stay relative
// (code scanning resolves them against the repository root), absolute ones become file: URIs.
func fileURI(p string) string {
	slash := filepath.ToSlash(p)
	if filepath.IsAbs(p) || path.IsAbs(slash) {
		if !strings.HasPrefix(slash, "/") {
			slash = "/" + slash // C:/x -> /C:/x
		}
		return (&url.URL{Scheme: "file", Path: slash}).String()
	}
	return (&url.URL{Path: strings.TrimPrefix(slash, "./")}).String()
}

// ResourceID names a finding's resource under its cluster's ARM ID, e.g.
// /subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/C/agentPools/P.
// Kubernetes objects continue the path (…/namespaces/kube-system/pods/NAME) so every finding has one
// unambiguous, greppable name. Without a subscription and group it starts at managedClusters/C.
func ResourceID(c snapshot.Cluster, r rule.Resource) string {
	base := c.ID
	if base == "" {
		name := c.Name
		if name == "" {
			name = "unknown"
		}
		base = "managedClusters/" + name
		if c.SubscriptionID != "" && c.ResourceGroup != "" {
			base = "/subscriptions/" + c.SubscriptionID + "/resourceGroups/" + c.ResourceGroup +
				"/providers/Microsoft.ContainerService/" + base
		}
	}
	base = strings.TrimSuffix(base, "/")
	ns := ""
	if r.Namespace != "" {
		ns = "/namespaces/" + r.Namespace
	}
	switch r.Kind {
	case "cluster":
		return base
	case "pool":
		return base + "/agentPools/" + r.Name
	case "node":
		return base + "/nodes/" + r.Name
	case "pod":
		return base + ns + "/pods/" + r.Name
	case "workload":
		return base + ns + "/workloads/" + r.Name
	case "pdb":
		return base + ns + "/poddisruptionbudgets/" + r.Name
	}
	return base + ns + "/" + r.Kind + "/" + r.Name
}

func clusterLabel(s *snapshot.Snapshot) string {
	if s.Cluster.Name != "" {
		return s.Cluster.Name
	}
	return "cluster"
}

// digestOf returns the digest of the snapshot's content as it is now: for a sealed snapshot that
// was not edited it equals the recorded digest, and it never repeats a recorded digest that the
// content no longer matches.
func digestOf(s *snapshot.Snapshot) string {
	d, err := snapshot.ContentDigest(s)
	if err != nil {
		return ""
	}
	return d
}

func severityName(s rule.Severity) string {
	if s == rule.SeverityUnset {
		return ""
	}
	return s.String()
}

func sarifTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// pascalCase makes a SARIF rule name (an identifier) from a title: "System pool exists" ->
// "SystemPoolExists".
func pascalCase(title string) string {
	var b strings.Builder
	up := true
	for _, r := range title {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func sortedRules(rs []rule.Rule) []rule.Rule {
	out := append([]rule.Rule(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
