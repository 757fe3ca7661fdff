package strictjson_test

import (
	"errors"
	"fmt"

	"github.com/netcred/netcred/internal/strictjson"
)

func ExampleUnmarshal() {
	var claims map[string]any
	err := strictjson.Unmarshal([]byte(`{"name":"A","name":"B"}`), &claims, strictjson.MaxSize(64<<10))
	fmt.Println(err)
	fmt.Println(errors.Is(err, strictjson.ErrDuplicateMember))

	var e *strictjson.Error
	err = strictjson.Unmarshal([]byte("\xef\xbb\xbf{}"), &claims)
	if errors.As(err, &e) && e.Err == strictjson.ErrBOM {
		fmt.Println("hint: save the file as UTF-8 without a byte-order mark")
	}
	// Output:
	// strictjson: duplicate member at $.name: again at byte 12, first at byte 1
	// true
	// hint: save the file as UTF-8 without a byte-order mark
}

func ExampleUnmarshal_struct() {
	var cfg struct {
		Issuers []struct {
			ID string `json:"id"`
		} `json:"issuers"`
	}
	err := strictjson.Unmarshal([]byte(`{"issuers":[{"id":"a"},{"ID":"b"}]}`), &cfg, strictjson.DisallowUnknownFields())
	fmt.Println(err)
	// Output:
	// strictjson: member name in the wrong case at $.issuers[1].ID: the member is "id"
}
