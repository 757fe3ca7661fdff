package schemas

import "testing"

func BenchmarkDecodeIdentity(b *testing.B) {
	s := schemaByName(b, IdentityName)
	attrs := identityWire()
	// A positive date, as CBOR decodes it: uint64.
	attrs[2] = "110105198906270015"
	attrs[3] = uint64(daysFromCivil(1989, 6, 27))
	attrs[4] = "M"
	if _, err := s.Decode(attrs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Decode(attrs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeIdentity(b *testing.B) {
	s := schemaByName(b, IdentityName)
	claims := identityJSON()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Encode(claims); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeJSONIdentity(b *testing.B) {
	s := schemaByName(b, IdentityName)
	data := []byte(`{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31","sex":"F","nationality":"CHN","portrait_sha256":"abababababababababababababababababababababababababababababababab"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.EncodeJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
