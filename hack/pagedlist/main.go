// Command pagedlist is the floor of hack/bench.sh's live rows: a paged JSON LIST of every pod
// (limit=500, following metadata.continue), streamed through encoding/json and counted, and
// nothing else. It uses only the standard library, so its memory is the page in flight.
//
//	pagedlist --server URL --token-file F --ca-file F [--limit 500] [--path /api/v1/pods]
//
// It prints the number of items and pages.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pagedlist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "API server URL")
	tokenFile := fs.String("token-file", "", "file holding a bearer token")
	caFile := fs.String("ca-file", "", "PEM file of the API server's CA")
	limit := fs.Int("limit", 500, "items per page")
	path := fs.String("path", "/api/v1/pods", "collection to list")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	client, token, err := newClient(*tokenFile, *caFile)
	if err != nil {
		fmt.Fprintf(stderr, "pagedlist: %v\n", err)
		return 2
	}
	items, pages, err := list(ctx, client, token, *server+*path, *limit)
	if err != nil {
		fmt.Fprintf(stderr, "pagedlist: after %d items in %d pages: %v\n", items, pages, err)
		return 1
	}
	fmt.Fprintf(stdout, "%d items in %d pages\n", items, pages)
	return 0
}

func newClient(tokenFile, caFile string) (*http.Client, string, error) {
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return nil, "", err
	}
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, "", err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, "", fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: true}
	return &http.Client{Transport: tr}, strings.TrimSpace(string(token)), nil
}

// page is all of a list response that is kept: the continue token. Items are decoded into
// empty structs, which parses every byte and keeps none.
type page struct {
	Metadata struct {
		Continue string `json:"continue"`
	} `json:"metadata"`
	Items []struct{} `json:"items"`
}

func list(ctx context.Context, client *http.Client, token, base string, limit int) (items, pages int, err error) {
	cont := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cont != "" {
			q.Set("continue", cont)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+q.Encode(), nil)
		if err != nil {
			return items, pages, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		var p page
		if err := get(client, req, &p); err != nil {
			return items, pages, err
		}
		items += len(p.Items)
		pages++
		if p.Metadata.Continue == "" {
			return items, pages, nil
		}
		cont = p.Metadata.Continue
	}
}

func get(client *http.Client, req *http.Request, into *page) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, err := io.ReadAll(io.LimitReader(resp.Body, 512))
		return errors.Join(fmt.Errorf("GET %s: %s: %s", req.URL, resp.Status, body), err)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return errors.Join(fmt.Errorf("decode %s", req.URL), err)
	}
	return nil
}
