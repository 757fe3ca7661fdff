package status_test

import (
	"fmt"
	"log"

	"github.com/netcred/netcred/status"
)

// An issuer allocates an index for each credential, revokes one, and
// publishes the list; a verifier parses it and looks statuses up.
func Example() {
	list, err := status.New(status.DefaultSize)
	if err != nil {
		log.Fatal(err)
	}
	alloc, err := status.NewAllocator(list.Len())
	if err != nil {
		log.Fatal(err)
	}
	alice, _ := alloc.Allocate(nil) // nil: crypto/rand
	bob, _ := alloc.Allocate(nil)
	if err := list.Set(bob, status.Revoked); err != nil {
		log.Fatal(err)
	}
	published, err := list.MarshalCBOR() // the status_list claim of the token
	if err != nil {
		log.Fatal(err)
	}

	got, err := status.Parse(published)
	if err != nil {
		log.Fatal(err)
	}
	for _, idx := range []uint64{alice, bob} {
		s, err := got.Get(idx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s)
	}
	_, err = got.Get(status.DefaultSize)
	fmt.Println(err)
	// Output:
	// valid
	// revoked
	// status: index out of range: index 1048576, list has 1048576 entries
}

func ExampleAllocator_MarshalBinary() {
	alloc, _ := status.NewAllocator(1024)
	alloc.Allocate(nil)
	state, _ := alloc.MarshalBinary() // stored with the credential record

	var restored status.Allocator
	if err := restored.UnmarshalBinary(state); err != nil {
		log.Fatal(err)
	}
	fmt.Println(restored.Len(), restored.Used())
	// Output: 1024 1
}
