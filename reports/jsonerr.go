package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// jsonKinds names JSON values as a user reads the file, not as Go types.
var jsonKinds = map[string]string{
	"array": "a list", "object": "an object", "string": "a string", "number": "a number", "bool": "true or false",
}

// jsonKindOf names the JSON value a Go kind decodes from.
func jsonKindOf(k reflect.Kind) string {
	switch k {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}

// jsonProblem says what is wrong with a JSON file in its own terms: the
// field and the kind of value found, or the byte where the syntax breaks.
// encoding/json's messages name Go types ("cannot unmarshal array into Go
// value of type reports.Report"), which mean nothing to a user.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		found := jsonKinds[typeErr.Value]
		if found == "" {
			found = typeErr.Value
		}
		want := "another kind of value"
		if typeErr.Type != nil {
			want = jsonKindOf(typeErr.Type.Kind())
		}
		if typeErr.Field == "" {
			return fmt.Sprintf("the file is %s where %s was expected", found, want)
		}
		return fmt.Sprintf("field %q is %s where %s was expected", typeErr.Field, found, want)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("not valid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	return err.Error()
}
