//go:build race

package lifecycle

// raceEnabled: the tests run under the race detector.
const raceEnabled = true
