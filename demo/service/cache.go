package service

import (
	"context"
	"sync"
	"time"
)

// Cache expires its entries in the background.
type Cache struct {
	mu      sync.Mutex
	entries map[string]time.Time
}

// gostop: the janitor ranges over time.Tick forever; nothing can stop it,
// so every Cache lives, and its goroutine runs, until the process exits.
func NewCache() *Cache {
	c := &Cache{entries: make(map[string]time.Time)}
	go c.janitor()
	return c
}

func (c *Cache) janitor() {
	for range time.Tick(time.Minute) {
		c.sweep()
	}
}

// Fixed: the janitor returns when the context is done.
func NewCacheFixed(ctx context.Context) *Cache {
	c := &Cache{entries: make(map[string]time.Time)}
	go c.janitorFixed(ctx)
	return c
}

func (c *Cache) janitorFixed(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.sweep()
		}
	}
}

func (c *Cache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, t := range c.entries {
		if time.Since(t) > time.Hour {
			delete(c.entries, k)
		}
	}
}
