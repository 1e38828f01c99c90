//go:build race

package analyzer

// raceEnabled: the tests run under the race detector.
const raceEnabled = true
