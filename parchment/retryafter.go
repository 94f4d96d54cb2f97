package parchment

import (
	"errors"
	"fmt"
)

// ErrRetryAfterTooLong is wrapped by a call whose answer asked to wait
// longer than MaxRetryAfter. It is fatal: a server that wants days is as
// good as unreachable tonight, and holding the organisation's lock that
// long would turn every later run away.
var ErrRetryAfterTooLong = errors.New("Retry-After beyond the allowed wait")

// tooLongWait reports whether e asks for more than MaxRetryAfter, and if
// so says so in e, naming the header as the server sent it.
func (c *Client) tooLongWait(e *Error) bool {
	if !e.hasRetryAfter || e.retryAfter <= c.cfg.MaxRetryAfter {
		return false
	}
	e.Err = waitTooLong(fmt.Sprintf("Parchment asked to wait (Retry-After: %s, that is %v), longer than the %v allowed (--max-retry-after): it is taken to be unreachable and the run stops; run again later",
		e.retryAfterHeader, e.retryAfter, c.cfg.MaxRetryAfter))
	return true
}

// waitTooLong is ErrRetryAfterTooLong with the message saying why.
type waitTooLong string

func (e waitTooLong) Error() string { return string(e) }

func (waitTooLong) Is(target error) bool { return target == ErrRetryAfterTooLong }
