package chanblock

import "context"

// The kind: a worker ranges over a channel kept in a field, and the only
// close of the channel is the worker's own, after its range (minio-go's
// GetObject, #1681): the type's Close must close it, or the worker must
// leave when its context is done.

type object struct {
	reqCh  chan<- int
	cancel context.CancelFunc
}

func openObject(ctx context.Context) *object {
	ctx, cancel := context.WithCancel(ctx)
	reqCh := make(chan int)
	go func() {
		defer close(reqCh)
		for req := range reqCh { // want `range over reqCh never ends: the only close of field reqCh runs in this goroutine, after the range; close reqCh when its owner stops`
			if ctx.Err() != nil {
				return
			}
			_ = req
		}
	}()
	return &object{reqCh: reqCh, cancel: cancel}
}

func (o *object) read(n int) { o.reqCh <- n }

func (o *object) Close() { o.cancel() }

// Closed by the owner's Close: the range ends.
type closedObject struct{ reqCh chan int }

func openClosedObject() *closedObject {
	reqCh := make(chan int)
	go func() {
		for req := range reqCh {
			_ = req
		}
	}()
	return &closedObject{reqCh: reqCh}
}

func (o *closedObject) read(n int) { o.reqCh <- n }

func (o *closedObject) Close() { close(o.reqCh) }

// The worker also leaves when the context is done: a select, not a range.
type selectObject struct{ reqCh chan int }

func openSelectObject(ctx context.Context) *selectObject {
	reqCh := make(chan int)
	go func() {
		defer close(reqCh)
		for {
			select {
			case req := <-reqCh:
				_ = req
			case <-ctx.Done():
				return
			}
		}
	}()
	return &selectObject{reqCh: reqCh}
}

func (o *selectObject) read(n int) { o.reqCh <- n }

// The same with a local channel: the sender never closes it.
func countWords(words []string, count func(string)) { // want countWords:`launches\[1\]`
	ch := make(chan string)
	go func() {
		defer close(ch)
		for w := range ch { // want `range over ch never ends: the only close of ch runs in this goroutine, after the range; close ch after the last send`
			count(w)
		}
	}()
	for _, w := range words {
		ch <- w
	}
}

func countWordsClosed(words []string, count func(string)) { // want countWordsClosed:`launches\[1\]`
	ch := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for w := range ch {
			count(w)
		}
	}()
	for _, w := range words {
		ch <- w
	}
	close(ch)
	<-done
}
