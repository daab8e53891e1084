package arm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// describe turns a failed call into the reason a rule's error finding shows: what was attempted,
// what ARM said, and what to do about it. ResponseError's own text is a multi-line dump of the
// response, unfit for one line of a report, so its fields are used instead.
func describe(err error, what, action string, retry policy.RetryOptions) string {
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &re):
		code := re.ErrorCode
		if code == "" {
			code = http.StatusText(re.StatusCode)
		}
		switch s := re.StatusCode; {
		case s == http.StatusUnauthorized:
			return fmt.Sprintf("%s: ARM rejected the credential (HTTP 401 %s); sign in again (az login) or check the workload identity", what, code)
		case s == http.StatusForbidden:
			return fmt.Sprintf("%s: forbidden (HTTP 403 %s): the signed-in principal lacks %s; assign the role in deploy/rbac/azure-custom-role.json", what, code, action)
		case s == http.StatusTooManyRequests:
			return fmt.Sprintf("%s: throttled by ARM (HTTP 429 %s) beyond the retry budget (%d retries, Retry-After up to %s); try again later",
				what, code, retry.MaxRetries, retry.MaxRetryDelay)
		case s >= 500:
			return fmt.Sprintf("%s: ARM failed (HTTP %d %s) after %d retries", what, s, code, retry.MaxRetries)
		default:
			return fmt.Sprintf("%s: ARM answered HTTP %d %s", what, s, code)
		}
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: timed out (raise --timeout)", what)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("%s: cancelled", what)
	}
	// Credential failures (DefaultAzureCredential lists every source it tried on its own line) and
	// network errors: one line, bounded.
	return fmt.Sprintf("%s: %s", what, oneLine(err.Error(), 400))
}

func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return s
}

// tenantFromToken reads the tenant from the tid claim of the ARM access token, for when the
// subscription could not be read. The token is the one the SDK already fetched (credentials cache
// them), and the claim is only displayed, never trusted for a decision, so it is not verified.
func tenantFromToken(ctx context.Context, cred azcore.TokenCredential, c cloud.Configuration) string {
	audience := "https://management.core.windows.net/"
	if svc, ok := c.Services[cloud.ResourceManager]; ok && svc.Audience != "" {
		audience = svc.Audience
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{strings.TrimSuffix(audience, "/") + "/.default"}})
	if err != nil {
		return ""
	}
	return jwtTenant(tok.Token)
}

func jwtTenant(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		TID string `json:"tid"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.TID
}
