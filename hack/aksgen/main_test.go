package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/gen"
)

func TestRun(t *testing.T) {
	small := []string{"--nodes", "20", "--pods", "1000", "--pools", "5"}
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"nothing to do", small, 2, "nothing to do"},
		{"invalid params", []string{"--pools", "1", "--expect"}, 2, "--pools 1: need at least 2"},
		{"stray argument", append(small, "extra"), 2, "unexpected arguments"},
		{"unknown flag", []string{"--bogus"}, 2, "flag provided but not defined"},
		{"help", []string{"-h"}, 0, "-small"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.inStderr)
			}
		})
	}
}

func TestRunWritesFiles(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"--nodes", "20", "--pods", "1000", "--pools", "5", "--out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range gen.Files {
		if _, err := os.Stat(filepath.Join(dir, f.Name)); err != nil {
			t.Error(err)
		}
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestRunExpectSmall(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"--small", "--expect"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var e gen.Expect
	if err := json.Unmarshal(stdout.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if e.Nodes != gen.Small.Nodes || e.Pods != gen.Small.Pods {
		t.Errorf("--small gave %d nodes and %d pods, want %d and %d", e.Nodes, e.Pods, gen.Small.Nodes, gen.Small.Pods)
	}
}
