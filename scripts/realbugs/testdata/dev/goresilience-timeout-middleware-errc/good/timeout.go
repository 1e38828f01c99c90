// Package timeout reconstructs slok/goresilience#30 (commit 25ee3ba) after
// the fix: errc has room for the goroutine's one result.
package timeout

import (
	"context"
	"errors"
	"time"
)

// ErrTimeout is returned when the command takes longer than the timeout.
var ErrTimeout = errors.New("timeout while executing")

// Func is the command a runner runs.
type Func func(ctx context.Context) error

// Runner runs a command.
type Runner interface {
	Run(ctx context.Context, f Func) error
}

// RunnerFunc is a function Runner.
type RunnerFunc func(ctx context.Context, f Func) error

// Run satisfies Runner.
func (r RunnerFunc) Run(ctx context.Context, f Func) error { return r(ctx, f) }

// Middleware wraps a Runner.
type Middleware func(Runner) Runner

type command struct{}

func (command) Run(ctx context.Context, f Func) error { return f(ctx) }

// sanitizeRunner returns the plain command runner for nil.
func sanitizeRunner(r Runner) Runner {
	if r == nil {
		return command{}
	}
	return r
}

// Config is the timeout middleware's configuration.
type Config struct {
	Timeout time.Duration
}

func (c *Config) defaults() {
	if c.Timeout <= 0 {
		c.Timeout = time.Second
	}
}

// New returns a timeout Runner.
func New(cfg Config) Runner { return NewMiddleware(cfg)(nil) }

// NewMiddleware returns the timeout middleware.
func NewMiddleware(cfg Config) Middleware {
	cfg.defaults()

	return func(next Runner) Runner {
		next = sanitizeRunner(next)
		return RunnerFunc(func(ctx context.Context, f Func) error {
			ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
			defer cancel()

			errc := make(chan error, 1)
			go func() {
				errc <- next.Run(ctx, f)
			}()

			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
				return ErrTimeout
			}
		})
	}
}
