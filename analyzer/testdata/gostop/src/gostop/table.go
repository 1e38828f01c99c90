package gostop

import "golang.org/x/sync/errgroup"

func errgroupFromTable(g *errgroup.Group) {
	g.Go(func() error { // want `goroutine never stops: the loop in a function literal in gostop.errgroupFromTable`
		for {
			work()
		}
	})
	g.Go(func() error { // finite
		work()
		return nil
	})
}
