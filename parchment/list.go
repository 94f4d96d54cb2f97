package parchment

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is the largest page the API serves.
const pageSize = 100

// listPage is one answer of the users list, in either shape the page
// shows: data{users, pagination}, or data as a bare array holding every
// user (no pagination, so it is the last page).
type listPage struct {
	Users      []ListedUser `json:"users"`
	Pagination struct {
		Total   int             `json:"total"`
		LastKey json.RawMessage `json:"lastKey"`
	} `json:"pagination"`
	bare bool
}

func (p *listPage) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		p.bare = true
		return json.Unmarshal(t, &p.Users)
	}
	type plain listPage
	return json.Unmarshal(b, (*plain)(p))
}

// ListUsers returns every user of the organisation, following lastKey
// page by page. The API has no filter, so finding one user means listing
// all. Attempts, on the result and on an error, span all pages.
func (c *Client) ListUsers(ctx context.Context) (*UserList, error) {
	return c.listUsers(ctx, pageSize, false)
}

// ListUsersPage reads only the first page of at most limit (1-100) users:
// enough to see the call works. Total is what the server reported.
func (c *Client) ListUsersPage(ctx context.Context, limit int) (*UserList, error) {
	return c.listUsers(ctx, min(max(limit, 1), pageSize), true)
}

func (c *Client) listUsers(ctx context.Context, limit int, firstOnly bool) (*UserList, error) {
	const op = "list users"
	list := &UserList{}
	seen := map[string]bool{}
	key := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if key != "" {
			q.Set("lastKey", key)
		}
		var page listPage
		res, err := c.do(ctx, request{op: op, method: http.MethodGet, path: c.usersPath(), query: q, into: &page})
		if err != nil {
			// The error may be the client's stored fatal one: copy it.
			e, _ := AsError(err)
			cp := *e
			cp.Attempts = append(list.Attempts, e.Attempts...)
			return nil, &cp
		}
		list.Users = append(list.Users, page.Users...)
		list.Total = page.Pagination.Total
		if page.bare {
			list.Total = len(page.Users)
		}
		list.Attempts = append(list.Attempts, res.Attempts...)
		list.Status, list.Message, list.RequestID = res.Status, res.Message, res.RequestID
		key = pageKey(page.Pagination.LastKey)
		if key == "" || firstOnly {
			return list, nil
		}
		if seen[key] {
			res.Attempts = list.Attempts
			return nil, res.unreadable(op, "the server repeated a lastKey")
		}
		seen[key] = true
	}
}

// pageKey reads lastKey: a string, or any other JSON value passed back as
// its JSON text. Absent, null or empty means the last page.
func pageKey(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
