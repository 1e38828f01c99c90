// Package lifecycle is the model golifecheck's checks share, computed once
// per package by its Analyzer (named golifecheck) and read by each check
// through its Result:
//
//   - the package's SSA form (build.go, imports.go), with the functions
//     that never return (noreturn.go, as ctrlflow computes them);
//   - the knowledge table of API lifecycles (knowledge.go, knowledge.txt),
//     checked against the packages it names (knowledgecheck.go);
//   - each function's lifecycle summary, a FuncFact exported as a fact
//     (summary.go: fresh cancels, kept contexts, launchers, loops that never
//     end; chanwalk.go and streams.go: what it does with channels; signals.go:
//     channels nothing closes; stopcontract.go and startstops.go: stop
//     methods a caller owes), so that go vet, one package at a time, and the
//     standalone command see the same;
//   - the standard library's facts, precomputed and embedded (stdfacts.go);
//   - the suppression comments (suppress.go).
//
// The Analyzer reports golifecheck's own problems: suppression comments
// that name no check or give no reason, and internal errors. Each check
// takes a State of its own from the Result (Result.ForCheck): the State's
// caches, filled on demand, are the check's alone, so checks that run in
// parallel share nothing they write.
package lifecycle
