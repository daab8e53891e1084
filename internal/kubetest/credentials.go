package kubetest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/csv"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// AdminUser is the user of [Env.AdminConfig]. It is in the system:masters
// group, which the API server authorizes for everything without RBAC.
const AdminUser = "admin"

// user is one line of the API server's static token file.
type user struct {
	name   string
	groups []string
	token  string
}

// newUsers returns the admin plus the users of Options.Users, sorted by name
// so the token file and error messages are deterministic.
func newUsers(extra map[string][]string) (map[string]user, error) {
	users := make(map[string]user, len(extra)+1)
	add := func(name string, groups []string) error {
		token, err := randomToken()
		if err != nil {
			return err
		}
		users[name] = user{name: name, groups: slices.Clone(groups), token: token}
		return nil
	}
	if err := add(AdminUser, []string{"system:masters"}); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		if name == AdminUser {
			return nil, fmt.Errorf("user %q is reserved for the admin", name)
		}
		// Names become kubeconfig contexts and file names; groups are one
		// comma-separated CSV field, so a comma inside a group cannot be expressed.
		if name == "" || strings.ContainsAny(name, "/\n") {
			return nil, fmt.Errorf("user name %q is empty or holds '/' or a newline", name)
		}
		for _, g := range extra[name] {
			if g == "" || strings.ContainsAny(g, ",\n") {
				return nil, fmt.Errorf("group %q of user %q is empty or holds ',' or a newline", g, name)
			}
		}
		if err := add(name, extra[name]); err != nil {
			return nil, err
		}
	}
	return users, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// writeTokenFile writes the --token-auth-file CSV: token,user,uid,"group,...".
// encoding/csv quotes the group list exactly as the API server's reader expects.
func writeTokenFile(path string, users map[string]user) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, name := range slices.Sorted(maps.Keys(users)) {
		u := users[name]
		record := []string{u.token, u.name, u.name}
		if len(u.groups) > 0 {
			record = append(record, strings.Join(u.groups, ","))
		}
		if err := w.Write(record); err != nil {
			return fmt.Errorf("encode token of %s: %w", name, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("encode token file: %w", err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

// writeServiceAccountKeys writes the RSA key pair that signs and verifies
// ServiceAccount tokens. The API server refuses to start without one; it is
// generated here so the tests need no openssl.
func writeServiceAccountKeys(privPath, pubPath string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("generate service account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("encode service account public key: %w", err)
	}
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(privPath, priv, 0o600); err != nil {
		return fmt.Errorf("write service account key: %w", err)
	}
	if err := os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
		return fmt.Errorf("write service account public key: %w", err)
	}
	return nil
}
