// Package listener reconstructs ihippik/wal-listener#53 (commit 742f092)
// after the fix: the group is made with errgroup.WithContext and its members
// get the group's context, which Stream's error cancels.
package listener

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"golang.org/x/sync/errgroup"
)

var (
	errReplConnectionIsLost = errors.New("replication connection to postgres is lost")
	errConnectionIsLost     = errors.New("db connection is lost")
)

type replicator interface {
	StartReplication(slot string, lsn uint64) error
	WaitForReplicationMessage(ctx context.Context) ([]byte, error)
	IsAlive() bool
	Close() error
}

type repository interface {
	IsAlive() bool
	Close() error
}

type config struct {
	SlotName          string
	RefreshConnection time.Duration
}

// Listener streams the WAL of a replication slot.
type Listener struct {
	cfg        config
	log        *slog.Logger
	replicator replicator
	repository repository
	lsn        uint64
}

// Process is the main service entry point.
func (l *Listener) Process(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	l.log.Info("service was started")

	group, ctx := errgroup.WithContext(ctx)

	group.Go(func() error {
		return l.Stream(ctx)
	})
	group.Go(func() error {
		return l.checkConnection(ctx)
	})

	if err := group.Wait(); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	return nil
}

// checkConnection periodically checks connections.
func (l *Listener) checkConnection(ctx context.Context) error {
	refresh := time.NewTicker(l.cfg.RefreshConnection)
	defer refresh.Stop()

	for {
		select {
		case <-refresh.C:
			if !l.replicator.IsAlive() {
				return fmt.Errorf("replicator: %w", errReplConnectionIsLost)
			}
			if !l.repository.IsAlive() {
				return fmt.Errorf("repository: %w", errConnectionIsLost)
			}
		case <-ctx.Done():
			l.log.Debug("check connection: context was canceled")
			if err := l.Stop(); err != nil {
				l.log.Error("failed to stop service", "err", err)
			}
			return nil
		}
	}
}

// Stream receives events from PostgreSQL.
func (l *Listener) Stream(ctx context.Context) error {
	if err := l.replicator.StartReplication(l.cfg.SlotName, l.lsn); err != nil {
		return fmt.Errorf("start replication: %w", err)
	}
	for {
		if err := ctx.Err(); err != nil {
			l.log.Warn("stream: context canceled", "err", err)
			return nil
		}
		msg, err := l.replicator.WaitForReplicationMessage(ctx)
		if err != nil {
			return fmt.Errorf("wait for replication message: %w", err)
		}
		l.log.Debug("message", "bytes", len(msg))
	}
}

// Stop closes the connections.
func (l *Listener) Stop() error {
	if err := l.replicator.Close(); err != nil {
		return err
	}
	return l.repository.Close()
}
