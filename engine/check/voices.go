package check

import "fmt"

// Every verdict speaks in two voices: the symptom (Result.Message), which a
// client of the system could observe and which never names the fix, and the
// diagnosis (Result.Diagnosis), which says why.

// pass returns a passing result.
func pass(symptom, diagnosis string) Result {
	return Result{Status: Pass, Message: symptom, Diagnosis: diagnosis}
}

// fail returns a failing result.
func fail(symptom, diagnosis string) Result {
	return Result{Status: Fail, Message: symptom, Diagnosis: diagnosis}
}

// failf returns a failing result whose symptom is its own diagnosis: a plain
// fact such as a missing object, which gives no fix away.
func failf(format string, a ...any) Result {
	msg := fmt.Sprintf(format, a...)
	return fail(msg, msg)
}

// absent is the verdict when an object the check needs does not exist.
func absent(kind, name, ns string) Result {
	return failf("%s %s does not exist in namespace %s", kind, name, ns)
}
