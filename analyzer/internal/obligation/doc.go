// Package obligation is golifecheck's model of ownership: must-call
// obligations (a cancel function, a stop method) followed on the SSA form
// of a function, path by path, and the owning fields that discharge them.
//
// The model follows the Resource Leak Checker (Kellogg et al.,
// "Lightweight and modular resource leak verification", ESEC/FSE 2021):
// a value carries an obligation from the instruction that creates it; the
// obligation is met on a path that calls the value, and it moves to
// another owner when the value is returned, sent, stored where the owner
// discharges it, or passed to a function that, by its summary, calls it.
// Three departures from the paper, each for precision on Go code:
//
//   - Values, not variables. The model follows SSA values, so a variable
//     reassigned before its deferred call loses the first value: a phi
//     that takes another value on an incoming edge ends the obligation's
//     discharges along that edge (Flow.Leak reports the reassignment).
//   - Whatever the model cannot follow (an unknown callee, an escaping
//     address, a conversion to an interface) counts as a transfer, so no
//     finding is made: silence over guessing.
//   - An owning field is discharged by a release method of its type that
//     calls it on every path, except the paths a guard excuses: the value
//     is nil, an idempotence flag of the receiver says an earlier call did
//     it, or a parameter of the method chose not to (Model.Field).
//
// The package knows nothing of contexts or goroutines: which calls create
// obligations, and which callees drop the values they are given, are told
// by the caller through Oracle; analyzer/ctxcancel and analyzer/gostop
// report what the model finds.
package obligation
