package parchment

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is the largest page the API serves.
const pageSize = 100

// listPage is one answer of the users list, in either shape the page
// shows: data{users, pagination}, or data as a bare array, with the
// general standard's pagination beside data or with none (then it holds
// every user).
type listPage struct {
	Users      []ListedUser `json:"users"`
	Pagination *pagination  `json:"pagination"`
}

func (p *listPage) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		return json.Unmarshal(t, &p.Users)
	}
	type plain listPage
	return json.Unmarshal(b, (*plain)(p))
}

// pagination is a list's paging, inside data (total, limit, lastKey) or
// beside it (count, hasNext, limit, offset, lastKey).
type pagination struct {
	Total   int             `json:"total"`
	HasNext *bool           `json:"hasNext"`
	LastKey json.RawMessage `json:"lastKey"`
}

// next is the key of the page after this one, "" on the last. hasNext,
// where given, decides; otherwise a lastKey means there is more.
func (p *pagination) next() (key string, more bool, err error) {
	if p == nil {
		return "", false, nil
	}
	key = pageKey(p.LastKey)
	switch {
	case p.HasNext == nil:
		return key, key != "", nil
	case !*p.HasNext:
		return "", false, nil
	case key == "":
		return "", false, errors.New("hasNext is true but no lastKey was given")
	}
	return key, true, nil
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
		list.Attempts = append(list.Attempts, res.Attempts...)
		list.Status, list.Message, list.RequestID = res.Status, res.Message, res.RequestID
		p := cmp.Or(page.Pagination, res.pagination)
		list.Total = len(list.Users)
		if p != nil && p.Total > 0 {
			list.Total = p.Total
		}
		var more bool
		key, more, err = p.next()
		if err != nil {
			res.Attempts = list.Attempts
			return nil, res.unreadable(op, err.Error())
		}
		if !more || firstOnly {
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
