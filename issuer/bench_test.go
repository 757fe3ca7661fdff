package issuer

import (
	"crypto/ed25519"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/status"
)

// seedLists gives d lists 1..n, each of d.ListSize() entries with used
// indexes taken at random and revoked of those revoked, writing the lists
// directly (as millions of Issue calls would, without their records, which
// Publish does not read).
func seedLists(tb testing.TB, d *StatusDir, n, used, revoked int, seed uint64) {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	size := d.ListSize()
	err := d.db.Update(func(tx *bolt.Tx) error {
		for num := uint32(1); num <= uint32(n); num++ {
			b := tx.Bucket(bucketLists).Bucket(listKey(num))
			if b == nil {
				var err error
				if b, err = d.createList(tx, num); err != nil {
					return err
				}
			}
			alloc := make([]byte, 9+(size+7)/8) // the MarshalBinary form
			alloc[0] = 1
			binary.BigEndian.PutUint64(alloc[1:], uint64(size))
			taken := make([]int, 0, used)
			for len(taken) < used {
				i := r.IntN(size)
				if p := &alloc[9+i/8]; *p&(1<<(i%8)) == 0 {
					*p |= 1 << (i % 8)
					taken = append(taken, i)
				}
			}
			list, err := status.New(size)
			if err != nil {
				return err
			}
			for _, k := range r.Perm(len(taken))[:revoked] {
				if err := list.Set(uint64(taken[k]), status.Revoked); err != nil {
					return err
				}
			}
			if err := b.Put(listAllocator, alloc); err != nil {
				return err
			}
			if err := b.Put(listStatuses, list.Bytes()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkPublishTenLists publishes the lists of an issuer with 10^7
// credentials: ten default-size lists (2^20 entries) with 10^6 indexes
// taken in each, 1% of the credentials revoked. One op reads the ten lists
// from the status dir, compresses and signs them in parallel (one worker
// per CPU) and writes the ten tokens and index.json. The target is under
// 1 s per op on two cores.
func BenchmarkPublishTenLists(b *testing.B) {
	d := openTestDir(b, status.DefaultSize)
	seedLists(b, d, 10, 1_000_000, 10_000, 1)
	_, key := newIssuer(b)
	out := b.TempDir()
	var published []PublishedList
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if published, err = d.Publish(key, out, fixedNow, DefaultStatusValidity, DefaultStatusTTL); err != nil {
			b.Fatal(err)
		}
	}
	total, revoked := 0, 0
	for _, p := range published {
		total += p.Bytes
		revoked += p.Revoked
	}
	if len(published) != 10 || revoked != 10*10_000 {
		b.Fatalf("published %d lists with %d revoked, want 10 and 100000", len(published), revoked)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/publish")
	b.ReportMetric(float64(total), "bytes")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
}

// BenchmarkIssueWithStatus is one issuance through a status dir with
// default-size lists: take a random index, sign, record, commit (with
// fsync).
func BenchmarkIssueWithStatus(b *testing.B) {
	d := openTestDir(b, status.DefaultSize)
	is, _ := newIssuer(b)
	req := Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims(), ValidFor: 24 * time.Hour}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Issue(is, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetStatus is one revocation: record and list updated in one
// transaction.
func BenchmarkSetStatus(b *testing.B) {
	d := openTestDir(b, status.DefaultSize)
	is, _ := newIssuer(b)
	ids := make([]string, 0, 256)
	for _, c := range issueN(b, d, is, cap(ids)) {
		ids = append(ids, idOf(c))
	}
	states := []status.Status{status.Suspended, status.Valid}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.SetStatus(ids[i%len(ids)], states[i/len(ids)%2], "benchmark"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkIssue is one Issuer.Issue (validate, encode, sign, QR text)
// paired with a bare ed25519.Sign of a message of the credential's size,
// alternating per iteration so that both see the same machine load.
// credentials/s and sign/s are each side's rate (medians), x_sign the
// per-pair ratio of issue time over sign time (1.00 would be signing alone).
func BenchmarkIssue(b *testing.B) {
	is, key := newIssuer(b)
	req := Request{Type: "identity", Level: credential.LevelSubstantial, Claims: identityClaims(), ValidFor: 24 * time.Hour}
	out, err := is.Issue(req)
	if err != nil {
		b.Fatal(err)
	}
	priv := key.Signer().(ed25519.PrivateKey)
	msg := make([]byte, len(out.COSE))
	var tIssue, tSign, ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if _, err := is.Issue(req); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ed25519.Sign(priv, msg)
		t2 := time.Now()
		di, ds := float64(t1.Sub(t0)), float64(t2.Sub(t1))
		tIssue, tSign, ratios = append(tIssue, di), append(tSign, ds), append(ratios, di/ds)
	}
	med := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	b.ReportMetric(1e9/med(tIssue), "credentials/s")
	b.ReportMetric(1e9/med(tSign), "sign/s")
	b.ReportMetric(med(ratios), "x_sign")
}
