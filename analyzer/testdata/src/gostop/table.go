package gostop

import "golang.org/x/sync/errgroup"

func errgroupFromTable(g *errgroup.Group) {
	g.Go(func() error { // want `goroutine never stops: the loop in gostop.errgroupFromTable\$1`
		for {
			work()
		}
	})
	g.Go(func() error { // finite
		work()
		return nil
	})
}
