package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// JUnit XML has no single standard; this is the common subset that Azure DevOps
// (PublishTestResults, testResultsFormat JUnit), GitLab (artifacts:reports:junit) and Jenkins
// read: <testsuites> of <testsuite> of <testcase>, each test case carrying at most one of
// <failure>, <error> or <skipped>.

type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	// Body is CDATA so the multi-line detail stays readable in the file itself.
	Body string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// JUnit writes one test suite per rule and one test case per rule and resource: pass is a plain
// test case, fail a <failure> (type = severity), not evaluated an <error>, skip and waived a
// <skipped> with the reason. Every result is listed whatever Verbose says: CI test tabs count
// passes. Times are 0 because rules are not timed; the only timestamp is the run's.
func JUnit(w io.Writer, in Input, _ Options) error {
	s, r := in.Snapshot, in.Report
	ts := ""
	if !r.GeneratedAt.IsZero() {
		// The JUnit XSD's timestamp has no zone designator; it is UTC.
		ts = r.GeneratedAt.UTC().Format("2006-01-02T15:04:05")
	}
	cluster := clusterLabel(s)
	root := junitSuites{Name: "syspool " + cluster, Time: "0", Timestamp: ts}
	suiteOf := map[string]int{}
	for _, f := range r.Findings {
		i, ok := suiteOf[f.RuleID]
		if !ok {
			i = len(root.Suites)
			suiteOf[f.RuleID] = i
			root.Suites = append(root.Suites, junitSuite{Name: f.RuleID + " " + f.Title, Time: "0", Timestamp: ts,
				Properties: []junitProperty{{Name: "cluster", Value: cluster}, {Name: "rule", Value: f.RuleID}}})
		}
		suite := &root.Suites[i]
		tc := junitCase{Name: f.Resource.String(), Classname: "syspool." + cluster + "." + f.RuleID, Time: "0"}
		if src, ok := sourceOf(s, f.Resource); ok {
			tc.File = src.Path
		}
		switch {
		case f.Status == rule.Fail && f.Waiver != nil:
			tc.Skipped = &junitSkipped{Message: "waived: " + waiverText(f.Waiver)}
			suite.Skipped++
		case f.Status == rule.Fail:
			tc.Failure = &junitProblem{Message: f.Message, Type: f.Severity.String(), Body: junitBody(s, f)}
			suite.Failures++
		case f.Status == rule.Error:
			tc.Error = &junitProblem{Message: notEvaluated(f.Message), Type: "not-evaluated", Body: junitBody(s, f)}
			suite.Errors++
		case f.Status == rule.Skip:
			tc.Skipped = &junitSkipped{Message: "not applicable: " + f.Message}
			suite.Skipped++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	for _, su := range root.Suites {
		root.Tests += su.Tests
		root.Failures += su.Failures
		root.Errors += su.Errors
		root.Skipped += su.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitBody is the detail a CI test tab shows under a failure: severity, the resource's full name,
// the evidence that decided it and the command that fixes it.
func junitBody(s *snapshot.Snapshot, f rule.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nseverity: %s\nresource: %s\n", f.Message, f.Severity, ResourceID(s.Cluster, f.Resource))
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "%s: %s\n", e.Field, e.Value)
	}
	if f.Fix != "" {
		fmt.Fprintf(&b, "fix: %s\n", f.Fix)
	}
	fmt.Fprintf(&b, "fingerprint: %s", f.Fingerprint)
	return xmlSafe(b.String())
}

// xmlSafe replaces characters XML 1.0 cannot carry at all (most C0 controls), which CDATA would
// otherwise pass through and make the file unreadable to every CI server.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}
