package parchment

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// parseBaseURL checks the API root and returns it without a trailing
// slash. Plain http would send the organisation secret and tokens in the
// clear, so it is allowed only where traffic never leaves the machine.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("is not a valid URL")
	}
	switch {
	case u.User != nil:
		return nil, errors.New("must not carry user information")
	case u.Host == "":
		return nil, fmt.Errorf("has no host: %q", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("must not carry a query or fragment: %q", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("must use https (http is allowed only for loopback hosts): %q", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("must use https: %q", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckBaseURL reports why raw cannot be the API root, or nil: what New
// would refuse, for a caller that names its own setting in the message.
func CheckBaseURL(raw string) error {
	_, err := parseBaseURL(raw)
	return err
}
