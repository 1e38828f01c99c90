package golangci

// NewAnalyzers exposes newAnalyzers to the tests, which wrap a fake
// analyzer with it.
var NewAnalyzers = newAnalyzers
