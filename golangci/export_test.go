package golangci

// WrapAll exposes wrapAll to the tests, which wrap fake analyzers with it.
var WrapAll = wrapAll
