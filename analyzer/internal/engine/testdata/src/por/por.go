// Package por has roots whose goroutines do local work before they
// synchronize: searched in every order of that work, they pass the state
// budget; the partial-order reduction runs it in one order.
package por

func work(i int) int {
	s := 0
	for j := 0; j < 3; j++ {
		s += i * j
	}
	return s
}

func worker(i int, results chan<- int) {
	v := work(i)
	results <- v // want "send blocks forever"
}

// Seven workers, six receives: one worker's send blocks forever.
func fanOutOneShort() {
	results := make(chan int)
	go worker(1, results)
	go worker(2, results)
	go worker(3, results)
	go worker(4, results)
	go worker(5, results)
	go worker(6, results)
	go worker(7, results)
	<-results
	<-results
	<-results
	<-results
	<-results
	<-results
}

// Its fix: a receive for each worker.
func fanOut() {
	results := make(chan int)
	go worker(1, results)
	go worker(2, results)
	go worker(3, results)
	go worker(4, results)
	go worker(5, results)
	go worker(6, results)
	go worker(7, results)
	<-results
	<-results
	<-results
	<-results
	<-results
	<-results
	<-results
}

// Six receives, and a buffer for the seventh worker's send.
func fanOutBuffered() {
	results := make(chan int, 1)
	go worker(1, results)
	go worker(2, results)
	go worker(3, results)
	go worker(4, results)
	go worker(5, results)
	go worker(6, results)
	go worker(7, results)
	<-results
	<-results
	<-results
	<-results
	<-results
	<-results
}
