package ssegomega_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The specs are themselves the example of a team's own SSE suite: a Ginkgo
// suite that opens streams with harness/stream and asserts with ssegomega.
func TestSSEGomega(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ssegomega")
}
